from django.db import models


class Service(models.TextChoices):
    """Who a rule or a notice belongs to: the four services (slugs of core.navigation) and the platform itself."""

    CONSEILLERS_ENTREPRISES = "conseillers-entreprises", "Conseillers-Entreprises"
    PORTAIL = "portail", "Portail de service"
    FRANCENUM = "francenum", "Activateurs France Num"
    CONSEILLER_NUMERIQUE = "conseiller-numerique", "Conseiller numérique France Services"
    PLATFORM = "plateforme", "Toute la plateforme Relais"


class RetentionAction(models.TextChoices):
    DELETE = "delete", "Suppression"
    ANONYMISE = "anonymise", "Anonymisation (les champs statistiques sont gardés)"
    DEACTIVATE_THEN_DELETE = "deactivate_then_delete", "Avertissement, puis désactivation et suppression des données"


class Erasure(models.TextChoices):
    """What erasing a person does to one kind of their data (shown to them before they confirm)."""

    DELETED = "deleted", "Supprimé"
    ANONYMISED = "anonymised", "Anonymisé"
    KEPT = "kept", "Conservé"


class DataRight(models.TextChoices):
    ACCESS = "access", "Accès à mes données (obtenir une copie)"
    RECTIFICATION = "rectification", "Rectification de données inexactes"
    ERASURE = "erasure", "Effacement de mes données"
    LIMITATION = "limitation", "Limitation du traitement"
    OBJECTION = "objection", "Opposition au traitement"
    PORTABILITY = "portability", "Portabilité (copie dans un format lisible par une machine)"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Reçue"
    IDENTITY_VERIFIED = "identity_verified", "Identité vérifiée"
    ANSWERED = "answered", "Répondue"
    REJECTED = "rejected", "Refusée"


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IDENTITY_VERIFIED)
CLOSED_REQUEST_STATUSES = (RequestStatus.ANSWERED, RequestStatus.REJECTED)


class RequestEventKind(models.TextChoices):
    SUBMITTED = "submitted", "Demande reçue"
    IDENTITY_VERIFIED = "identity_verified", "Identité vérifiée"
    DATA_EXPORTED = "data_exported", "Données rassemblées pour la réponse"
    DATA_ERASED = "data_erased", "Données effacées"
    OBJECTION_APPLIED = "objection_applied", "Opposition ou limitation appliquée"
    NOTE = "note", "Note"
    REMINDER = "reminder", "Relance du délégué à la protection des données"
    ANSWERED = "answered", "Réponse envoyée"
    REJECTED = "rejected", "Refus envoyé"
    EXPORT_DOWNLOADED = "export_downloaded", "Export téléchargé par la personne"


class IncidentKind(models.TextChoices):
    DATA_LOSS = "data_loss", "Perte ou destruction de données"
    MALICIOUS_USE = "malicious_use", "Utilisation malveillante"
    DEGRADATION = "degradation", "Dégradation, même accidentelle, du service ou des données"
    DISCLOSURE = "disclosure", "Données communiquées à une mauvaise personne"
    OTHER = "other", "Autre incident de sécurité"


class IncidentStatus(models.TextChoices):
    NEW = "new", "Nouveau"
    INVESTIGATING = "investigating", "En cours d’analyse"
    CONTAINED = "contained", "Maîtrisé"
    CLOSED = "closed", "Clos"


OPEN_INCIDENT_STATUSES = (IncidentStatus.NEW, IncidentStatus.INVESTIGATING, IncidentStatus.CONTAINED)
INCIDENT_TRANSITIONS = {
    IncidentStatus.NEW: (IncidentStatus.INVESTIGATING, IncidentStatus.CONTAINED, IncidentStatus.CLOSED),
    IncidentStatus.INVESTIGATING: (IncidentStatus.CONTAINED, IncidentStatus.CLOSED),
    IncidentStatus.CONTAINED: (IncidentStatus.INVESTIGATING, IncidentStatus.CLOSED),
    IncidentStatus.CLOSED: (IncidentStatus.INVESTIGATING,),
}


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Connexion"
    SIGN_IN_FAILED = "sign_in_failed", "Échec de connexion"
    SIGN_OUT = "sign_out", "Déconnexion"
    PERSONAL_DATA_EXPORTED = "personal_data_exported", "Export de données personnelles"
    DATA_EXPORTED = "data_exported", "Export de données d’un service"
    CONTACT_DETAILS_VIEWED = "contact_details_viewed", "Consultation des coordonnées d’une entreprise"
    RIGHTS_CHANGED = "rights_changed", "Changement de droits ou de rôle"
    ACCOUNT_DELETED = "account_deleted", "Suppression d’un compte"
    ACCOUNT_SUSPENDED = "account_suspended", "Suspension d’un compte"
    ACCOUNT_SUSPENSION_LIFTED = "account_suspension_lifted", "Levée d’une suspension"
    PERSONAL_DATA_ERASED = "personal_data_erased", "Effacement des données d’une personne"
    OBJECTION_CHANGED = "objection_changed", "Opposition ou limitation"
    RETENTION_APPLIED = "retention_applied", "Application d’une règle de conservation"
    DATA_RIGHTS_REQUEST = "data_rights_request", "Demande d’exercice de droits"
    INCIDENT = "incident", "Signalement d’incident"
    ADMIN_CHANGE = "admin_change", "Modification dans l’administration"

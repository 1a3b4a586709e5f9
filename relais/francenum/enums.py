"""Choices of the France Num activators (seed 002): English values, French labels; status groups live here."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "À instruire"
    AWAITING_ANSWER = "awaiting_answer", "En attente de réponse"
    VALIDATED = "validated", "Validée"
    REFUSED = "refused", "Refusée"
    SUSPENDED = "suspended", "Suspendue"
    CANCELLED = "cancelled", "Annulée"


# Every allowed change of status (services.transitions.change_status refuses the others).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.SUBMITTED: frozenset({Status.AWAITING_ANSWER, Status.VALIDATED, Status.REFUSED, Status.CANCELLED}),
    Status.AWAITING_ANSWER: frozenset({Status.SUBMITTED, Status.VALIDATED, Status.REFUSED, Status.CANCELLED}),
    Status.VALIDATED: frozenset({Status.SUSPENDED, Status.CANCELLED}),
    Status.SUSPENDED: frozenset({Status.VALIDATED, Status.CANCELLED}),
    Status.REFUSED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# The structure may change its information in these statuses (a validated one keeps its profile up to date).
EDITABLE = frozenset({Status.DRAFT, Status.AWAITING_ANSWER, Status.SUBMITTED, Status.VALIDATED})
# Statuses in the reviewers' queue.
IN_REVIEW = frozenset({Status.SUBMITTED, Status.AWAITING_ANSWER})


class Kind(models.TextChoices):
    AGENCY = "agency", "Agence de communication / marketing"
    ESN = "esn", "Entreprise de services numériques"
    CONSULTANT = "consultant", "Indépendant / consultant"
    PUBLISHER = "publisher", "Éditeur de solutions"
    TRAINING = "training", "Organisme de formation"
    ACCOUNTING_LAW = "accounting_law", "Cabinet d'expertise comptable ou d'avocats"
    CHAMBER = "chamber", "Chambre consulaire"
    ASSOCIATION = "association", "Association"
    PUBLIC_BODY = "public_body", "Organisme public"
    OTHER = "other", "Autre"


class Category(models.TextChoices):
    PRIVATE = "private", "Privée"
    PUBLIC = "public", "Publique"


class Domain(models.TextChoices):
    STRATEGY = "strategy", "Stratégie numérique"
    WEBSITE = "website", "Site internet"
    SOCIAL = "social", "Réseaux sociaux"
    ECOMMERCE = "ecommerce", "Commerce en ligne"
    DATA = "data", "Gestion des données"
    INTERNAL = "internal", "Numérisation de la gestion interne"
    SECURITY = "security", "Cybersécurité"
    AI = "ai", "Intelligence artificielle"
    MARKETING = "marketing", "Marketing digital et référencement"


class ServiceKind(models.TextChoices):
    ADVICE = "advice", "Conseil"
    IMPLEMENTATION = "implementation", "Accompagnement à la mise en œuvre"
    SOLUTION = "solution", "Solution"
    TRAINING = "training", "Formation"


class StaffSize(models.TextChoices):
    ONE = "1", "1 personne"
    SMALL = "2-9", "2 à 9 salariés"
    MEDIUM = "10-49", "10 à 49 salariés"
    LARGE = "50-249", "50 à 249 salariés"
    HUGE = "250+", "250 salariés et plus"


class MemberRole(models.TextChoices):
    REFERENT = "referent", "Référent"
    MEMBER = "member", "Adhérent"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "Actif"
    SUSPENDED = "suspended", "Suspendu"
    LEFT = "left", "Parti"


class LegalCheck(models.TextChoices):
    UNCHECKED = "unchecked", "Non vérifié"
    OK = "ok", "Mentions légales et page données personnelles trouvées"
    PARTIAL = "partial", "Une des deux pages est introuvable"
    MISSING = "missing", "Aucune des deux pages trouvée"
    UNREACHABLE = "unreachable", "Site injoignable"


class EventKind(models.TextChoices):
    CREATED = "created", "Création"
    SUBMITTED = "submitted", "Demande envoyée"
    INFO_REQUESTED = "info_requested", "Demande d'informations complémentaires"
    ANSWERED = "answered", "Réponse de la structure"
    VALIDATED = "validated", "Validation"
    REFUSED = "refused", "Refus"
    SUSPENDED = "suspended", "Suspension"
    SUSPENSION_LIFTED = "suspension_lifted", "Levée de la suspension"
    CANCELLED = "cancelled", "Annulation"
    REENGAGED = "reengaged", "Réengagement"
    MEMBER_SUSPENDED = "member_suspended", "Suspension d'un adhérent"
    MEMBER_LIFTED = "member_lifted", "Levée de la suspension d'un adhérent"
    MEMBER_REMOVED = "member_removed", "Retrait d'un adhérent"
    MEMBER_LEFT = "member_left", "Départ d'un adhérent"
    REFERENT_CHANGED = "referent_changed", "Changement de référent"
    DELETION_WARNED = "deletion_warned", "Avertissement avant suppression"
    EXPIRY_REMINDED = "expiry_reminded", "Rappel d'échéance de l'engagement"


class ContactStatus(models.TextChoices):
    PENDING = "pending", "En attente d'accusé de réception"
    ACKNOWLEDGED = "acknowledged", "Accusé de réception envoyé"

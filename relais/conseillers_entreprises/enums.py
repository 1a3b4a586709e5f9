from django.db import models


class TerritorialLevel(models.TextChoices):
    LOCAL = "local", "Local"
    REGIONAL = "regional", "Régional"
    NATIONAL = "national", "National"


class ZoneType(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTMENT = "department", "Département"
    REGION = "region", "Région"


class InstitutionCategory(models.TextChoices):
    ACQUISITION = "acquisition", "Acquisition"
    EXPERT_PROVIDER = "expert_provider", "Fournisseur d’experts"
    OPCO = "opco", "OPCO"
    CCI = "cci", "CCI"
    CMA = "cma", "CMA"
    UNAPL = "unapl", "UNAPL"


class SolicitationStatus(models.TextChoices):
    DRAFT = "draft", "En cours de saisie"
    IN_PROGRESS = "in_progress", "Reçue"
    PROCESSED = "processed", "Mise en relation"
    CANCELED = "canceled", "Abandonnée"


class SolicitationSource(models.TextChoices):
    SITE = "site", "Site"
    IFRAME = "iframe", "Iframe"
    API = "api", "API"
    CAMPAIGN = "campaign", "Campagne"


class LandingIntegration(models.TextChoices):
    """What a landing opens on, for the partner that frames it or links to it."""

    SERVICE = "service", "Tout le service (thématiques puis sujets)"
    THEME = "theme", "Un thème (ses sujets)"
    SUBJECTS = "subjects", "Une liste de sujets"
    FORM = "form", "Un formulaire (un seul sujet)"


class NeedStatus(models.TextChoices):
    DIAGNOSIS_NOT_COMPLETE = "diagnosis_not_complete", "Analyse en cours"
    QUO = "quo", "En attente de réponse"
    TAKING_CARE = "taking_care", "En cours de prise en charge"
    DONE = "done", "Besoin clôturé"
    DONE_NO_HELP = "done_no_help", "Pas d’aide disponible"
    DONE_NOT_REACHABLE = "done_not_reachable", "Entreprise non joignable"
    NOT_FOR_ME = "not_for_me", "Besoin refusé"


class MatchStatus(models.TextChoices):
    QUO = "quo", "En attente de réponse"
    TAKING_CARE = "taking_care", "En cours de prise en charge"
    DONE = "done", "Aide proposée"
    DONE_NO_HELP = "done_no_help", "Pas d’aide disponible"
    DONE_NOT_REACHABLE = "done_not_reachable", "Entreprise non joignable"
    NOT_FOR_ME = "not_for_me", "Mise en relation refusée"


# Status groups of a match, shared by positioning, the inbox tabs, the follow-up and the figures.
CLOSED_STATUSES = (MatchStatus.DONE, MatchStatus.DONE_NO_HELP, MatchStatus.DONE_NOT_REACHABLE)
# Where the team has called the company back: the "taken charge" share of the figures.
TAKEN_STATUSES = (MatchStatus.TAKING_CARE, *CLOSED_STATUSES)
# The public service shows a need by the most advanced position of its experts, in this order.
NEED_STATUS_PRECEDENCE = (
    MatchStatus.DONE,
    MatchStatus.DONE_NO_HELP,
    MatchStatus.DONE_NOT_REACHABLE,
    MatchStatus.TAKING_CARE,
)


class SolicitationAction(models.TextChoices):
    SUBMITTED = "submitted", "Demande déposée"
    EXPERT_ADDED = "expert_added", "Expert ajouté"
    EXPERT_REMOVED = "expert_removed", "Expert retiré"
    SUBJECT_CHANGED = "subject_changed", "Sujet modifié"
    SPLIT = "split", "Demande scindée en plusieurs besoins"
    TRANSMITTED = "transmitted", "Demande transmise aux experts"
    CANCELED = "canceled", "Demande abandonnée"
    NOTE = "note", "Note de l’équipe support"
    NOT_CONTACTED = "not_contacted", "L’entreprise signale ne pas avoir été contactée"


class ReminderBasket(models.TextChoices):
    POKE = "poke", "Sans réponse"
    LAST_CHANCE = "last_chance", "Risque d’abandon"
    ABANDON = "abandon", "Abandonnés"
    REFUSED = "refused", "Refusés"
    NOT_CONTACTED = "not_contacted", "Entreprise non rappelée"


class ReminderActionKind(models.TextChoices):
    EXPERTS_REMINDED = "experts_reminded", "Experts relancés"
    COMPANY_EMAILED = "company_emailed", "Réponse envoyée à l’entreprise"
    MARKED_DONE = "marked_done", "Marqué comme traité"


class CompanyEmailKind(models.TextChoices):
    BEING_HANDLED = "being_handled", "Demande en cours de traitement (J+9)"
    ABANDONED = "abandoned", "Échec de la demande (J+45)"
    SATISFACTION = "satisfaction", "Enquête de satisfaction"


class AccountRequestStatus(models.TextChoices):
    PENDING = "pending", "À examiner"
    VALIDATED = "validated", "Validée"
    REFUSED = "refused", "Refusée"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Prêt"
    FAILED = "failed", "Échec"

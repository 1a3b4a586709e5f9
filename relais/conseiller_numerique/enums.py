"""Statuses and choices of the service, with their transitions (one place for every rule on statuses)."""

from django.db import models

# "Toute la France": the candidate accepts any structure of their territory (metropolitan France or their own
# overseas territory). Stored as 0 so that the radii stay plain integers.
ALL_FRANCE = 0
# The radii up to this one have their pairs stored (matching.py). The wider one (100 km), whose pairs would be two
# thirds of them all (six million of nine at the scale of the bench), and "toute la France" are matched when a
# structure's list is read, around the structure (querysets.py).
STORED_RADIUS_MAX_KM = 40
METROPOLE = "metropole"


class Distance(models.IntegerChoices):
    KM_5 = 5, "5 km"
    KM_10 = 10, "10 km"
    KM_15 = 15, "15 km"
    KM_20 = 20, "20 km"
    KM_40 = 40, "40 km"
    KM_100 = 100, "100 km"
    ALL_FRANCE = ALL_FRANCE, "Toute la France"


class Situation(models.TextChoices):
    JOB_SEEKER = "job_seeker", "Demandeur ou demandeuse d'emploi"
    EMPLOYED = "employed", "En emploi"
    IN_TRAINING = "in_training", "En formation"


class CandidateStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Adresse électronique à confirmer"
    AVAILABLE = "available", "Disponible"
    UNAVAILABLE = "unavailable", "Indisponible"
    RECRUITED = "recruited", "Recruté(e)"


class StructureKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    DEPARTMENT = "departement", "Département"
    REGION = "region", "Région"
    EPCI = "epci", "EPCI"
    OTHER_AUTHORITY = "collectivite", "Autre collectivité"
    GIP = "gip", "GIP"
    PRIVATE = "privee", "Structure privée"


class StructureStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Adresse électronique à confirmer"
    CREATED = "created", "Déposée"
    COMPLEMENTARY_EXAMINATION = "complementary_examination", "Examen complémentaire"
    VALIDATED = "validated", "Validée"
    REFUSED = "refused", "Refusée"
    ABANDONED = "abandoned", "Abandonnée"
    CANCELLED = "cancelled", "Annulée"
    DUPLICATE = "duplicate", "Doublon"


# The national team's decisions, from each status (the confirmation of the email is the structure's own step).
STRUCTURE_TRANSITIONS = {
    StructureStatus.CREATED: {
        StructureStatus.VALIDATED,
        StructureStatus.COMPLEMENTARY_EXAMINATION,
        StructureStatus.REFUSED,
        StructureStatus.ABANDONED,
        StructureStatus.CANCELLED,
        StructureStatus.DUPLICATE,
    },
    StructureStatus.COMPLEMENTARY_EXAMINATION: {
        StructureStatus.VALIDATED,
        StructureStatus.REFUSED,
        StructureStatus.ABANDONED,
        StructureStatus.CANCELLED,
        StructureStatus.DUPLICATE,
    },
    # A validated structure may get more (or fewer) posts: validated → validated.
    StructureStatus.VALIDATED: {StructureStatus.VALIDATED, StructureStatus.ABANDONED, StructureStatus.CANCELLED},
    StructureStatus.REFUSED: {StructureStatus.COMPLEMENTARY_EXAMINATION},
    StructureStatus.ABANDONED: set(),
    StructureStatus.CANCELLED: set(),
    StructureStatus.DUPLICATE: set(),
    StructureStatus.UNCONFIRMED: set(),
}
# Structures that have lost their right to recruit: their open matches go.
CLOSED_STRUCTURE_STATUSES = {StructureStatus.ABANDONED, StructureStatus.CANCELLED, StructureStatus.DUPLICATE}


class Opinion(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    UNFAVORABLE = "unfavorable", "Défavorable"


class MatchStatus(models.TextChoices):
    NEW = "new", "Nouvelle"
    PRESELECTED = "preselected", "Présélectionnée"
    NOT_RETAINED = "not_retained", "Non retenue"
    VALIDATED = "validated", "Candidature validée"
    RECRUITED = "recruited", "Recrutée"
    RUPTURED = "ruptured", "Contrat rompu"


MATCH_TRANSITIONS = {
    MatchStatus.NEW: {MatchStatus.PRESELECTED, MatchStatus.NOT_RETAINED},
    MatchStatus.PRESELECTED: {MatchStatus.NEW, MatchStatus.NOT_RETAINED, MatchStatus.VALIDATED},
    MatchStatus.NOT_RETAINED: {MatchStatus.NEW},
    MatchStatus.VALIDATED: {MatchStatus.PRESELECTED, MatchStatus.RECRUITED},
    MatchStatus.RECRUITED: {MatchStatus.RUPTURED},
    MatchStatus.RUPTURED: set(),
}
# Matches still in play: they go when the structure is closed or the candidate recruited elsewhere.
OPEN_MATCH_STATUSES = {MatchStatus.NEW, MatchStatus.PRESELECTED, MatchStatus.NOT_RETAINED, MatchStatus.VALIDATED}
# What counts against the posts granted.
QUOTA_MATCH_STATUSES = {MatchStatus.VALIDATED, MatchStatus.RECRUITED}


class ContractType(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    PEC = "pec", "Parcours emploi compétences (PEC)"
    PROJECT = "projet", "Contrat de projet public"


class RuptureReason(models.TextChoices):
    DISMISSAL = "licenciement", "Licenciement"
    NON_RENEWAL = "non_reconduction", "Non-reconduction du CDD"
    RESIGNATION = "demission", "Démission"
    CDI = "cdisation", "CDIsation"
    END_OF_FUNDING = "fin_subvention", "Fin de subventionnement"


class PixLevel(models.IntegerChoices):
    BEGINNER = 1, "Débutant"
    INTERMEDIATE = 2, "Intermédiaire"
    ADVANCED = 3, "Avancé"


class PlaceAccess(models.TextChoices):
    FREE = "libre", "Accès libre"
    APPOINTMENT = "rendez_vous", "Sur rendez-vous"
    RESTRICTED = "reserve", "Réservé à un public"


class AgentKind(models.TextChoices):
    PREFECTURE = "prefecture", "Préfecture"
    NATIONAL = "national", "Équipe nationale (ANCT)"

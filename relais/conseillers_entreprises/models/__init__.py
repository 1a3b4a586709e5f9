from .directory import (
    Absence,
    Antenne,
    Expert,
    ExpertSubject,
    Institution,
    InstitutionSubject,
    MatchFilter,
    TerritorialZone,
)
from .needs import Diagnosis, Match, Need
from .solicitations import (
    BlockedEmail,
    CancellationTemplate,
    Landing,
    NewsletterSubscription,
    Solicitation,
    SolicitationAnswer,
    SolicitationEvent,
)
from .taxonomy import Subject, SubjectQuestion, Theme
from .workspace import MatchStatusChange, NeedComment

__all__ = [
    "Absence",
    "Antenne",
    "BlockedEmail",
    "CancellationTemplate",
    "Diagnosis",
    "Expert",
    "ExpertSubject",
    "Institution",
    "InstitutionSubject",
    "Landing",
    "Match",
    "MatchFilter",
    "MatchStatusChange",
    "Need",
    "NeedComment",
    "NewsletterSubscription",
    "Solicitation",
    "SolicitationAnswer",
    "SolicitationEvent",
    "Subject",
    "SubjectQuestion",
    "TerritorialZone",
    "Theme",
]

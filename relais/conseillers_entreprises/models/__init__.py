from .advisors import AccountRequest, AccountRequestStatus, AdvisorInvitation
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
from .followup import (
    CompanyEmailKind,
    CompanyEmailSent,
    ExpertDigest,
    ReminderAction,
    ReminderActionKind,
    ReminderBasket,
    SatisfactionAnswer,
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
    "AccountRequest",
    "AccountRequestStatus",
    "AdvisorInvitation",
    "Antenne",
    "BlockedEmail",
    "CancellationTemplate",
    "CompanyEmailKind",
    "CompanyEmailSent",
    "Diagnosis",
    "Expert",
    "ExpertDigest",
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
    "ReminderAction",
    "ReminderActionKind",
    "ReminderBasket",
    "SatisfactionAnswer",
    "Solicitation",
    "SolicitationAnswer",
    "SolicitationEvent",
    "Subject",
    "SubjectQuestion",
    "TerritorialZone",
    "Theme",
]

from .advisors import AccountRequest, AdvisorInvitation
from .directory import (
    Absence,
    Antenne,
    Expert,
    ExpertSubject,
    Institution,
    InstitutionSubject,
    MatchFilter,
    SubjectAnswerFilter,
    TerritorialZone,
)
from .exports import ExportJob
from .followup import CompanyEmailSent, ExpertDigest, ReminderAction, SatisfactionAnswer
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
    "AdvisorInvitation",
    "Antenne",
    "BlockedEmail",
    "CancellationTemplate",
    "CompanyEmailSent",
    "Diagnosis",
    "Expert",
    "ExpertDigest",
    "ExpertSubject",
    "ExportJob",
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
    "SatisfactionAnswer",
    "Solicitation",
    "SolicitationAnswer",
    "SolicitationEvent",
    "Subject",
    "SubjectAnswerFilter",
    "SubjectQuestion",
    "TerritorialZone",
    "Theme",
]

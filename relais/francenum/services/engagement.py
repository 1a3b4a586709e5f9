"""The 24-month engagement and the charter's versions (seed 002 art. 6), and the applications left without answer
(art. 3). Reminders are a scheduled command; the deletions are rules of the privacy registry (privacy.py), run by
`apply_retention` (dry-run unless --wet-run), which also warns 15 days ahead."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from relais.legal.models import TermsAcceptance
from relais.legal.services import accept_terms, current_terms

from ..enums import EventKind, MemberStatus, Status
from ..models import Activator
from .review import ENGAGEMENT
from .sanctions import delete_structure
from .transitions import log_event, notify_members

EXPIRY_REMINDER_DAYS = (60, 30, 7)
CHARTER_GRACE = timedelta(days=30)
CHARTER_SCOPE = "francenum"


@dataclass
class JobReport:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


def reengage(*, activator: Activator, actor, request=None) -> Activator:
    """Re-engaging is accepting the charter in force again: 24 more months from today."""
    charter = current_terms(CHARTER_SCOPE)
    now = timezone.now()
    with transaction.atomic():
        if charter is not None:
            accept_terms(user=actor, versions=[charter])
        Activator.objects.filter(pk=activator.pk).update(
            engaged_at=now, engagement_ends_at=now + ENGAGEMENT, expiry_reminders=[]
        )
        log_event(
            activator=activator,
            kind=EventKind.REENGAGED,
            actor=actor,
            reason=f"Charte version {charter.version}" if charter else "",
        )
    activator.refresh_from_db()
    return activator


def remind_expiry(*, now=None, wet_run: bool = True) -> JobReport:
    now = now or timezone.now()
    report = JobReport()
    published = Activator.objects.filter(status=Status.VALIDATED, engagement_ends_at__gt=now)
    for days in sorted(EXPIRY_REMINDER_DAYS):
        for activator in published.filter(engagement_ends_at__lte=now + timedelta(days=days)):
            if days in activator.expiry_reminders or any(d < days for d in activator.expiry_reminders):
                continue
            report.add(f"Rappel {days} jours : {activator.name} (fin le {activator.engagement_ends_at:%d/%m/%Y})")
            if wet_run:
                with transaction.atomic():
                    activator.expiry_reminders = [*activator.expiry_reminders, days]
                    activator.save(update_fields=["expiry_reminders"])
                    log_event(activator=activator, kind=EventKind.EXPIRY_REMINDED, reason=f"{days} jours")
                    notify_members(
                        activator=activator,
                        template="engagement_expiring",
                        context={"days": days, "path": reverse("francenum:engagement")},
                    )
    return report


def lapsed(cutoff):
    """Published or suspended structures whose engagement ended before `cutoff` without re-engagement."""
    return Activator.objects.filter(status__in=[Status.VALIDATED, Status.SUSPENDED], engagement_ends_at__lte=cutoff)


def without_current_charter(cutoff):
    """Published or suspended structures none of whose active members accepted the charter in force, once the
    grace period after its publication is over at `cutoff`."""
    charter = current_terms(CHARTER_SCOPE)
    if charter is None or charter.published_at + CHARTER_GRACE > cutoff:
        return Activator.objects.none()
    accepted = TermsAcceptance.objects.filter(
        version=charter,
        user__activator_memberships__activator=OuterRef("pk"),
        user__activator_memberships__status=MemberStatus.ACTIVE,
    )
    return Activator.objects.filter(status__in=[Status.VALIDATED, Status.SUSPENDED]).exclude(Exists(accepted))


def unanswered(cutoff):
    """Applications waiting for an answer to a request for information since before `cutoff`."""
    return Activator.objects.filter(status=Status.AWAITING_ANSWER, info_requested_at__lte=cutoff)


def warn_unanswered(queryset, deadline) -> None:
    for activator in queryset:
        log_event(activator=activator, kind=EventKind.DELETION_WARNED, reason=f"Suppression le {deadline:%d/%m/%Y}")
        notify_members(
            activator=activator,
            template="deletion_warning",
            context={"deadline": deadline, "path": reverse("francenum:application")},
        )


def deleting(reason: str):
    """The `apply` of a retention rule: each structure cancelled and its members' accounts deleted."""

    def apply(ids: list[int]) -> None:
        for activator in Activator.objects.filter(pk__in=ids):
            delete_structure(activator=activator, actor=None, reason=reason)

    return apply

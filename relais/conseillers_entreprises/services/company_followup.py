"""The page where a company follows its request, opened from a signed link in its emails (no account).

The link names the solicitation and is signed with a salt of its own; it shows the request's status, each need's
status and, once a team takes charge, who called the company back. Five working days after a need was sent, the
company may report that nobody contacted it: the need goes to support's "Entreprise non rappelée" basket.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.core.business_time import add_business_days

from ..enums import MatchStatus, NeedStatus, SolicitationAction
from ..models import Match, MatchStatusChange, Need, Solicitation, SolicitationEvent

FOLLOWUP_SALT = "relais.conseillers_entreprises.company_followup"
FOLLOWUP_MAX_AGE = timedelta(days=365)
NOT_CONTACTED_BUSINESS_DAYS = 5
# A need still open: the company may say nobody called it back.
OPEN_NEED_STATUSES = (NeedStatus.QUO, NeedStatus.TAKING_CARE)


def followup_url(*, solicitation: Solicitation) -> str:
    token = signing.dumps(str(solicitation.public_id), salt=FOLLOWUP_SALT)
    return settings.SITE_URL + reverse("conseillers_entreprises:company_followup", kwargs={"token": token})


def solicitation_from_token(token: str) -> Solicitation | None:
    """The filed solicitation the link was made for, or None when it is tampered or older than a year."""
    try:
        public_id = signing.loads(token, salt=FOLLOWUP_SALT, max_age=FOLLOWUP_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Solicitation.objects.exclude(status="draft")
        .select_related("subject", "landing")
        .filter(public_id=public_id)
        .first()
    )


@dataclass(frozen=True)
class Contact:
    """The advisor who took the need in charge, as the company sees them."""

    name: str
    institution: str
    team: str
    phone: str
    email: str
    taken_at: datetime


@dataclass(frozen=True)
class FollowedNeed:
    need: Need
    first_sent_at: datetime | None
    contacts: list[Contact]
    may_report_from: datetime | None

    def may_report(self, now: datetime) -> bool:
        return (
            self.need.not_contacted_at is None
            and self.need.status in OPEN_NEED_STATUSES
            and self.may_report_from is not None
            and now >= self.may_report_from
        )


def contact_of(match: Match, taker: User | None) -> Contact:
    """The agent who took charge, with the team's address and phone when theirs are missing."""
    expert = match.expert
    return Contact(
        name=(taker.get_full_name() if taker else "") or expert.name,
        institution=expert.antenne.institution.name,
        team=expert.name,
        phone=(taker.phone if taker else "") or expert.phone,
        email=(taker.email if taker else "") or expert.email,
        taken_at=match.taken_care_of_at,
    )


def report_window_start(first_sent_at: datetime) -> datetime:
    """Five working days after the need was sent, at the same time of day."""
    local = timezone.localtime(first_sent_at)
    day = add_business_days(local.date(), NOT_CONTACTED_BUSINESS_DAYS)
    return local.replace(year=day.year, month=day.month, day=day.day)


def followed_needs(solicitation: Solicitation) -> list[FollowedNeed]:
    """The needs of the request with their contacts, in a constant number of queries."""
    needs = list(
        Need.objects.filter(diagnosis__solicitation=solicitation).select_related("subject").order_by("created_at", "pk")
    )
    matches = list(
        Match.objects.filter(need__in=needs)
        .select_related("expert__antenne__institution")
        .order_by("taken_care_of_at", "pk")
    )
    taken = [match for match in matches if match.status != MatchStatus.NOT_FOR_ME and match.taken_care_of_at]
    takers = {
        change.match_id: change.author
        for change in MatchStatusChange.objects.filter(match__in=taken, to_status=MatchStatus.TAKING_CARE)
        .select_related("author")
        .order_by("created_at", "pk")
    }
    result = []
    for need in needs:
        own = [match for match in matches if match.need_id == need.pk]
        sent = [match.sent_at for match in own if match.sent_at]
        first_sent = min(sent) if sent else None
        result.append(
            FollowedNeed(
                need=need,
                first_sent_at=first_sent,
                contacts=[contact_of(match, takers.get(match.pk)) for match in taken if match.need_id == need.pk],
                may_report_from=report_window_start(first_sent) if first_sent else None,
            )
        )
    return result


def report_not_contacted(*, solicitation: Solicitation, need: Need) -> bool:
    """The company says nobody called it back about this need; True when recorded now (a second click is ignored)."""
    with transaction.atomic():
        locked = Need.objects.select_for_update(of=("self",)).get(pk=need.pk, diagnosis__solicitation=solicitation)
        followed = next(item for item in followed_needs(solicitation) if item.need.pk == locked.pk)
        if not followed.may_report(timezone.now()) or locked.not_contacted_at is not None:
            return False
        locked.not_contacted_at = timezone.now()
        locked.save(update_fields=["not_contacted_at", "updated_at"])
        SolicitationEvent.objects.create(
            solicitation=solicitation,
            action=SolicitationAction.NOT_CONTACTED,
            details={"need": str(locked.public_id), "subject": locked.subject.label},
        )
    need.refresh_from_db()
    return True

"""The matches an agent's teams received, or an antenne's teams, sorted into the tabs of the inbox.

A match still waiting 45 days after it was sent is "expired" (the public service's rule,
`Match.with_status_expired`): it leaves the "new" tab although its status stays `quo`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from ..enums import MatchStatus
from ..models import Match
from .positioning import CLOSED_STATUSES

EXPIRY_DELAY = timedelta(days=45)
# Statuses where the team has called the company back: the "taken charge" share of the antenne's figures.
TAKEN_STATUSES = (MatchStatus.TAKING_CARE, *CLOSED_STATUSES)


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str

    def condition(self, now: datetime) -> Q:
        expired_before = now - EXPIRY_DELAY
        return {
            "nouveaux": Q(status=MatchStatus.QUO, sent_at__gt=expired_before),
            "pris-en-charge": Q(status=MatchStatus.TAKING_CARE),
            "clotures": Q(status__in=CLOSED_STATUSES),
            "refuses": Q(status=MatchStatus.NOT_FOR_ME),
            "expires": Q(status=MatchStatus.QUO, sent_at__lte=expired_before),
        }[self.slug]


TABS = (
    Tab("nouveaux", "Nouveaux"),
    Tab("pris-en-charge", "Pris en charge"),
    Tab("clotures", "Clôturés"),
    Tab("refuses", "Refusés"),
    Tab("expires", "Expirés"),
)
TABS_BY_SLUG = {tab.slug: tab for tab in TABS}


def tab_from(slug: str | None) -> Tab:
    return TABS_BY_SLUG.get(slug or "", TABS[0])


def sent_matches(*, expert_ids) -> QuerySet[Match]:
    """Matches sent to these teams; `expert_ids` is a list or a subquery of expert primary keys."""
    return Match.objects.filter(expert_id__in=expert_ids, sent_at__isnull=False)


def search(matches: QuerySet[Match], text: str) -> QuerySet[Match]:
    """Every word must appear in the company name, the SIRET, the contact's name or the need's subject."""
    for word in text.split():
        matches = matches.filter(
            Q(need__diagnosis__establishment__company__name__icontains=word)
            | Q(need__diagnosis__establishment__siret__startswith=word)
            | Q(need__diagnosis__solicitation__siret__startswith=word)
            | Q(need__diagnosis__solicitation__first_name__icontains=word)
            | Q(need__diagnosis__solicitation__last_name__icontains=word)
            | Q(need__subject__label__icontains=word)
        )
    return matches


def count_tabs(matches: QuerySet[Match], *, now: datetime) -> dict[str, int]:
    """The number of matches in each tab, in one query."""
    return matches.aggregate(**{tab.slug: Count("pk", filter=tab.condition(now)) for tab in TABS})


def count_statuses(matches: QuerySet[Match]) -> dict[str, int]:
    """The number of matches in each status, in one query."""
    return matches.aggregate(**{status: Count("pk", filter=Q(status=status)) for status in MatchStatus.values})


def tab_ids(matches: QuerySet[Match], *, tab: Tab, now: datetime) -> QuerySet:
    """The ids of one tab's matches, most recently sent first; read from the `ce_match_inbox` index alone, so that
    a team with tens of thousands of matches sorts ids and not whole rows."""
    # Sorted on an expression, not on the column: on the column PostgreSQL walks the whole `sent_at` index backwards
    # hoping to meet the tab's rows early, and closed matches are old (70 ms for 20 rows with 3M matches, 6 here).
    sent = Coalesce("sent_at", "sent_at")
    return matches.filter(tab.condition(now)).order_by(sent.desc(), "-pk").values_list("pk", flat=True)


def rows(ids: list[int]) -> list[Match]:
    """The matches of a page, in the order of `ids`, with what a row shows."""
    by_pk = Match.objects.select_related(
        "expert",
        "need__subject",
        "need__diagnosis__solicitation",
        "need__diagnosis__establishment__company",
    ).in_bulk(ids)
    return [by_pk[pk] for pk in ids]

"""The matches an agent's teams received, or an antenne's teams, sorted into the tabs of the inbox.

The scopes of the tabs and the search are queryset methods (models/querysets.py); this module counts and pages.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from ..enums import MatchStatus
from ..models import Match
from ..models.querysets import MatchQuerySet


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str

    def condition(self, now: datetime) -> Q:
        return MatchQuerySet.tab_condition(self.slug, now)


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


def count_tabs(matches: QuerySet[Match], *, now: datetime) -> dict[str, int]:
    """The number of matches in each tab, in one query."""
    return matches.aggregate(**{tab.slug: Count("pk", filter=tab.condition(now)) for tab in TABS})


def count_statuses(matches: QuerySet[Match]) -> dict[str, int]:
    """The number of matches in each status, in one query."""
    return matches.aggregate(**{status: Count("pk", filter=Q(status=status)) for status in MatchStatus.values})


def tab_ids(matches: QuerySet[Match], *, tab: Tab, now: datetime) -> QuerySet:
    """The ids of one tab's matches, most recently sent first; read from the `ce_match_inbox_search` index alone, so
    that a team with tens of thousands of matches sorts ids and not whole rows."""
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

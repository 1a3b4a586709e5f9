"""Figures of the service, computed in the database: one grouped query per figure family, whatever the volume.

Definitions (written on the pages in French):
- solicitations: submitted requests (not drafts) whose `submitted_at` falls in the period;
- needs transmitted: needs whose first transmission to an expert (earliest `Match.sent_at`) falls in the period;
  counting a need in the month of its first transmission only keeps the monthly series summing to the total;
- taken charge: among those, needs with at least one match taken charge (`taken_care_of_at` set);
- taken within 5 days: needs whose first `taken_care_of_at` comes at most 5 days (exactly 5 counts) after their
  first `sent_at`.
A scope on experts (antenne, institution, the antennes a manager manages) restricts the matches looked at: a
manager's figures only know about their teams' matches.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from ..enums import SolicitationStatus
from ..models import Antenne, Institution, Match, Need, Solicitation, Subject

PARIS = ZoneInfo("Europe/Paris")
FAST_DELAY = datetime.timedelta(days=5)
UNKNOWN_REGION = "Non renseignée"
UNKNOWN_THEME = "Non renseigné"
PUBLIC_MONTHS = 12
PUBLIC_CACHE_SECONDS = 10 * 60
# Written out rather than taken from the active locale: cached figures must not depend on the request's language.
MONTH_ABBREVIATIONS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."
)  # fmt: skip


def month_label(month: datetime.date) -> str:
    return f"{MONTH_ABBREVIATIONS[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class StatsScope:
    """What the figures are restricted to. `start` and `end` are inclusive local (Paris) dates."""

    start: datetime.date
    end: datetime.date
    region_code: str | None = None
    subject: Subject | None = None
    institution: Institution | None = None
    antenne: Antenne | None = None
    # None: every antenne (support, public page); a list, possibly empty: an antenne manager's own antennes.
    antenne_ids: tuple[int, ...] | None = None
    # A SolicitationSource: only the requests filed through the site, an iframe, the API…; needs follow their request.
    source: str | None = None

    @property
    def start_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=PARIS)

    @property
    def end_before(self) -> datetime.datetime:
        return datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=PARIS)

    def months(self) -> list[datetime.date]:
        """First day of each month of the period, in order."""
        month = self.start.replace(day=1)
        months = []
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def last_months_scope(*, months: int = PUBLIC_MONTHS, today: datetime.date | None = None) -> StatsScope:
    """The current month and the `months - 1` before it, up to today."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(months - 1):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return StatsScope(start=start, end=today)


def scoped_matches(scope: StatsScope) -> QuerySet:
    """The sent matches the scope looks at (all periods: the period applies to the need's first transmission)."""
    matches = Match.objects.filter(sent_at__isnull=False)
    if scope.antenne_ids is not None:
        matches = matches.filter(expert__antenne_id__in=scope.antenne_ids)
    if scope.antenne is not None:
        matches = matches.filter(expert__antenne=scope.antenne)
    if scope.institution is not None:
        matches = matches.filter(expert__antenne__institution=scope.institution)
    return matches


def _restricts_experts(scope: StatsScope) -> bool:
    return scope.antenne_ids is not None or scope.antenne is not None or scope.institution is not None


def transmitted_needs(scope: StatsScope) -> QuerySet:
    """Needs first transmitted in the period, annotated with `first_sent_at`, `first_taken_at` and `last_closed_at`.

    Correlated subqueries rather than Min() aggregates: the annotations stay plain columns, so they can be grouped
    by month, theme or region and counted conditionally in one query.
    """
    matches = scoped_matches(scope).filter(need=OuterRef("pk"))
    first_sent = matches.order_by("sent_at").values("sent_at")[:1]
    first_taken = matches.filter(taken_care_of_at__isnull=False).order_by("taken_care_of_at")
    last_closed = matches.filter(closed_at__isnull=False).order_by("-closed_at")
    needs = Need.objects.annotate(
        first_sent_at=Subquery(first_sent),
        first_taken_at=Subquery(first_taken.values("taken_care_of_at")[:1]),
        last_closed_at=Subquery(last_closed.values("closed_at")[:1]),
    ).filter(first_sent_at__gte=scope.start_at, first_sent_at__lt=scope.end_before)
    if scope.region_code:
        needs = needs.filter(diagnosis__establishment__commune__region__insee_code=scope.region_code)
    if scope.subject is not None:
        needs = needs.filter(subject=scope.subject)
    if scope.source:
        needs = needs.filter(diagnosis__solicitation__source=scope.source)
    return needs


def submitted_solicitations(scope: StatsScope) -> QuerySet:
    solicitations = Solicitation.objects.exclude(status=SolicitationStatus.DRAFT).filter(
        submitted_at__gte=scope.start_at, submitted_at__lt=scope.end_before
    )
    if scope.region_code:
        solicitations = solicitations.filter(establishment__commune__region__insee_code=scope.region_code)
    if scope.subject is not None:
        solicitations = solicitations.filter(subject=scope.subject)
    if scope.source:
        solicitations = solicitations.filter(source=scope.source)
    if _restricts_experts(scope):
        # A solicitation belongs to an antenne's figures once one of its needs went to that antenne's teams.
        solicitations = solicitations.filter(
            Exists(scoped_matches(scope).filter(need__diagnosis__solicitation=OuterRef("pk")))
        )
    return solicitations


def _need_counts():
    delay = ExpressionWrapper(F("first_taken_at") - F("first_sent_at"), output_field=DurationField())
    return {
        "transmitted": Count("pk"),
        "taken": Count("pk", filter=Q(first_taken_at__isnull=False)),
        "fast": Count("pk", filter=Q(first_taken_at__isnull=False) & Q(delay__lte=FAST_DELAY)),
    }, delay


@dataclass
class Row:
    """One line of a breakdown: a month, a theme or a region."""

    label: str
    solicitations: int = 0
    transmitted: int = 0
    taken: int = 0
    fast: int = 0

    @property
    def taken_share(self) -> float | None:
        return self.taken / self.transmitted if self.transmitted else None

    @property
    def fast_share(self) -> float | None:
        return self.fast / self.transmitted if self.transmitted else None

    @property
    def taken_percent(self) -> float | None:
        return None if self.taken_share is None else round(self.taken_share * 100, 1)

    @property
    def fast_percent(self) -> float | None:
        return None if self.fast_share is None else round(self.fast_share * 100, 1)


@dataclass
class Figures:
    scope: StatsScope
    total: Row
    months: list[Row]
    themes: list[Row]
    regions: list[Row]


def _grouped_needs(needs: QuerySet, key) -> list[dict]:
    counts, delay = _need_counts()
    return list(needs.annotate(delay=delay, key=key).order_by().values("key").annotate(**counts))


def _grouped_solicitations(solicitations: QuerySet, key) -> list[dict]:
    return list(solicitations.annotate(key=key).order_by().values("key").annotate(solicitations=Count("pk")))


def _merge(rows: dict, grouped: list[dict], label_of) -> None:
    for group in grouped:
        label = label_of(group["key"])
        row = rows.setdefault(label, Row(label=label))
        for field in ("solicitations", "transmitted", "taken", "fast"):
            if field in group:
                setattr(row, field, getattr(row, field) + group[field])


def compute_figures(scope: StatsScope) -> Figures:
    """Six grouped queries: solicitations and needs, each by month, by theme and by region."""
    needs = transmitted_needs(scope)
    solicitations = submitted_solicitations(scope)

    months = {month: Row(label=month_label(month)) for month in scope.months()}
    for grouped in (
        _grouped_solicitations(solicitations, TruncMonth("submitted_at", tzinfo=PARIS)),
        _grouped_needs(needs, TruncMonth("first_sent_at", tzinfo=PARIS)),
    ):
        for group in grouped:
            row = months[group["key"].astimezone(PARIS).date()]
            for name in ("solicitations", "transmitted", "taken", "fast"):
                if name in group:
                    setattr(row, name, group[name])

    themes: dict[str, Row] = {}
    theme_key = Coalesce(F("subject__theme__label"), Value(""))
    _merge(themes, _grouped_solicitations(solicitations, theme_key), lambda key: key or UNKNOWN_THEME)
    _merge(themes, _grouped_needs(needs, theme_key), lambda key: key or UNKNOWN_THEME)

    regions: dict[str, Row] = {}
    _merge(
        regions,
        _grouped_solicitations(solicitations, Coalesce(F("establishment__commune__region__name"), Value(""))),
        lambda key: key or UNKNOWN_REGION,
    )
    _merge(
        regions,
        _grouped_needs(needs, Coalesce(F("diagnosis__establishment__commune__region__name"), Value(""))),
        lambda key: key or UNKNOWN_REGION,
    )

    total = Row(label="Total")
    for row in months.values():
        for name in ("solicitations", "transmitted", "taken", "fast"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return Figures(
        scope=scope,
        total=total,
        months=list(months.values()),
        themes=sorted(themes.values(), key=lambda row: (row.label == UNKNOWN_THEME, row.label)),
        regions=sorted(regions.values(), key=lambda row: (row.label == UNKNOWN_REGION, row.label)),
    )


def public_figures() -> Figures:
    """The figures of the last twelve months, cached: the public page and the API show them to anyone, and each
    computation costs six grouped queries."""
    scope = last_months_scope()
    key = f"conseillers_entreprises:stats:{scope.start.isoformat()}:{scope.end.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = compute_figures(scope)
        cache.set(key, figures, PUBLIC_CACHE_SECONDS)
    return figures

"""Statistics (seed 002 art. 5): profile views per month counted server-side, contacts received and acknowledged
on time; for one structure ("Mes statistiques") and for the administration (filters, CSV)."""

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import Activator, ContactRequest, ProfileView

BOTS = re.compile(r"bot|crawl|spider|slurp|curl|wget|python|httpx|headless|monitor|preview|scan", re.I)
MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOTS.search(user_agent))


def record_view(*, activator: Activator, user_agent: str, today: date | None = None) -> bool:
    """One more view this month, unless the visitor is an obvious robot; no cookie, nothing about the visitor."""
    if is_bot(user_agent):
        return False
    month = (today or timezone.localdate()).replace(day=1)
    if not ProfileView.objects.filter(activator=activator, month=month).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ProfileView.objects.create(activator=activator, month=month, count=1)
        except IntegrityError:
            ProfileView.objects.filter(activator=activator, month=month).update(count=F("count") + 1)
    return True


@dataclass
class MonthRow:
    month: date
    views: int = 0
    received: int = 0
    acknowledged: int = 0
    on_time: int = 0

    @property
    def label(self) -> str:
        return f"{MONTHS_FR[self.month.month - 1]} {self.month.year}"

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.received) if self.received else None


def months_between(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current += relativedelta(months=1)
    return months


def monthly_figures(*, activators, start: date, end: date) -> list[MonthRow]:
    """Two grouped queries whatever the number of structures and months."""
    rows = {month: MonthRow(month=month) for month in months_between(start, end)}
    views = (
        ProfileView.objects.filter(activator__in=activators, month__gte=start.replace(day=1), month__lte=end)
        .values("month")
        .annotate(total=Sum("count"))
    )
    for row in views:
        if row["month"] in rows:
            rows[row["month"]].views = row["total"]
    contacts = (
        ContactRequest.objects.filter(
            activator__in=activators, created_at__date__gte=start.replace(day=1), created_at__date__lte=end
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            received=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            on_time=Count("pk", filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("due_at"))),
        )
    )
    for row in contacts:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        month = month.replace(day=1)
        if month in rows:
            rows[month].received, rows[month].acknowledged, rows[month].on_time = (
                row["received"],
                row["acknowledged"],
                row["on_time"],
            )
    return list(rows.values())


def last_twelve_months(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return (today.replace(day=1) - relativedelta(months=11)), today


def breaches_by_structure(activators):
    """Structures with contacts acknowledged late or not at all, the worst first."""
    late = Q(contacts__breached_at__isnull=False) | Q(contacts__acknowledged_at__gt=F("contacts__due_at"))
    return (
        activators.annotate(
            received=Count("contacts", distinct=True),
            breaches=Count("contacts", filter=late, distinct=True),
        )
        .filter(breaches__gt=0)
        .select_related("region")
        .order_by("-breaches", "name")
    )

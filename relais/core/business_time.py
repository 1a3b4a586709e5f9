"""Business days and business hours in France: weekends and public holidays (the `holidays` library) excluded.

A business hour is an hour of a business day's clock, in Europe/Paris: 48 business hours from a Friday at 16:00
before Easter Monday end on the Wednesday at 16:00 (Friday 8 h, Tuesday 24 h, Wednesday 16 h). Deadlines are
computed on the wall clock, so a deadline keeps its time of day across a change to or from summer time.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")


@lru_cache(maxsize=64)
def _public_holidays(year: int, subdivision: str | None) -> frozenset[date]:
    return frozenset(holidays.France(years=year, subdiv=subdivision))


def is_business_day(day: date, *, subdivision: str | None = None) -> bool:
    """Monday to Friday and not a public holiday (of metropolitan France, or of `subdivision`: "57", "GP"…)."""
    return day.weekday() < 5 and day not in _public_holidays(day.year, subdivision)


def add_business_days(day: date, days: int, *, subdivision: str | None = None) -> date:
    """The business day `days` business days after `day` (`day` itself need not be one)."""
    current = day
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current, subdivision=subdivision):
            remaining -= 1
    return current


def add_business_hours(start: datetime, hours: float, *, subdivision: str | None = None) -> datetime:
    """The moment `hours` business hours after `start` (aware), in Europe/Paris."""
    local = start.astimezone(PARIS).replace(tzinfo=None)
    remaining = timedelta(hours=hours)
    day = local.date()
    moment = local
    if not is_business_day(day, subdivision=subdivision):
        day, moment = _next_business_midnight(day, subdivision)
    while True:
        end_of_day = datetime.combine(day + timedelta(days=1), time())
        available = end_of_day - moment
        if remaining <= available:
            return (moment + remaining).replace(tzinfo=PARIS)
        remaining -= available
        day, moment = _next_business_midnight(day, subdivision)


def business_hours_between(start: datetime, end: datetime, *, subdivision: str | None = None) -> float:
    """How many business hours lie between two aware moments (0 when `end` is not after `start`)."""
    first = start.astimezone(PARIS).replace(tzinfo=None)
    last = end.astimezone(PARIS).replace(tzinfo=None)
    total = timedelta()
    day = first.date()
    while day <= last.date():
        if is_business_day(day, subdivision=subdivision):
            opening = max(first, datetime.combine(day, time()))
            closing = min(last, datetime.combine(day + timedelta(days=1), time()))
            if closing > opening:
                total += closing - opening
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def _next_business_midnight(day: date, subdivision: str | None) -> tuple[date, datetime]:
    following = day + timedelta(days=1)
    while not is_business_day(following, subdivision=subdivision):
        following += timedelta(days=1)
    return following, datetime.combine(following, time())

from datetime import date, datetime

import pytest

from relais.core.business_time import (
    PARIS,
    add_business_days,
    add_business_hours,
    business_hours_between,
    is_business_day,
)


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def test_weekends_and_public_holidays_are_not_business_days():
    assert is_business_day(date(2026, 4, 3))  # Friday
    assert not is_business_day(date(2026, 4, 4))  # Saturday
    assert not is_business_day(date(2026, 4, 6))  # Easter Monday
    assert not is_business_day(date(2026, 7, 14))
    assert not is_business_day(date(2026, 12, 25))


def test_saint_stephen_is_a_holiday_only_in_alsace_moselle():
    assert is_business_day(date(2025, 12, 26))
    assert not is_business_day(date(2025, 12, 26), subdivision="57")


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Friday 16:00 before Easter Monday: Friday 8 h + Tuesday 24 h + Wednesday 16 h.
        (paris(2026, 4, 3, 16, 0), paris(2026, 4, 8, 16, 0)),
        # Monday 09:30 of an ordinary week.
        (paris(2026, 3, 2, 9, 30), paris(2026, 3, 4, 9, 30)),
        # Sent on a Saturday: counting starts on Monday at midnight.
        (paris(2026, 3, 7, 11, 0), paris(2026, 3, 11, 0, 0)),
        # Thursday before Ascension (Thursday 14 May 2026): Wednesday 13, then Friday 15 and Monday 18.
        (paris(2026, 5, 13, 10, 0), paris(2026, 5, 18, 10, 0)),
        # Across the change to summer time (29 March 2026): the deadline keeps its time of day.
        (paris(2026, 3, 26, 15, 0), paris(2026, 3, 30, 15, 0)),
    ],
)
def test_48_business_hours(start, due):
    assert add_business_hours(start, 48) == due
    assert business_hours_between(start, due) == pytest.approx(48)


def test_half_time_of_a_48_hour_deadline():
    assert add_business_hours(paris(2026, 4, 3, 16, 0), 24) == paris(2026, 4, 7, 16, 0)


def test_business_hours_between_ignores_a_reversed_interval():
    assert business_hours_between(paris(2026, 3, 4), paris(2026, 3, 2)) == 0


def test_add_business_days_skips_weekends_and_holidays():
    assert add_business_days(date(2026, 4, 3), 1) == date(2026, 4, 7)
    assert add_business_days(date(2026, 4, 30), 5) == date(2026, 5, 11)  # 1 and 8 May are holidays

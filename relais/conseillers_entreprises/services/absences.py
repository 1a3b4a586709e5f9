"""Absences of agents, recorded by their antenne's managers; routing skips teams whose agents are all absent."""

import datetime

from relais.accounts.models import User

from ..models import Absence


def add_absence(*, user: User, starts_on: datetime.date, ends_on: datetime.date, actor: User) -> Absence:
    """Record an absence; the same dates sent twice (a double submit) keep one row."""
    absence, _ = Absence.objects.get_or_create(
        user=user, starts_on=starts_on, ends_on=ends_on, defaults={"created_by": actor}
    )
    return absence


def remove_absence(*, absence: Absence, actor: User) -> None:
    absence.delete()

"""Places of activity of the advisors in post."""

from django.db import transaction

from relais.accounts.models import User

from ..models import ActivityPlace, Candidate

PLACE_FIELDS = ("name", "address", "commune", "phone", "email", "website", "opening_hours", "access")


def save_place(*, advisor: Candidate, place: ActivityPlace | None, data: dict, actor: User) -> ActivityPlace:
    place = place or ActivityPlace(advisor=advisor)
    for name in PLACE_FIELDS:
        setattr(place, name, data[name])
    with transaction.atomic():
        place.save()
    return place


def delete_place(*, place: ActivityPlace, actor: User) -> None:
    place.delete()

from django.conf import settings
from django.core import signing
from django.utils import timezone

from relais.notifications.services import queue_email
from relais.territories.models import Commune

from ..matching import territory_of

CONFIRMATION_MAX_AGE = 30 * 24 * 3600


class TransitionError(Exception):
    """A change of status the rules do not allow; the message is meant for users."""


def place_on(instance, commune: Commune) -> None:
    """Copy what the matching needs from the commune (its centre, its territory)."""
    instance.commune = commune
    instance.latitude, instance.longitude = commune.latitude, commune.longitude
    instance.territory = territory_of(commune.department.insee_code)


def send(*, to: list[str], template: str, context: dict) -> None:
    queue_email(to=to, template=f"conseiller_numerique/emails/{template}", context=context)


def sign(kind: str, public_id) -> str:
    return signing.TimestampSigner(salt=f"conseiller_numerique:{kind}").sign(str(public_id))


def unsign(kind: str, token: str) -> str | None:
    try:
        return signing.TimestampSigner(salt=f"conseiller_numerique:{kind}").unsign(token, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None


def now():
    return timezone.now()


def pix_url() -> str:
    return settings.CN_PIX_URL

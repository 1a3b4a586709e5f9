from django.conf import settings
from django.core.cache import cache

from relais.notifications.services import queue_email

from .enums import ContactCategory

# A person rarely writes more than a few times an hour; a robot that beats the honeypot is held back.
CONTACT_LIMIT = 5
CONTACT_WINDOW_SECONDS = 60 * 60


def _counter_key(ip: str) -> str:
    return f"assistance:contact:{ip}"


def contact_limit_reached(*, ip: str) -> bool:
    return (cache.get(_counter_key(ip)) or 0) >= CONTACT_LIMIT


def count_contact(*, ip: str) -> None:
    key = _counter_key(ip)
    # add() starts the window only once; incr() keeps its expiry.
    cache.add(key, 0, CONTACT_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        # The window expired between add() and incr().
        cache.set(key, 1, CONTACT_WINDOW_SECONDS)


def send_contact_message(*, name: str, email: str, siren: str, category: str, message: str) -> None:
    """Forward the message to support (who answers the sender directly) and acknowledge it to the sender."""
    context = {
        "name": name,
        "email": email,
        "siren": siren,
        "category": ContactCategory(category).label,
        "message": message,
    }
    queue_email(
        to=[settings.SUPPORT_EMAIL], template="assistance/emails/contact_support", context=context, reply_to=[email]
    )
    queue_email(to=[email], template="assistance/emails/contact_acknowledgment", context=context)

from django.conf import settings

from relais.core.ratelimit import EmailCap
from relais.notifications.services import queue_email

from .enums import ContactCategory

# A person rarely writes more than a few times an hour; a robot that beats the honeypot is held back, and the
# acknowledgment sent to the address typed cannot be used to flood a mailbox.
CONTACT_EMAILS = EmailCap("assistance-contact", per_address=3, per_ip=5)


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

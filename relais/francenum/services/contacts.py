"""Contacts from companies (seed 002 art. 4): acknowledged within 48 business hours, reminder at half time, breach
recorded. Each member's link acknowledges that one contact and opens nothing else (not a sign-in)."""

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relais.core.business_time import add_business_hours
from relais.notifications.services import queue_email

from ..enums import ContactStatus, MemberStatus
from ..models import Activator, ActivatorMember, ContactRequest

DEADLINE_BUSINESS_HOURS = 48
REMINDER_BUSINESS_HOURS = DEADLINE_BUSINESS_HOURS / 2
_SALT = "relais.francenum.contact-acknowledgement"


class InvalidLink(Exception):
    """The message is meant for users."""


def acknowledgement_token(*, contact: ContactRequest, member: ActivatorMember) -> str:
    """Signed for one contact and one member, tied to the member's credentials: it dies with a password change,
    a deactivation or a suspension of the account, and with the member's leaving or suspension."""
    return signing.dumps(
        {"c": str(contact.public_id), "m": str(member.public_id), "f": member.user.credentials_fingerprint()},
        salt=_SALT,
        compress=True,
    )


def acknowledgement_path(*, contact: ContactRequest, member: ActivatorMember) -> str:
    return reverse("activateurs:acknowledge", args=[acknowledgement_token(contact=contact, member=member)])


def read_token(token: str) -> tuple[ContactRequest, ActivatorMember]:
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise InvalidLink("Ce lien n'est pas valable. Copiez-le en entier depuis le courriel reçu.") from None
    contact = ContactRequest.objects.select_related("activator").filter(public_id=data.get("c")).first()
    member = (
        ActivatorMember.objects.select_related("user", "activator")
        .filter(public_id=data.get("m"), status=MemberStatus.ACTIVE)
        .first()
    )
    if (
        contact is None
        or member is None
        or member.activator_id != contact.activator_id
        or not member.user.is_active
        or member.user.is_suspended
        or member.user.credentials_fingerprint() != data.get("f")
    ):
        raise InvalidLink("Ce lien n'est plus valable (compte modifié, suspendu ou retiré de la structure).")
    return contact, member


def create_contact(*, activator: Activator, data: dict, now=None) -> ContactRequest:
    now = now or timezone.now()
    with transaction.atomic():
        contact = ContactRequest.objects.create(
            activator=activator,
            created_at=now,
            due_at=add_business_hours(now, DEADLINE_BUSINESS_HOURS),
            reminder_at=add_business_hours(now, REMINDER_BUSINESS_HOURS),
            **data,
        )
        for member in activator.members.active().select_related("user"):
            queue_email(
                to=[member.user.email],
                reply_to=[contact.email],
                template="francenum/emails/contact_received",
                context={"contact": contact, "path": acknowledgement_path(contact=contact, member=member)},
            )
        queue_email(
            to=[contact.email],
            template="francenum/emails/contact_sent",
            context={"contact": contact},
            forget_after_sending=True,
        )
    return contact


def acknowledge(*, contact: ContactRequest, member: ActivatorMember, now=None) -> bool:
    """Record the acknowledgement once and tell the company; False when it was already acknowledged."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ContactRequest.objects.select_for_update().get(pk=contact.pk)
        if locked.status == ContactStatus.ACKNOWLEDGED:
            return False
        locked.status, locked.acknowledged_at, locked.acknowledged_by = ContactStatus.ACKNOWLEDGED, now, member.user
        locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        queue_email(
            to=[locked.email],
            template="francenum/emails/contact_acknowledged",
            context={"contact": locked, "member": member},
            forget_after_sending=True,
        )
    contact.refresh_from_db()
    return True


def remind_and_record_breaches(*, now=None, wet_run: bool = True) -> tuple[int, int]:
    """Half-time reminders to the members, then breaches recorded once the deadline has passed."""
    now = now or timezone.now()
    reminded = breached = 0
    for contact in ContactRequest.objects.due_for_reminder(now).select_related("activator"):
        reminded += 1
        if not wet_run:
            continue
        with transaction.atomic():
            for member in contact.activator.members.active().select_related("user"):
                queue_email(
                    to=[member.user.email],
                    template="francenum/emails/contact_reminder",
                    context={"contact": contact, "path": acknowledgement_path(contact=contact, member=member)},
                )
            ContactRequest.objects.filter(pk=contact.pk).update(reminded_at=now)
    due = ContactRequest.objects.newly_breached(now)
    breached = due.count()
    if wet_run:
        due.update(breached_at=now)
    return reminded, breached

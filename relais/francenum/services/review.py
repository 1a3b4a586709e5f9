"""Validation by the administration (seed 002 art. 3): thread, request for information, acceptance, refusal."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relais.notifications.services import queue_email

from ..enums import EventKind, Status
from ..models import Activator, ThreadMessage
from ..permissions import reviewer_emails
from .transitions import change_status, member_emails, notify_members

ENGAGEMENT = relativedelta(months=24)


def post_message(
    *, activator: Activator, author, body: str, from_administration: bool, attachment=None, request=None
) -> ThreadMessage:
    """A message of the thread, emailed to the other side; a structure's answer puts it back in the queue."""
    body = body.strip()
    if not body:
        raise ValidationError("Écrivez votre message.")
    with transaction.atomic():
        message = ThreadMessage.objects.create(
            activator=activator,
            author=author,
            from_administration=from_administration,
            body=body,
            attachment=attachment or "",
        )
        context = {"activator": activator, "message": message}
        if from_administration:
            for email in member_emails(activator):
                queue_email(
                    to=[email],
                    template="francenum/emails/thread_to_structure",
                    context={**context, "path": reverse("francenum:application")},
                )
        else:
            path = reverse("activateurs:review_detail", args=[activator.public_id])
            for email in reviewer_emails(activator):
                queue_email(
                    to=[email], template="francenum/emails/thread_to_reviewers", context={**context, "path": path}
                )
            if activator.status == Status.AWAITING_ANSWER:
                change_status(
                    activator=activator,
                    to_status=Status.SUBMITTED,
                    actor=author,
                    kind=EventKind.ANSWERED,
                    request=request,
                )
    return message


def request_information(*, activator: Activator, actor, body: str, attachment=None, request=None) -> ThreadMessage:
    with transaction.atomic():
        change_status(
            activator=activator,
            to_status=Status.AWAITING_ANSWER,
            actor=actor,
            kind=EventKind.INFO_REQUESTED,
            reason=body,
            request=request,
        )
        message = post_message(
            activator=activator, author=actor, body=body, from_administration=True, attachment=attachment
        )
        ThreadMessage.objects.filter(pk=message.pk).update(is_information_request=True)
    return message


def validate(*, activator: Activator, actor, message: str = "", request=None) -> Activator:
    """Accepted: published at once, engaged for 24 months from today."""
    with transaction.atomic():
        now = timezone.now()
        Activator.objects.filter(pk=activator.pk).update(
            validated_at=now, engaged_at=now, engagement_ends_at=now + ENGAGEMENT, expiry_reminders=[]
        )
        activator = change_status(
            activator=activator,
            to_status=Status.VALIDATED,
            actor=actor,
            kind=EventKind.VALIDATED,
            reason=message,
            request=request,
        )
        if message.strip():
            ThreadMessage.objects.create(activator=activator, author=actor, from_administration=True, body=message)
        notify_members(
            activator=activator,
            template="application_validated",
            context={"message": message, "path": reverse("activateurs:profile", args=[activator.slug])},
        )
    return activator


def refuse(*, activator: Activator, actor, message: str, request=None) -> Activator:
    if not message.strip():
        raise ValidationError("Indiquez le motif du refus : il est communiqué à la structure.")
    with transaction.atomic():
        activator = change_status(
            activator=activator,
            to_status=Status.REFUSED,
            actor=actor,
            kind=EventKind.REFUSED,
            reason=message,
            request=request,
        )
        ThreadMessage.objects.create(activator=activator, author=actor, from_administration=True, body=message)
        notify_members(activator=activator, template="application_refused", context={"message": message})
    return activator

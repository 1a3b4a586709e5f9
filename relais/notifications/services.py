"""Email outbox.

An email is a row written in the caller's transaction and sent after commit, so a rolled-back change sends
nothing and an SMTP outage loses nothing: the row waits, and `send_due_emails` (every minute from the
scheduler) retries it with backoff.

Delivery guarantee: a worker first *claims* a row with one conditional UPDATE (pending and due → sending,
with a token), commits, talks to SMTP outside any transaction, then records the result only if it still holds
the claim. Two workers can therefore never both send the same email, on SQLite (no row locks) as on
PostgreSQL. A transaction held open during SMTP would have given the same exclusivity, but it blocks every
writer of the SQLite file for the length of an SMTP timeout and keeps PostgreSQL connections idle in
transaction. The price is the usual one of outboxes: if the process dies after the SMTP server accepted the
message and before the row says "sent", the claim expires after EMAIL_CLAIM_TIMEOUT and the email is sent again
(with the same Message-ID, which lets the receiving side recognise it). A process killed before the server
accepted the message, the common case since the exchange lasts far longer than the final update, sends nothing:
the email then leaves exactly once. We prefer a rare duplicate to a lost email (at least once across crashes,
exactly once otherwise).
"""

import contextlib
import enum
import logging
import re
import uuid
from datetime import timedelta
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from .enums import EmailStatus
from .models import MAX_ATTEMPTS, Email

logger = logging.getLogger(__name__)

# Delay before attempt n+1 after attempt n failed; the last one repeats until MAX_ATTEMPTS (about 33 hours in all).
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
SMTP_TIMEOUT_SECONDS = 30
# Webmails and Outlook drop <style> blocks, so the one class the templates use is inlined at render time.
BUTTON_STYLE = (
    "display:inline-block;padding:8px 16px;background-color:#000091;color:#ffffff;"
    "font-family:Marianne,Arial,sans-serif;font-size:16px;line-height:24px;text-decoration:none;"
)
_BUTTON_CLASS = re.compile(r'class="button"')


class Delivery(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def render_email(*, template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text body and HTML body of `<template>_subject.txt`, `<template>.txt` and `<template>.html`."""
    context = {**context, "SITE_URL": settings.SITE_URL}
    # Plain-text parts must not be HTML-escaped ("Dupont & fils", not "Dupont &amp; fils").
    subject = _render_text(f"{template}_subject.txt", context)
    text_body = _render_text(f"{template}.txt", context)
    html_body = get_template(f"{template}.html").render(context)
    return " ".join(subject.split()), text_body, _BUTTON_CLASS.sub(f'class="button" style="{BUTTON_STYLE}"', html_body)


def _render_text(name: str, context: dict) -> str:
    return get_template(name).template.render(Context(context, autoescape=False))


def queue_email(
    *,
    to: list[str],
    template: str,
    context: dict | None = None,
    reply_to: list[str] | None = None,
    cc: list[str] | None = None,
    forget_after_sending: bool = False,
) -> Email:
    """Write the email in the current transaction; it is sent once that transaction commits (and deleted once sent
    when `forget_after_sending`)."""
    if not to:
        raise ValueError("Un courriel a besoin d'au moins un destinataire.")
    subject, text_body, html_body = render_email(template=template, context=context or {})
    return queue_message(
        to=to,
        cc=cc,
        reply_to=reply_to,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        template=template,
        forget_after_sending=forget_after_sending,
    )


def queue_message(
    *,
    to: list[str],
    subject: str,
    text_body: str,
    html_body: str = "",
    cc: list[str] | None = None,
    reply_to: list[str] | None = None,
    template: str = "",
    forget_after_sending: bool = False,
) -> Email:
    """Write an already rendered email in the current transaction (Django's own emails, through OutboxBackend)."""
    email = Email.objects.create(
        to=list(to),
        cc=list(cc or []),
        reply_to=list(reply_to or []),
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        template=template,
        forget_after_sending=forget_after_sending,
    )
    _enqueue_after_commit(email.pk)
    return email


def _enqueue_after_commit(email_id: int) -> None:
    # tasks.py imports this module to reach deliver_email.
    from .tasks import send_email

    # robust: the caller's transaction is already committed; if the task queue is down the row stays
    # pending and send_due_emails picks it up, so the caller must not see an error.
    transaction.on_commit(partial(send_email.enqueue, email_id), robust=True)


def deliver_email(*, email_id: int, connection=None) -> Delivery:
    """Send one email if it is due and nobody else is sending it; record the outcome."""
    now = timezone.now()
    token = uuid.uuid4()
    claimed = (
        Email.objects.due(now)
        .filter(pk=email_id)
        .update(status=EmailStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Delivery.SKIPPED
    email = Email.objects.get(pk=email_id)
    try:
        _build_message(email, connection or delivery_connection()).send()
    except Exception as error:
        # Whatever failed (SMTP refusal, network, a bad header), the row keeps the reason for the admin and
        # the backoff spaces the attempts; MAX_ATTEMPTS bounds a permanent error.
        logger.warning("Échec de l'envoi du courriel %s (tentative %s) : %r", email.public_id, email.attempts, error)
        return _record_failure(email, token, error)
    recorded = Email.objects.filter(pk=email_id, claim_token=token).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), claim_token=None, claimed_at=None, last_error=""
    )
    if not recorded:
        logger.error("Courriel %s envoyé après expiration de son envoi : il a pu partir deux fois.", email.public_id)
    elif email.forget_after_sending:
        Email.objects.filter(pk=email_id, status=EmailStatus.SENT).delete()
    return Delivery.SENT


def _smtp_timeout() -> int:
    return settings.EMAIL_TIMEOUT or SMTP_TIMEOUT_SECONDS


def message_id(email: Email) -> str:
    """One Message-ID per outbox row, the same at every attempt."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "relais.invalid"
    return f"<{email.public_id}@{domain}>"


def delivery_connection():
    """The connection that really sends (SMTP, console, files): never the outbox's own backend."""
    return get_connection(backend=settings.EMAIL_DELIVERY_BACKEND, timeout=_smtp_timeout())


def _build_message(email: Email, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        headers={"Message-ID": message_id(email)},
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        cc=email.cc,
        reply_to=email.reply_to,
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def _record_failure(email: Email, token: uuid.UUID, error: Exception) -> Delivery:
    failed = email.attempts >= MAX_ATTEMPTS
    changes = {"last_error": f"{type(error).__name__} : {error}"[:2000], "claim_token": None, "claimed_at": None}
    if failed:
        changes["status"] = EmailStatus.FAILED
    else:
        changes["status"] = EmailStatus.PENDING
        changes["next_attempt_at"] = timezone.now() + BACKOFF[min(email.attempts, len(BACKOFF)) - 1]
    Email.objects.filter(pk=email.pk, claim_token=token).update(**changes)
    return Delivery.FAILED if failed else Delivery.RETRY


def send_due_emails(*, batch_size: int = 100) -> int:
    """Send every due email, batch after batch, through one SMTP connection; return how many went out.

    Stops at the first failure: the server is most likely down and every following email would wait for the
    same timeout. The others stay due and the next run (one minute later) tries again.
    """
    failed = Email.objects.abandoned().update(
        status=EmailStatus.FAILED,
        claim_token=None,
        claimed_at=None,
        last_error="Envoi interrompu à chaque tentative (processus arrêté pendant l'envoi).",
    )
    if failed:
        logger.error("%s courriel(s) abandonné(s) après %s tentatives interrompues.", failed, MAX_ATTEMPTS)
    connection = delivery_connection()
    try:
        connection.open()
    except OSError as error:
        logger.warning("Serveur SMTP injoignable, les courriels restent en attente : %r", error)
        return 0
    sent = 0
    try:
        while True:
            batch = list(Email.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:batch_size])
            if not batch:
                return sent
            for email_id in batch:
                outcome = deliver_email(email_id=email_id, connection=connection)
                if outcome is Delivery.SENT:
                    sent += 1
                elif outcome is not Delivery.SKIPPED:
                    return sent
    finally:
        # The connection may already be broken by the failure that ended the run.
        with contextlib.suppress(OSError):
            connection.close()


def requeue_emails(*, email_ids: list[int]) -> int:
    """Make these emails due now with all their attempts again (staff action); return how many."""
    with transaction.atomic():
        ids = list(
            Email.objects.filter(pk__in=email_ids).exclude(status=EmailStatus.SENDING).values_list("pk", flat=True)
        )
        Email.objects.filter(pk__in=ids).update(
            status=EmailStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claim_token=None, claimed_at=None
        )
        for email_id in ids:
            _enqueue_after_commit(email_id)
    return len(ids)

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone

from relais.notifications.enums import EmailStatus
from relais.notifications.models import MAX_ATTEMPTS, Email, claim_timeout
from relais.notifications.services import BACKOFF, Delivery, deliver_email, queue_email
from tests.threads import run_at_once

from .backends import RivalWorkerBackend

pytestmark = pytest.mark.django_db

SMTP_DOWN = "tests.notifications.backends.SMTPDownBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def queue_reset(to="anne@exemple.fr", **kwargs):
    return queue_email(
        to=[to],
        template="accounts/emails/password_reset",
        context={"user_name": "Anne & Cie", "reset_path": "/compte/reinitialiser/abc/"},
        **kwargs,
    )


def test_email_is_rendered_and_sent_after_commit(django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://relais.example"
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_reset(cc=["copie@exemple.fr"], reply_to=["support@exemple.fr"])
        assert mail.outbox == []

    [message] = mail.outbox
    assert message.to == ["anne@exemple.fr"]
    assert message.cc == ["copie@exemple.fr"]
    assert message.reply_to == ["support@exemple.fr"]
    assert message.subject == "Relais : choisir un nouveau mot de passe"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Bonjour Anne & Cie," in message.body
    assert "https://relais.example/compte/reinitialiser/abc/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Bonjour Anne &amp; Cie," in html
    assert "République<br>française" in html
    assert 'class="button" style="display:inline-block;' in html
    assert 'href="https://relais.example"' in html
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.template == "accounts/emails/password_reset"
    # One Message-ID per outbox row: a retry after a crash is recognisable as the same message.
    assert message.extra_headers["Message-ID"] == f"<{email.public_id}@relais.beta.gouv.fr>"


def test_rendering_errors_surface_in_the_caller():
    with pytest.raises(TemplateDoesNotExist):
        queue_email(to=["anne@exemple.fr"], template="notifications/emails/nothing_here")
    assert not Email.objects.exists()


def test_an_email_needs_a_recipient():
    with pytest.raises(ValueError):
        queue_email(to=[], template="accounts/emails/password_reset")


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_reset()
        raise RuntimeError("the change that the email reports fails")

    assert callbacks == []
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_smtp_outage_loses_no_email_and_sends_each_once(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_DOWN
    recipients = [f"personne{n}@exemple.fr" for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for to in recipients:
            queue_reset(to=to)

    now = timezone.now()
    for email in Email.objects.all():
        assert email.status == EmailStatus.PENDING
        assert email.attempts == 1
        assert email.next_attempt_at > now
        assert "SMTPServerDisconnected" in email.last_error
    assert mail.outbox == []

    with time_machine.travel(now + timedelta(minutes=2), tick=False):
        call_command("send_due_emails")
    assert Email.objects.filter(status=EmailStatus.PENDING).count() == 5

    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    with time_machine.travel(now + timedelta(minutes=10), tick=False):
        call_command("send_due_emails")
        assert sorted(message.to[0] for message in mail.outbox) == recipients
        call_command("send_due_emails")
    assert len(mail.outbox) == 5
    assert Email.objects.filter(status=EmailStatus.SENT).count() == 5


def test_a_second_worker_cannot_send_an_email_being_sent(settings):
    settings.EMAIL_DELIVERY_BACKEND = "tests.notifications.backends.RivalWorkerBackend"
    RivalWorkerBackend.rival_outcomes = []
    email = queue_reset()

    assert deliver_email(email_id=email.pk) is Delivery.SENT
    assert RivalWorkerBackend.rival_outcomes == [Delivery.SKIPPED]
    assert deliver_email(email_id=email.pk) is Delivery.SKIPPED
    assert len(mail.outbox) == 1


def test_an_email_is_not_sent_before_its_next_attempt():
    email = queue_reset()
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert deliver_email(email_id=email.pk) is Delivery.SKIPPED
    assert mail.outbox == []


def test_backoff_then_definitive_failure(settings):
    settings.EMAIL_DELIVERY_BACKEND = SMTP_DOWN
    email = queue_reset()
    delays = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        email.refresh_from_db()
        with time_machine.travel(email.next_attempt_at, tick=False):
            outcome = deliver_email(email_id=email.pk)
            email.refresh_from_db()
            assert email.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert outcome is Delivery.RETRY
                delays.append(email.next_attempt_at - timezone.now())
    assert outcome is Delivery.FAILED
    assert email.status == EmailStatus.FAILED
    assert delays[:3] == list(BACKOFF[:3])
    assert delays == sorted(delays)

    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        call_command("send_due_emails")
    assert mail.outbox == []


def test_a_claim_left_by_a_dead_worker_is_sent_again_after_the_timeout():
    email = queue_reset()
    claimed_at = timezone.now()
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, claimed_at=claimed_at, attempts=1)

    call_command("send_due_emails")
    assert mail.outbox == []

    with time_machine.travel(claimed_at + claim_timeout() + timedelta(seconds=1), tick=False):
        call_command("send_due_emails")
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)


def test_a_claim_left_on_the_last_attempt_fails_the_email():
    email = queue_reset()
    claimed_at = timezone.now()
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, claimed_at=claimed_at, attempts=MAX_ATTEMPTS)

    with time_machine.travel(claimed_at + claim_timeout() + timedelta(seconds=1), tick=False):
        call_command("send_due_emails")
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert mail.outbox == []


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared-cache test database fails on a locked table instead of waiting as the real file does; "
    "test_a_second_worker_cannot_send_an_email_being_sent covers SQLite.",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_the_same_emails_send_each_once():
    # Rows written directly: in autocommit queue_email would already have sent them through the immediate backend.
    emails = [
        Email.objects.create(
            to=[f"personne{n}@exemple.fr"], subject="Essai", text_body="Essai", html_body="<p>Essai</p>"
        )
        for n in range(20)
    ]

    def worker():
        return [deliver_email(email_id=email.pk) for email in emails]

    outcomes = [outcome for outcomes in run_at_once(worker, worker) for outcome in outcomes]

    assert outcomes.count(Delivery.SENT) == 20
    assert outcomes.count(Delivery.SKIPPED) == 20
    assert sorted(message.to[0] for message in mail.outbox) == sorted(email.to[0] for email in emails)


def test_django_own_emails_go_through_the_outbox(django_capture_on_commit_callbacks, settings):
    """`send_mail` (the admin's error reports, a library's email) writes a row, sent after commit like ours."""
    settings.EMAIL_BACKEND = "relais.notifications.backends.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            sent = send_mail("Erreur sur Relais", "Le détail.", None, ["admin@exemple.fr"])
            assert sent == 1 and mail.outbox == []
        email = Email.objects.get()
        assert (email.to, email.subject, email.text_body, email.html_body) == (
            ["admin@exemple.fr"],
            "Erreur sur Relais",
            "Le détail.",
            "",
        )
    [message] = mail.outbox
    assert (message.to, message.subject, message.alternatives) == (["admin@exemple.fr"], "Erreur sur Relais", [])
    assert Email.objects.get().status == EmailStatus.SENT


def test_a_rolled_back_django_email_is_never_sent(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "relais.notifications.backends.OutboxBackend"
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Annulé", "Rien.", None, ["admin@exemple.fr"])
        raise RuntimeError
    assert not Email.objects.exists() and mail.outbox == []

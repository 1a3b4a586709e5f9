from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from relais.notifications.enums import EmailStatus
from relais.notifications.models import Email

pytestmark = pytest.mark.django_db


def make_email(status, sent_at=None):
    return Email.objects.create(
        to=["anne@exemple.fr"],
        subject="Essai",
        text_body="Essai",
        html_body="<p>Essai</p>",
        status=status,
        sent_at=sent_at,
    )


def test_purge_is_a_dry_run_unless_wet_run(capsys):
    now = timezone.now()
    old = make_email(EmailStatus.SENT, sent_at=now - timedelta(days=40))
    recent = make_email(EmailStatus.SENT, sent_at=now - timedelta(days=5))
    failed = make_email(EmailStatus.FAILED)

    with time_machine.travel(now, tick=False):
        call_command("purge_sent_emails", "--days", "30")
        assert "1 courriel(s) envoyé(s) avant le" in capsys.readouterr().out
        assert Email.objects.count() == 3

        call_command("purge_sent_emails", "--days", "30", "--wet-run")
    assert "supprimé(s)" in capsys.readouterr().out
    assert set(Email.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
    assert not Email.objects.filter(pk=old.pk).exists()


def test_send_due_emails_in_batches(capsys):
    for _ in range(5):
        make_email(EmailStatus.PENDING)
    call_command("send_due_emails", "--batch-size", "2")
    assert "5 courriel(s) envoyé(s)." in capsys.readouterr().out
    assert Email.objects.filter(status=EmailStatus.SENT).count() == 5

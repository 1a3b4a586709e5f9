import pytest
from django.core.management import call_command

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


def test_send_due_emails_in_batches(capsys):
    for _ in range(5):
        make_email(EmailStatus.PENDING)
    call_command("send_due_emails", "--batch-size", "2")
    assert "5 courriel(s) envoyé(s)." in capsys.readouterr().out
    assert Email.objects.filter(status=EmailStatus.SENT).count() == 5

import pytest

from relais.conseillers_entreprises import demo_triage
from relais.conseillers_entreprises.enums import SolicitationStatus
from relais.conseillers_entreprises.models import Solicitation
from relais.conseillers_entreprises.permissions import is_support
from relais.notifications.models import Email

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_fills_the_queue(client):
    demo_triage.load_demo()
    counts = {status: Solicitation.objects.filter(status=status).count() for status in SolicitationStatus.values}
    emails = Email.objects.count()
    demo_triage.load_demo()
    assert {status: Solicitation.objects.filter(status=status).count() for status in SolicitationStatus.values} == (
        counts
    )
    assert Email.objects.count() == emails
    assert counts[SolicitationStatus.IN_PROGRESS] >= 4
    assert counts[SolicitationStatus.CANCELED] == 2
    # Spam sends nothing; the out-of-scope request gets its email.
    assert emails == 1

    ((email, _role),) = demo_triage.demo_accounts()
    support = demo_triage.User.objects.get(email=email)
    assert is_support(support)
    client.force_login(support)
    assert client.get("/support/sollicitations/").status_code == 200

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relais.accounts.models import User
from relais.companies.models import Company, Establishment
from relais.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def counts():
    return User.objects.count(), Company.objects.count(), Establishment.objects.count()


def test_seed_demo_is_idempotent_and_prints_the_accounts():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    assert all(first)
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    assert "admin@relais.test" in printed


def test_demo_accounts_can_log_in(client):
    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="admin@relais.test", password=DEMO_PASSWORD)


def test_seed_demo_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())

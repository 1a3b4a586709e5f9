import pytest

from relais.notifications.models import Email
from tests.accounts.factories import UserFactory
from tests.francenum import factories


@pytest.fixture
def referent(db):
    return UserFactory(email="referent@agence-lyon.fr", first_name="Claire", last_name="Martin")


@pytest.fixture
def structure(referent):
    return factories.activator(referent=referent)


@pytest.fixture
def reviewer(db):
    return factories.national_reviewer(email="instructeur@francenum.gouv.fr")


def sent() -> list[tuple[list[str], str]]:
    """The queued emails (recipients, subject), oldest first."""
    return [(email.to, email.subject) for email in Email.objects.order_by("pk")]

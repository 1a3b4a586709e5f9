import pytest
from django.core.cache import cache

from relais.companies.demo import load_demo as load_demo_companies
from relais.organizations import services
from relais.organizations.catalogue import load_digital_services
from relais.organizations.models import DigitalService
from tests.accounts.factories import UserFactory

SOIERIE = "842159378"
BOULANGERIE = "793402561"
FILATURE = "881035273"


@pytest.fixture(autouse=True)
def _referentials(db):
    cache.clear()
    load_demo_companies()
    load_digital_services()
    yield
    cache.clear()


@pytest.fixture
def deca():
    return DigitalService.objects.get(slug="deca")


@pytest.fixture
def edof():
    return DigitalService.objects.get(slug="edof")


def rights(service, *codes):
    return list(service.rights.filter(code__in=codes))


@pytest.fixture
def manager(deca):
    user = UserFactory(email="responsable@soierie.fr")
    membership = services.join_organization(user=user, siren=SOIERIE)
    services.appoint_access_manager(actor=None, membership=membership, service=deca)
    return user


@pytest.fixture
def soierie(manager):
    return manager.memberships.get().organization


@pytest.fixture
def member(soierie):
    user = UserFactory(email="membre@soierie.fr")
    services.join_organization(user=user, siren=SOIERIE)
    return user

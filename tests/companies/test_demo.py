import pytest
from stdnum.fr import siren, siret

from relais.companies.demo import load_demo
from relais.companies.models import Company, Establishment
from relais.companies.registry import OfflineBackend

from .factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_links_known_communes():
    CommuneFactory(insee_code="69123", name="Lyon")

    load_demo()
    load_demo()

    assert Company.objects.count() == 8
    assert Establishment.objects.count() == 11
    assert all(siren.is_valid(number) for number in Company.objects.values_list("siren", flat=True))
    assert all(siret.is_valid(number) for number in Establishment.objects.values_list("siret", flat=True))
    assert Establishment.objects.filter(commune__insee_code="69123").count() == 2
    paris = Establishment.objects.filter(commune_insee_code="75056")
    assert paris.count() == 3
    assert not paris.filter(commune__isnull=False).exists()
    assert set(Establishment.objects.values_list("commune_insee_code", flat=True)) >= {
        "13055",
        "33063",
        "59350",
        "35238",
        "31555",
        "97411",
    }


def test_demo_companies_can_be_found_offline():
    load_demo()

    [result] = OfflineBackend().search("vanille saint-denis")
    assert result.display == "VANILLE ET LETCHIS PÉI — 27 RUE JEAN CHATEL, 97400 Saint-Denis"

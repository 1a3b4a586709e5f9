import pytest
from django.test import override_settings

from relais.companies.registry import OfflineBackend, RechercheEntreprisesBackend, get_registry

from .factories import CommuneFactory, CompanyFactory, EstablishmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakery():
    company = CompanyFactory(
        siren="793402561",
        name="BOULANGERIE DU FAUBOURG",
        officers=[{"first_name": "Karim", "last_name": "Benali", "role": "Gérant"}],
    )
    head_office = EstablishmentFactory(
        company=company,
        siret="79340256100013",
        name="AU PAIN DU FAUBOURG",
        address="84 RUE DU FAUBOURG SAINT-ANTOINE",
        postal_code="75012",
        commune_insee_code="75056",
        commune_name="Paris",
    )
    EstablishmentFactory(company=company, siret="79340256100021", is_head_office=False, is_active=False)
    return head_office


def test_search_by_name_ignores_accents_and_case(bakery):
    [result] = OfflineBackend().search("Boulangérie du faub")

    assert result.siret == "79340256100013"
    assert (
        result.display
        == "BOULANGERIE DU FAUBOURG (AU PAIN DU FAUBOURG) — 84 RUE DU FAUBOURG SAINT-ANTOINE, 75012 Paris"
    )


def test_search_by_words_anywhere_in_the_name_sign_or_commune(bakery):
    CompanyFactory(name="PAIN PERDU")
    assert [result.siret for result in OfflineBackend().search("pain faubourg paris")] == ["79340256100013"]


def test_names_that_start_with_the_text_come_first():
    later = EstablishmentFactory(company=CompanyFactory(name="LA BELLE ÉPOQUE"))
    first = EstablishmentFactory(company=CompanyFactory(name="ÉPOQUE BOIS"))

    assert [result.siret for result in OfflineBackend().search("epoque")] == [first.siret, later.siret]


def test_search_respects_the_limit():
    for _ in range(4):
        EstablishmentFactory(company=CompanyFactory(name="MENUISERIE"))
    EstablishmentFactory(company=CompanyFactory(name="LA MENUISERIE"))

    assert len(OfflineBackend().search("menuiserie", limit=3)) == 3
    assert len(OfflineBackend().search("menuiserie", limit=10)) == 5


def test_search_by_siren_lists_every_establishment(bakery):
    results = OfflineBackend().search("793 402 561")

    assert [result.siret for result in results] == ["79340256100013", "79340256100021"]


def test_search_by_siret_or_its_beginning(bakery):
    assert [result.siret for result in OfflineBackend().search("79340256100021")] == ["79340256100021"]
    assert len(OfflineBackend().search("7934025")) == 2


def test_get_company(bakery):
    company = OfflineBackend().get_company("793 402 561")

    assert company.name == "BOULANGERIE DU FAUBOURG"
    assert company.officers[0].last_name == "Benali"
    assert company.head_office.siret == "79340256100013"
    assert OfflineBackend().get_company("842159378") is None


def test_get_establishment_uses_the_commune_of_the_referential_when_known():
    establishment = EstablishmentFactory(commune=CommuneFactory(), commune_name="LYON 4EME")

    assert OfflineBackend().get_establishment(establishment.siret).commune_name == "Lyon"
    assert OfflineBackend().get_establishment("84215937800012") is None


def test_get_registry_follows_the_setting():
    assert isinstance(get_registry(), OfflineBackend)
    with override_settings(COMPANIES_BACKEND="api"):
        assert isinstance(get_registry(), RechercheEntreprisesBackend)
    with override_settings(COMPANIES_BACKEND="carrier-pigeon"), pytest.raises(ValueError):
        get_registry()

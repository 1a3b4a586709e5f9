import pytest

from relais.companies.models import normalize_search_text

from .factories import CommuneFactory, CompanyFactory, EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_normalize_search_text():
    assert normalize_search_text("  Société   Générale d'Électricité ") == "societe generale d electricite"
    assert normalize_search_text("") == ""


def test_search_names_are_kept_up_to_date_on_save():
    company = CompanyFactory(name="Café de l'Été")
    assert company.search_name == "cafe de l ete"
    establishment = EstablishmentFactory(
        company=company, name="Chez Zoé", postal_code="69004", commune=CommuneFactory(), commune_name=""
    )
    assert establishment.search_name == "cafe de l ete chez zoe 69004 lyon"

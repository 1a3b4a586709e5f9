from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relais.companies.enums import CompanySource
from relais.companies.models import Company, Establishment

from .factories import CommuneFactory, CompanyFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
UNITS = str(FIXTURES / "StockUniteLegale_utf8.csv")
ESTABLISHMENTS = str(FIXTURES / "StockEtablissement_utf8.csv")


def run(*args):
    call_command("import_sirene", *args, "--batch-size", "2", verbosity=0)


def test_import_everything():
    CommuneFactory(insee_code="35238", name="Rennes", department__insee_code="35", department__name="Ille-et-Vilaine")

    run("--unites-legales", UNITS, "--etablissements", ESTABLISHMENTS)

    assert Company.objects.count() == 4
    individual = Company.objects.get(siren="918473620")
    assert individual.name == "YANN LE GOFF"
    assert individual.legal_form_code == "1000"
    assert individual.staff_size_code == "NN"
    assert individual.source == CompanySource.SIRENE_STOCK
    assert not Company.objects.get(siren="529884132").is_active

    # The establishment whose company is absent from the file is left out.
    assert Establishment.objects.count() == 5
    workshop = Establishment.objects.get(siret="91847362000014")
    assert workshop.name == "MENUISERIE DE LA VILAINE"
    assert workshop.nafa_code == "4332AA"
    assert workshop.address == "6 RUE DE LA MABILAIS"
    assert workshop.commune.name == "Rennes"
    assert workshop.search_name == "yann le goff menuiserie de la vilaine 35000 rennes"
    closed = Establishment.objects.get(siret="79340256100021")
    assert closed.address == "3 B BOULEVARD DE CHARONNE"
    assert not closed.is_active
    assert not closed.is_head_office
    lyon = Establishment.objects.get(siret="84215937800012")
    assert lyon.commune is None
    assert lyon.commune_insee_code == "69384"


def test_import_is_idempotent_and_keeps_what_the_api_knew():
    CompanyFactory(
        siren="842159378",
        name="ANCIEN NOM",
        officers=[{"first_name": "Camille", "last_name": "Rivoire", "role": "Présidente"}],
    )

    run("--unites-legales", UNITS, "--etablissements", ESTABLISHMENTS)
    run("--unites-legales", UNITS, "--etablissements", ESTABLISHMENTS)

    assert Company.objects.count() == 4
    assert Establishment.objects.count() == 5
    company = Company.objects.get(siren="842159378")
    assert company.name == "ATELIER SOIERIE CROIX-ROUSSE"
    assert company.officers == [{"first_name": "Camille", "last_name": "Rivoire", "role": "Présidente"}]


def test_import_some_departments_only():
    run("--unites-legales", UNITS, "--etablissements", ESTABLISHMENTS, "--departments", "75", "35")

    assert set(Company.objects.values_list("siren", flat=True)) == {"793402561", "918473620"}
    assert set(Establishment.objects.values_list("siret", flat=True)) == {
        "79340256100013",
        "79340256100021",
        "91847362000014",
    }


def test_import_active_only():
    run("--unites-legales", UNITS, "--etablissements", ESTABLISHMENTS, "--active-only")

    assert not Company.objects.filter(siren="529884132").exists()
    assert not Establishment.objects.filter(is_active=False).exists()
    assert Establishment.objects.count() == 3


def test_command_errors():
    with pytest.raises(CommandError, match="Indiquez"):
        run()
    with pytest.raises(CommandError, match="introuvable"):
        run("--unites-legales", str(FIXTURES / "absent.csv"))
    with pytest.raises(CommandError, match="--etablissements"):
        run("--unites-legales", UNITS, "--departments", "69")


def test_collective_agreements_of_the_ministry_file(tmp_path):
    run("--unites-legales", UNITS, "--etablissements", ESTABLISHMENTS)
    conventions = tmp_path / "conventions.csv"
    conventions.write_text(
        "SIRET;IDCC\n84215937800012;0018\n84215937800012;1486\n79340256100013;843\n00000000000000;16\n",
        encoding="utf-8",
    )
    run("--conventions", str(conventions))
    assert Establishment.objects.get(siret="84215937800012").idcc_codes == ["18", "1486"]
    assert Company.objects.get(siren="842159378").idcc_codes == ["18", "1486"]
    assert Company.objects.get(siren="793402561").idcc_codes == ["843"]
    # The stock file again keeps what the agreements file gave.
    run("--unites-legales", UNITS, "--etablissements", ESTABLISHMENTS)
    assert Company.objects.get(siren="842159378").idcc_codes == ["18", "1486"]

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relais.territories.models import CentreSource, Commune, CommuneKind, PostalCode, ReferentialImport
from relais.territories.services import get_commune

DECOUPAGE_FIXTURE = Path(__file__).parent / "fixtures" / "decoupage"

pytestmark = pytest.mark.django_db


def import_territories(*args):
    call_command("import_territories", *args, verbosity=0)


def counts():
    return Commune.objects.count(), PostalCode.objects.count()


def test_import_of_a_department_locates_every_commune_and_the_arrondissements():
    import_territories("--departments", "69")

    communes = Commune.objects.filter(kind=CommuneKind.COMMUNE)
    assert communes.count() > 200
    assert not Commune.objects.filter(latitude__isnull=True).exists()
    assert set(Commune.objects.values_list("department__insee_code", flat=True)) == {"69"}
    lyon = get_commune("69123")
    assert lyon.name == "Lyon"
    assert lyon.department.name == "Rhône"
    assert lyon.region.name == "Auvergne-Rhône-Alpes"
    assert lyon.epci.siren == "200046977"
    assert lyon.centre_source == CentreSource.CONTOUR
    assert lyon.latitude == pytest.approx(45.76, abs=0.03)
    assert lyon.longitude == pytest.approx(4.84, abs=0.03)
    assert lyon.postal_codes == [f"6900{number}" for number in range(1, 10)]
    arrondissements = lyon.arrondissements.order_by("insee_code")
    assert [commune.insee_code for commune in arrondissements] == [f"6938{number}" for number in range(1, 10)]
    first = arrondissements[0]
    assert (first.kind, first.department, first.epci) == (CommuneKind.ARRONDISSEMENT, lyon.department, lyon.epci)
    assert first.postal_codes == ["69001"]


def test_second_run_is_skipped_and_forced_run_changes_nothing():
    import_territories("--departments", "69")
    imported = counts()
    stamp = ReferentialImport.objects.get().imported_at

    import_territories("--departments", "69")
    assert counts() == imported
    assert ReferentialImport.objects.get().imported_at == stamp

    import_territories("--departments", "69", "--force")
    assert counts() == imported
    assert ReferentialImport.objects.get().summary.startswith("0 communes créées, 0 mises à jour")


def test_unknown_department_is_refused():
    with pytest.raises(CommandError, match="inconnu"):
        import_territories("--departments", "00")


def test_decoupage_update_keeps_coordinates_and_locates_new_communes():
    import_territories("--departments", "69")
    lyon_before = get_commune("69123")

    import_territories("--decoupage", str(DECOUPAGE_FIXTURE), "--departments", "69")

    lyon = get_commune("69123")
    assert lyon.department.outline, "a source without outlines keeps the stored ones"
    assert lyon.population == 519127
    assert (lyon.latitude, lyon.longitude) == (lyon_before.latitude, lyon_before.longitude)
    assert lyon.epci.siren == "200046977"
    assert get_commune("69381").population == 28717
    villefranche = get_commune("69264")
    assert villefranche.name == "Villefranche-sur-Saône"
    assert villefranche.postal_codes == ["69400", "69499"]
    restored = get_commune("69999")
    assert restored.search_name == "commune retablie de test"
    assert restored.centre_source == CentreSource.POSTAL_AREA
    assert restored.latitude == pytest.approx(villefranche.latitude, abs=0.1)
    assert ReferentialImport.objects.filter(source="decoupage-administratif").exists()

    stamp = ReferentialImport.objects.get(source="decoupage-administratif").imported_at
    import_territories("--decoupage", str(DECOUPAGE_FIXTURE), "--departments", "69")
    assert ReferentialImport.objects.get(source="decoupage-administratif").imported_at == stamp


def test_decoupage_directory_must_hold_the_official_files(tmp_path):
    with pytest.raises(CommandError, match="communes.json"):
        import_territories("--decoupage", str(tmp_path))

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relais.accounts.models import User
from relais.conseillers_entreprises.enums import TerritorialLevel, ZoneType
from relais.conseillers_entreprises.models import (
    Antenne,
    Expert,
    ExpertSubject,
    Institution,
    InstitutionSubject,
    TerritorialZone,
)
from relais.conseillers_entreprises.services.directory_import import import_directory
from relais.conseillers_entreprises.taxonomy import import_taxonomy

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "fixtures" / "directory.csv"
HEADER = (
    "institution,institution_siren,antenne,antenne_level,antenne_zones,expert,expert_email,expert_phone,"
    "expert_zones,subjects,criteria,users\n"
)


@pytest.fixture(autouse=True)
def subjects():
    import_taxonomy()


def write(tmp_path, *lines) -> Path:
    path = tmp_path / "annuaire.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_sample_file_creates_the_directory():
    report = import_directory(SAMPLE)
    assert report.errors == []
    assert (report.rows, report.imported) == (5, 5)
    assert report.created["institution"] == 4
    assert report.created["antenne"] == 4
    assert report.created["expert"] == 5
    assert report.created["user"] == 7

    cci = Institution.objects.get(name="CCI Lyon Métropole Saint-Étienne Roanne")
    assert cci.slug == "cci-lyon-metropole-saint-etienne-roanne"
    assert Institution.objects.get(name="OPCO Atlas").siren == "851296632"
    antenne = Antenne.objects.get(institution=cci)
    assert list(antenne.zones.values_list("zone_type", "code")) == [(ZoneType.DEPARTMENT, "69")]
    assert Antenne.objects.get(name="Bpifrance Direction nationale").territorial_level == TerritorialLevel.NATIONAL
    assert Antenne.objects.get(name="OPCO Atlas Auvergne-Rhône-Alpes").territorial_level == TerritorialLevel.REGIONAL

    team = Expert.objects.get(name="Pôle création et développement")
    assert (team.email, team.phone, team.has_own_zones) == (
        "entreprises@lyon-metropole.cci.fr",
        "04 72 40 58 58",
        False,
    )
    assert sorted(team.users.values_list("email", flat=True)) == [
        "claire.martin@lyon-metropole.cci.fr",
        "julien.perrin@lyon-metropole.cci.fr",
    ]
    claire = User.objects.get(email="claire.martin@lyon-metropole.cci.fr")
    assert (claire.first_name, claire.last_name, claire.has_usable_password()) == ("Claire", "Martin", False)
    assert sorted(team.expert_subjects.values_list("institution_subject__subject__slug", "intervention_criteria")) == [
        ("clients", "Entreprises inscrites au RCS"),
        ("international", "Entreprises inscrites au RCS"),
        ("strategie", "Entreprises inscrites au RCS"),
        ("vendre-sur-internet", "Entreprises inscrites au RCS"),
    ]
    assert InstitutionSubject.objects.filter(institution=cci).count() == 7

    villeurbanne = Expert.objects.get(name="Équipe Villeurbanne")
    assert villeurbanne.has_own_zones
    assert list(villeurbanne.zones.values_list("zone_type", "code")) == [(ZoneType.COMMUNE, "69266")]
    assert Expert.objects.get(email="entreprises.lyon@francetravail.fr").users.count() == 2


def test_second_run_changes_nothing():
    import_directory(SAMPLE)
    counts = [
        model.objects.count()
        for model in (Institution, Antenne, Expert, TerritorialZone, ExpertSubject, InstitutionSubject, User)
    ]
    report = import_directory(SAMPLE)
    assert (report.imported, report.errors, report.changed) == (5, [], False)
    assert counts == [
        model.objects.count()
        for model in (Institution, Antenne, Expert, TerritorialZone, ExpertSubject, InstitutionSubject, User)
    ]


def test_a_row_describes_its_team_zones_and_keeps_subjects_and_agents(tmp_path):
    import_directory(SAMPLE)
    path = write(
        tmp_path,
        "CCI Lyon Métropole Saint-Étienne Roanne,,CCI Lyon Métropole,local,department:69 department:01,"
        "Équipe Villeurbanne,villeurbanne@lyon-metropole.cci.fr,04 00 00 00 00,,tresorerie,Toutes entreprises,",
    )
    report = import_directory(path)
    assert report.errors == []
    team = Expert.objects.get(name="Équipe Villeurbanne")
    assert (team.phone, team.has_own_zones) == ("04 00 00 00 00", False)
    assert sorted(team.antenne.zones.values_list("code", flat=True)) == ["01", "69"]
    assert team.expert_subjects.count() == 3
    assert team.expert_subjects.get(institution_subject__subject__slug="tresorerie").intervention_criteria == (
        "Toutes entreprises"
    )
    assert team.users.count() == 1


def test_invalid_rows_are_reported_in_french_and_skipped(tmp_path):
    path = write(
        tmp_path,
        "CMA Auvergne-Rhône-Alpes,,CMA Rhône,local,department:69,Équipe développement,dev@cma-auvergnerhonealpes.fr,,"
        ",recruter;recrutemnt,,",
        "CMA Auvergne-Rhône-Alpes,,CMA Rhône,départemental,departement:6 ville:Lyon,Équipe B,pas-une-adresse,,"
        ",,,Jean Dupont <jean.dupont>",
        ',,CMA Rhône,local,,Équipe C,c@cma.fr,,,"former",,',
        "CMA Auvergne-Rhône-Alpes,,CMA Rhône,local,department:69,Équipe formation,formation@cma.fr,,,former,,",
    )
    report = import_directory(path)
    assert report.errors == [
        "ligne 2 : sujet inconnu « recrutemnt »",
        "ligne 3 : échelon « départemental » inconnu (local, régional ou national)",
        "ligne 3 : adresse électronique de l’équipe invalide « pas-une-adresse »",
        "ligne 3 : code de département invalide « 6 » dans antenne_zones",
        "ligne 3 : zone « ville:Lyon » illisible dans antenne_zones (attendu par exemple « department:69 »)",
        "ligne 3 : agent « Jean Dupont <jean.dupont> » illisible (attendu « Prénom Nom <adresse@exemple.fr> »)",
        "ligne 4 : colonne « institution » vide",
    ]
    assert (report.rows, report.imported) == (4, 1)
    assert list(Expert.objects.values_list("name", flat=True)) == ["Équipe formation"]


def test_command_reports_and_dry_run_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        "CMA Auvergne-Rhône-Alpes,,CMA Rhône,local,department:69,Équipe développement,dev@cma.fr,,,recrutemnt,,",
    )
    stdout, stderr = StringIO(), StringIO()
    call_command("import_directory", str(SAMPLE), "--dry-run", stdout=stdout, stderr=stderr)
    assert "Lignes lues : 5, importées : 5, en erreur : 0." in stdout.getvalue()
    assert "Créés : 4 institutions, 4 antennes, 5 équipes" in stdout.getvalue()
    assert "rien n’a été enregistré" in stdout.getvalue()
    assert not Expert.objects.exists()

    call_command("import_directory", str(path), stdout=stdout, stderr=stderr)
    assert "ligne 2 : sujet inconnu « recrutemnt »" in stderr.getvalue()

    bad_header = tmp_path / "entete.csv"
    bad_header.write_text("institution,antenne\nA,B\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonnes manquantes : expert, expert_email."):
        call_command("import_directory", str(bad_header))

import csv
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
    MatchFilter,
    TerritorialZone,
)
from relais.conseillers_entreprises.services.directory_csv import COLUMNS
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
        "+33472405858",
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
        "Équipe Villeurbanne,villeurbanne@lyon-metropole.cci.fr,04 78 00 00 00,,tresorerie,Toutes entreprises,",
    )
    report = import_directory(path)
    assert report.errors == []
    team = Expert.objects.get(name="Équipe Villeurbanne")
    assert (team.phone, team.has_own_zones) == ("+33478000000", False)
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


FULL_HEADER = ",".join(COLUMNS) + "\n"


def write_full(tmp_path, *rows: dict) -> Path:
    path = tmp_path / "annuaire-complet.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def team_row(**cells) -> dict:
    return {
        "institution": "CCI Lyon Métropole Saint-Étienne Roanne",
        "institution_categories": "cci expert_provider",
        "antenne": "CCI Lyon Métropole",
        "antenne_level": "local",
        "antenne_zones": "department:69",
        "expert": "Pôle création et développement",
        "expert_email": "entreprises@lyon-metropole.cci.fr",
        "subjects": "strategie;clients",
        "users": "Claire Martin <claire.martin@lyon-metropole.cci.fr>",
        **cells,
    }


def test_filters_managers_categories_and_activity_at_the_three_levels(tmp_path):
    path = write_full(
        tmp_path,
        team_row(
            institution_filters="effectif_max=249 | naf=62,70 sujets=clients",
            antenne_filters="anciennete_min=2",
            antenne_managers="Nadia Berger <nadia.berger@lyon-metropole.cci.fr>",
            expert_filters="communes_exclues=69266 formes_exclues=5499",
            expert_active="non",
        ),
    )
    report = import_directory(path)
    assert report.errors == []
    institution = Institution.objects.get(name="CCI Lyon Métropole Saint-Étienne Roanne")
    assert institution.categories == ["cci", "expert_provider"]
    filters = {(f.max_staff, tuple(f.accepted_naf_codes)) for f in institution.match_filters.all()}
    assert filters == {(249, ()), (None, ("62", "70"))}
    assert [s.slug for s in institution.match_filters.get(max_staff=None).subjects.all()] == ["clients"]
    antenne = Antenne.objects.get(name="CCI Lyon Métropole")
    assert antenne.match_filters.get().min_years_of_existence == 2
    assert list(antenne.managers.values_list("email", flat=True)) == ["nadia.berger@lyon-metropole.cci.fr"]
    team = Expert.objects.get(name="Pôle création et développement")
    assert not team.is_active
    assert team.match_filters.get().excluded_communes == ["69266"]
    # The same file again: nothing changes, filters included.
    assert not import_directory(path).changed


def test_deactivation_of_institution_and_antenne(tmp_path):
    import_directory(write_full(tmp_path, team_row()))
    report = import_directory(write_full(tmp_path, team_row(institution_active="non", antenne_active="non")))
    assert report.errors == []
    assert not Institution.objects.get().is_active and not Antenne.objects.get().is_active
    assert Expert.objects.get().is_active


def test_rows_that_contradict_their_institution_or_antenne_are_reported(tmp_path):
    path = write_full(
        tmp_path,
        team_row(institution_filters="effectif_max=249"),
        team_row(expert="Équipe B", expert_email="b@cci.fr", institution_filters="effectif_max=49"),
    )
    report = import_directory(path)
    assert report.errors == [
        "ligne 3 : institution_filters de l’institution « CCI Lyon Métropole Saint-Étienne "
        "Roanne » différent de la ligne 2"
    ]
    assert report.imported == 1


def test_unreadable_filters_and_activity_are_reported(tmp_path):
    report = import_directory(
        write_full(tmp_path, team_row(expert_filters="effectif=10 sujets=inconnu", expert_active="peut-être"))
    )
    assert report.errors == [
        "ligne 2 : valeur « peut-être » inconnue dans expert_active (oui ou non)",
        "ligne 2 : critère « effectif=10 » illisible dans expert_filters (par exemple « effectif_max=49 naf=62,70 »)",
        "ligne 2 : sujet inconnu « inconnu » dans expert_filters",
    ]


def test_sync_removes_subjects_agents_and_managers_and_dry_run_tells_it(tmp_path):
    import_directory(
        write_full(
            tmp_path,
            team_row(
                subjects="strategie;clients;international",
                users="Claire Martin <claire.martin@lyon-metropole.cci.fr>;Julien Perrin <julien@cci.fr>",
                antenne_managers="Nadia Berger <nadia@cci.fr>",
            ),
        )
    )
    smaller = write_full(tmp_path, team_row(subjects="strategie", antenne_managers=""))
    stdout = StringIO()
    call_command("import_directory", str(smaller), "--sync", "--dry-run", stdout=stdout, stderr=StringIO())
    output = stdout.getvalue()
    assert "Seraient retirés : 2 sujets d’équipe, 1 rattachements d’agents, 1 responsables d’antenne." in output
    assert "sujet « clients » retiré de l’équipe « Pôle création et développement »" in output
    assert "julien@cci.fr retiré(e) de l’équipe « Pôle création et développement »" in output
    assert "nadia@cci.fr n’est plus responsable de l’antenne « CCI Lyon Métropole »" in output
    team = Expert.objects.get()
    assert team.expert_subjects.count() == 3 and team.users.count() == 2
    # Without --sync the file only adds; with it, the team becomes exactly the file's.
    assert not import_directory(smaller).removed
    report = import_directory(smaller, sync=True)
    assert (team.expert_subjects.count(), team.users.count(), team.antenne.managers.count()) == (1, 1, 0)
    assert User.objects.filter(email="julien@cci.fr").exists()
    assert report.removed == {"expert_subject": 2, "membership": 1, "manager": 1}


def test_export_then_import_leaves_the_directory_unchanged(tmp_path, django_assert_max_num_queries):
    import_directory(SAMPLE)
    path = write_full(
        tmp_path,
        team_row(
            institution="=CCI avec formule",
            institution_siren="130000001",
            institution_filters="effectif_max=249 | naf=62,70 sujets=clients",
            antenne_filters="anciennete_min=2",
            antenne_managers="Nadia Berger <nadia@cci.fr>",
            expert_phone="+33 4 72 40 58 58",
            expert_zones="commune:69123 epci:200046977",
            expert_filters="formes_exclues=5499",
            expert_active="non",
            criteria="Entreprises inscrites au RCS",
        ),
    )
    import_directory(path)
    exported = tmp_path / "export.csv"
    with django_assert_max_num_queries(20):
        call_command("export_directory", str(exported), stdout=StringIO())
    text = exported.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "'=CCI avec formule" in text and "'+33472405858" in text
    before = snapshot()
    report = import_directory(exported, sync=True)
    assert (report.errors, report.changed) == ([], False)
    assert snapshot() == before


def snapshot() -> dict:
    return {
        "institutions": sorted(Institution.objects.values_list("name", "siren", "categories", "is_active")),
        "antennes": sorted(Antenne.objects.values_list("name", "territorial_level", "is_active")),
        "experts": sorted(Expert.objects.values_list("name", "email", "phone", "is_active", "has_own_zones")),
        "zones": sorted(TerritorialZone.objects.values_list("zone_type", "code", "antenne__name", "expert__name")),
        "subjects": sorted(
            ExpertSubject.objects.values_list(
                "expert__name", "institution_subject__subject__slug", "intervention_criteria"
            )
        ),
        "agents": sorted(Expert.users.through.objects.values_list("expert__name", "user__email")),
        "managers": sorted(Antenne.managers.through.objects.values_list("antenne__name", "user__email")),
        "filters": sorted(
            str(spec)
            for spec in (
                (
                    f.institution_id,
                    f.antenne_id,
                    f.expert_id,
                    f.max_staff,
                    f.min_years_of_existence,
                    f.accepted_naf_codes,
                    f.excluded_legal_forms,
                    sorted(s.slug for s in f.subjects.all()),
                )
                for f in MatchFilter.objects.prefetch_related("subjects")
            )
        ),
    }

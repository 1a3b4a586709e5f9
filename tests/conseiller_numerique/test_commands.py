"""import_pix and rebuild_matches."""

from io import StringIO

import pytest
from django.core.management import call_command

from relais.conseiller_numerique.enums import MatchStatus
from relais.conseiller_numerique.models import MatchPair, RecruitmentMatch
from tests.conseiller_numerique import factories as f

pytestmark = pytest.mark.django_db

CSV = """email;partage;date;niveau;competence_1;competence_2;competence_3
alix@exemple.fr;oui;12/05/2026;avancé;40;35,5;20
inconnu@exemple.fr;oui;12/05/2026;2;1;2;3
alix@exemple.fr;peut-être;12/05/2026;2;1;2;3
alix@exemple.fr;non;31/02/2026;2;1;2;3
alix@exemple.fr;non;12/05/2026;4;1;2;3
alix@exemple.fr;non;12/05/2026;1;x;2;3
"""


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_pix", str(path), *args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def test_import_pix_reports_each_line_in_french_is_idempotent_and_dry_run_writes_nothing(tmp_path):
    candidate = f.candidate(f.commune(45.76, 4.83), email="alix@exemple.fr")
    path = tmp_path / "pix.csv"
    path.write_text(CSV, encoding="utf-8")

    out, err = run(path, "--dry-run")
    assert "Simulation : 1 résultat(s) seraient mis à jour" in out
    candidate.refresh_from_db()
    assert candidate.pix_level is None
    assert err.splitlines() == [
        "Ligne 3 : aucune candidature avec l'adresse inconnu@exemple.fr.",
        "Ligne 4 : partage « peut-être » : attendu oui ou non.",
        "Ligne 5 : date « 31/02/2026 » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ).",
        "Ligne 6 : niveau « 4 » : attendu 1, 2, 3 ou débutant, intermédiaire, avancé.",
        "Ligne 7 : competence 1 « x » n'est pas un nombre.",
    ]

    out, _ = run(path)
    assert "1 résultat(s) mis à jour, 0 inchangé(s), 5 erreur(s)" in out
    candidate.refresh_from_db()
    assert (candidate.pix_level, candidate.pix_shared, candidate.pix_scores) == (3, True, [40.0, 35.5, 20.0])
    out, _ = run(path)
    assert "0 résultat(s) mis à jour, 1 inchangé(s)" in out


def test_import_pix_missing_columns(tmp_path):
    path = tmp_path / "pix.csv"
    path.write_text("email;niveau\nalix@exemple.fr;1\n", encoding="utf-8")
    _, err = run(path)
    assert "colonnes manquantes : partage, date, competence_1, competence_2, competence_3" in err


def test_rebuild_matches_keeps_statuses():
    place = f.commune(45.76, 4.83)
    person, hosting = f.candidate(place), f.structure(place)
    MatchPair.objects.create(
        candidate=person,
        structure=f.structure(f.commune(48.8, 2.3)),
        distance_km=390.0,
        available_from=person.available_from,
    )
    RecruitmentMatch.objects.create(candidate=person, structure=hosting, status=MatchStatus.PRESELECTED)
    out = StringIO()
    call_command("rebuild_matches", stdout=out)
    assert "1 paire(s) recalculée(s)" in out.getvalue()
    assert list(MatchPair.objects.values_list("candidate", "structure")) == [(person.pk, hosting.pk)]
    assert RecruitmentMatch.objects.get().status == MatchStatus.PRESELECTED

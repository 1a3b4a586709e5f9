import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from relais.companies.models import Company
from relais.conseillers_entreprises.enums import ExportStatus
from relais.conseillers_entreprises.models import ExportJob
from relais.core.exports import neutralize, neutralize_row
from tests.accounts.factories import UserFactory

from . import test_stats
from .factories import AntenneFactory

pytestmark = pytest.mark.django_db

# The exports read the same known dataset as the figures' tests.
PERIOD = test_stats.PERIOD
dataset = test_stats.dataset
support_user = test_stats.support_user

NEED_HEADERS = [
    "Date", "Entreprise", "SIRET", "Région", "Thème", "Sujet", "Statut du besoin",
    "Première transmission", "Première prise en charge", "Dernière clôture",
]  # fmt: skip
MATCH_HEADERS = [
    "Date", "Entreprise", "SIRET", "Région", "Thème", "Sujet", "Statut du besoin",
    "Statut de la mise en relation", "Expert", "Antenne", "Institution",
    "Transmise le", "Prise en charge le", "Clôturée le",
]  # fmt: skip


def url(name, extension):
    return reverse("conseillers_entreprises:stats_export", kwargs={"name": name, "extension": extension})


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def read_xlsx(response) -> list[list]:
    assert isinstance(response, FileResponse)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_needs_csv_is_streamed_with_french_columns(client, dataset, support_user):
    client.force_login(support_user)
    response = client.get(url("besoins", "csv"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="besoins-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == NEED_HEADERS
    assert len(rows) == 1 + 4
    first = rows[1]
    assert first[1:7] == [
        "BOULANGERIE DU RHONE", first[2], "Auvergne-Rhône-Alpes", "Ressources humaines", "Recruter",
        "Analyse en cours",
    ]  # fmt: skip
    assert len(first[2]) == 14
    assert first[7:] == ["10/01/2025 09:00", "15/01/2025 09:00", "20/01/2025 09:00"]
    assert [row[3] for row in rows[1:]].count("Non renseignée") == 1


def test_matches_xlsx_with_filters(client, dataset, support_user):
    client.force_login(support_user)
    response = client.get(url("mises-en-relation", "xlsx"), {**PERIOD, "institution": dataset.second.institution.slug})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = read_xlsx(response)
    assert rows[0] == MATCH_HEADERS
    assert [(row[8], row[9]) for row in rows[1:]] == [("Équipe Gironde", "CMA Gironde")] * 2
    assert rows[1][7] == "En attente de réponse"
    assert rows[1][11].isoformat() == "2025-02-03T10:00:00"


def test_matches_csv_for_support_has_every_match_sent_in_the_period(client, dataset, support_user):
    client.force_login(support_user)
    rows = read_csv(client.get(url("mises-en-relation", "csv"), PERIOD))
    assert rows[0] == MATCH_HEADERS
    assert len(rows) == 1 + 5


def test_manager_exports_only_their_antennes_data(client, dataset):
    manager = UserFactory()
    dataset.first.managers.add(manager)
    client.force_login(manager)
    rows = read_csv(client.get(url("mises-en-relation", "csv"), PERIOD))
    assert {row[9] for row in rows[1:]} == {"CCI Lyon"}
    assert len(rows) == 1 + 3
    assert len(read_xlsx(client.get(url("besoins", "xlsx"), PERIOD))) == 1 + 3

    outsider = UserFactory()
    AntenneFactory(name="Antenne sans besoin").managers.add(outsider)
    client.force_login(outsider)
    assert read_csv(client.get(url("mises-en-relation", "csv"), PERIOD)) == [MATCH_HEADERS]
    assert read_xlsx(client.get(url("besoins", "xlsx"), PERIOD)) == [NEED_HEADERS]
    # Asking for another antenne does not widen the export.
    assert client.get(url("besoins", "csv"), {**PERIOD, "antenne": dataset.first.public_id}).status_code == 400


def test_invalid_filters_are_refused(client, dataset, support_user):
    client.force_login(support_user)
    response = client.get(url("besoins", "csv"), {"start": "2025-04-01", "end": "2025-01-01"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.test")', "+33 CALC", "-2+3", "@SUM(A1:A9)"])
def test_text_cells_are_neutralised_against_formulas(client, dataset, support_user, name):
    Company.objects.filter(name="BOULANGERIE DU RHONE").update(name=name)
    client.force_login(support_user)
    csv_names = [row[1] for row in read_csv(client.get(url("besoins", "csv"), PERIOD))[1:]]
    assert f"'{name}" in csv_names and name not in csv_names
    workbook = load_workbook(io.BytesIO(b"".join(client.get(url("besoins", "xlsx"), PERIOD).streaming_content)))
    cells = [row[1] for row in workbook.active.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells)
    assert f"'{name}" in [cell.value for cell in cells]


def test_neutralize_leaves_numbers_dates_and_plain_text():
    assert neutralize(-3) == -3
    assert neutralize("BOULANGERIE") == "BOULANGERIE"
    assert neutralize("\t=1+1") == "'\t=1+1"
    assert neutralize_row(["=1", 2, None]) == ["'=1", 2, None]


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr("relais.conseillers_entreprises.views.stats.EXPORT_ASYNC_THRESHOLD", 2)


def test_large_export_runs_in_the_background_with_a_link_valid_a_day(
    client, dataset, support_user, small_threshold, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(support_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url("mises-en-relation", "csv"), PERIOD)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/support/exports/{job.public_id}/"
    assert (job.status, job.rows_total, job.requested_by) == (ExportStatus.DONE, 5, support_user)
    page = client.get(response["Location"])
    assert "Votre fichier est prêt" in page.text and "Télécharger mises-en-relation-" in page.text
    status = client.get(f"/support/exports/{job.public_id}/etat/").json()
    assert status == {"status": "done", "percent": 100, "rows_done": 5}
    download = client.get(f"/support/exports/{job.public_id}/telecharger/")
    content = b"".join(download.streaming_content).decode("utf-8")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(content[1:]), delimiter=";"))[0] == MATCH_HEADERS
    (email,) = [message for message in mailoutbox if message.to == [support_user.email]]
    assert email.subject.startswith("Votre export mises-en-relation-")
    assert f"/support/exports/{job.public_id}/" in email.body


def test_background_export_belongs_to_its_requester_and_expires(
    client, dataset, support_user, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(support_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("besoins", "xlsx"), PERIOD)
    job = ExportJob.objects.get()
    assert len(list(load_workbook(job.file.open("rb"), read_only=True).active.iter_rows())) == 1 + 4
    colleague = UserFactory()
    colleague.groups.set(support_user.groups.all())
    client.force_login(colleague)
    assert client.get(f"/support/exports/{job.public_id}/").status_code == 404
    assert client.get(f"/support/exports/{job.public_id}/telecharger/").status_code == 404
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        client.force_login(support_user)
        assert client.get(f"/support/exports/{job.public_id}/telecharger/").status_code == 404
        assert "n’est plus disponible" in client.get(f"/support/exports/{job.public_id}/").text
        stdout = StringIO()
        call_command("purge_expired_exports", stdout=stdout)
        assert "1 export(s) à supprimer" in stdout.getvalue() and ExportJob.objects.exists()
        name = job.file.name
        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_expired_exports", "--wet-run", stdout=StringIO())
    assert not ExportJob.objects.exists()
    assert not job.file.storage.exists(name)


def test_small_exports_still_stream(client, dataset, support_user):
    client.force_login(support_user)
    assert isinstance(client.get(url("besoins", "csv"), PERIOD), StreamingHttpResponse)
    assert not ExportJob.objects.exists()

import csv
import io

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

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
    assert client.get(url("besoins", "csv"), {**PERIOD, "antenne": dataset.first.pk}).status_code == 400


def test_invalid_filters_are_refused(client, dataset, support_user):
    client.force_login(support_user)
    response = client.get(url("besoins", "csv"), {"start": "2025-04-01", "end": "2025-01-01"})
    assert response.status_code == 400

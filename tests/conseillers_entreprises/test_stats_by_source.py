"""The team dashboard and its exports filtered by the origin of the requests (site, iframe, API)."""

import pytest
from django.urls import reverse

from relais.conseillers_entreprises.enums import SolicitationSource
from relais.conseillers_entreprises.models import Solicitation
from relais.conseillers_entreprises.services.exports import matches_export, needs_export
from relais.conseillers_entreprises.services.statistics import compute_figures

from .test_stats import PERIOD, counts, dataset, scope, support_user  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def by_api(dataset):  # noqa: F811
    Solicitation.objects.filter(subject=dataset.money).update(source=SolicitationSource.API)


def test_figures_filtered_by_source(dataset, by_api):  # noqa: F811
    assert counts(compute_figures(scope(source=SolicitationSource.API)).total) == (1, 1, 1, 0)
    assert counts(compute_figures(scope(source=SolicitationSource.SITE)).total) == (1, 1, 1, 1)
    assert counts(compute_figures(scope(source=SolicitationSource.IFRAME)).total) == (0, 0, 0, 0)


def test_exports_filtered_by_source(dataset, by_api):  # noqa: F811
    assert len(list(needs_export(scope(source=SolicitationSource.API)).rows())) == 1
    assert len(list(matches_export(scope(source=SolicitationSource.API)).rows())) == 1


def test_dashboard_and_export_links_keep_the_source(client, dataset, by_api, support_user):  # noqa: F811
    client.force_login(support_user)
    response = client.get(reverse("conseillers_entreprises:stats_dashboard"), {**PERIOD, "source": "api"})
    assert response.status_code == 200
    assert response.context["figures"].total.solicitations == 1
    assert "source=api" in response.content.decode()
    export = client.get(
        reverse("conseillers_entreprises:stats_export", args=["besoins", "csv"]), {**PERIOD, "source": "api"}
    )
    lines = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2  # header and the API request's need
    invalid = client.get(reverse("conseillers_entreprises:stats_dashboard"), {"source": "fax"})
    assert "Sélectionnez un choix valide" in invalid.content.decode()

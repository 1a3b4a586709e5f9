import pytest
from django.urls import reverse

from tests.conseillers_entreprises.factories import DiagnosisFactory, MatchFactory, NeedFactory, SolicitationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/conseillers-entreprises"


def test_same_figures_as_the_public_page_without_a_key(client, django_assert_max_num_queries):
    solicitation = SolicitationFactory()
    need = NeedFactory(diagnosis=DiagnosisFactory(solicitation=solicitation))
    MatchFactory(need=need, sent_at=solicitation.submitted_at)
    page = client.get(reverse("conseillers_entreprises:stats")).context["figures"]
    with django_assert_max_num_queries(2):  # cached by the page: the site status only
        response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"start": page.scope.start.isoformat(), "end": page.scope.end.isoformat()}
    assert body["total"]["solicitations"] == page.total.solicitations == 1
    assert body["total"]["transmitted"] == page.total.transmitted == 1
    assert [row["label"] for row in body["months"]] == [row.label for row in page.months]
    assert [(row["label"], row["transmitted"]) for row in body["themes"]] == [
        (row.label, row.transmitted) for row in page.themes
    ]
    assert body["total"]["taken_percent"] == page.total.taken_percent

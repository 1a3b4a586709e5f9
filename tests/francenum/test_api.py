"""The France Num routes of the public API: open data without a key, full profiles with `francenum:read`."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from relais.api.enums import PartnerKind, Scope
from relais.api.models import Partner
from relais.api.services.keys import create_key
from relais.francenum import opendata
from relais.francenum.enums import Category, Domain, EventKind, Kind, ServiceKind, Status
from relais.francenum.models import Activator
from relais.francenum.services.transitions import change_status
from tests.francenum import factories

pytestmark = pytest.mark.django_db


def key(*scopes):
    partner = Partner.objects.create(
        name=f"Région {uuid.uuid4().hex[:8]}", kind=PartnerKind.AUTHORISED_BODY, allowed_scopes=list(scopes)
    )
    _key, secret = create_key(partner=partner, name="Prod", scopes=list(scopes), actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_open_data_without_a_key(client, structure):
    response = client.get("/api/v1/francenum/activateurs", {"size": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["results"][0]["nom"] == structure.name
    assert body["results"][0]["fiche"].endswith(f"/activateurs/fiche/{structure.slug}/")


def test_full_profiles_need_the_scope(client, structure):
    factories.with_member(structure)
    cache.clear()
    assert client.get("/api/v1/francenum/profils").status_code == 401
    assert client.get("/api/v1/francenum/profils", **key(Scope.CE_READ)).status_code == 403
    response = client.get("/api/v1/francenum/profils", **key(Scope.FRANCENUM_READ))
    assert response.status_code == 200
    profile = response.json()["results"][0]
    assert profile["offres"] == [{"domaine": "Site internet", "prestation": "Conseil"}]
    assert len(profile["adherents"]) == 2 and "head_email" not in profile and "gerante@exemple.fr" not in str(profile)
    one = client.get(f"/api/v1/francenum/profils/{structure.public_id}", **key(Scope.FRANCENUM_READ))
    assert one.json()["identifiant"] == str(structure.public_id)


def test_open_data_filters_combine(client):
    lyon_web = factories.activator(name="Agence Web Lyon", kind=Kind.AGENCY)
    factories.activator(name="ESN Paris", commune=factories.paris(), offers=((Domain.SECURITY, ServiceKind.ADVICE),))
    factories.activator(name="Chambre Lyon", category=Category.PUBLIC)

    def names(**params):
        response = client.get("/api/v1/francenum/activateurs", params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] == len(body["results"])
        return [row["nom"] for row in body["results"]]

    assert names() == ["Agence Web Lyon", "Chambre Lyon", "ESN Paris"]
    assert names(region="84") == ["Agence Web Lyon", "Chambre Lyon"]
    assert names(departement="75") == ["ESN Paris"]
    assert names(domaine=Domain.SECURITY.value) == ["ESN Paris"]
    assert names(region="84", type=Kind.AGENCY.value) == ["Agence Web Lyon"]
    assert names(categorie=Category.PUBLIC.value) == ["Chambre Lyon"]
    Activator.objects.filter(pk=lyon_web.pk).update(updated_at=timezone.now() - timedelta(days=10))
    Activator.objects.exclude(pk=lyon_web.pk).update(updated_at=timezone.now() - timedelta(days=1))
    since = (timezone.now() - timedelta(days=5)).isoformat()
    assert names(updated_since=since) == ["Chambre Lyon", "ESN Paris"]


def test_open_data_filters_are_validated(client):
    response = client.get("/api/v1/francenum/activateurs", {"domaine": "jardinage"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == "domaine"
    for since in ("hier", "0.5", "1700000000"):
        response = client.get("/api/v1/francenum/activateurs", {"updated_since": since})
        assert response.status_code == 422 and response.json()["errors"][0]["source"] == "updated_since"


def test_open_data_pages_are_read_from_the_database(client, reviewer, django_assert_max_num_queries):
    """Each page is read by itself (not sliced from the whole cached file), in the order of the names, with the
    total count; a new publication shows at once."""

    for name in ("Delta", "Alpha", "Charlie", "Bravo"):
        factories.activator(name=name)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/francenum/activateurs", {"size": 2, "page": 2})
    body = response.json()
    assert body["count"] == 4 and [row["nom"] for row in body["results"]] == ["Charlie", "Delta"]
    assert body["results"][0]["region"] == "Auvergne-Rhône-Alpes" and body["results"][0]["type"]
    echo = factories.activator(name="Echo", status=Status.SUBMITTED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        change_status(activator=echo, to_status=Status.VALIDATED, actor=reviewer, kind=EventKind.VALIDATED)
    assert client.get("/api/v1/francenum/activateurs", {"size": 2, "page": 3}).json() == {
        "count": 5,
        "results": [client.get("/api/v1/francenum/activateurs", {"region": "84"}).json()["results"][4]],
    }
    assert client.get("/api/v1/francenum/activateurs", {"region": "99"}).json() == {"count": 0, "results": []}


def test_open_data_rows_are_those_of_the_file(client):
    """The list builds its rows from plain values: the same as the open-data file's (opendata.row)."""
    factories.activator(name="Agence Web Lyon", kind=Kind.AGENCY, category=Category.PUBLIC, address="1 rue Neuve")
    factories.activator(name="Sans Région", commune=factories.paris())
    Activator.objects.filter(name="Sans Région").update(region=None)
    expected = [opendata.row(a) for a in Activator.objects.select_related("region").order_by("name")]
    assert client.get("/api/v1/francenum/activateurs").json()["results"] == expected

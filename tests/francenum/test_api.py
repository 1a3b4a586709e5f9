"""The France Num routes of the public API: open data without a key, full profiles with `francenum:read`."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from relais.api.enums import PartnerKind, Scope
from relais.api.models import Partner
from relais.api.services.keys import create_key
from relais.francenum.enums import Category, Domain, Kind, ServiceKind
from relais.francenum.models import Activator
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

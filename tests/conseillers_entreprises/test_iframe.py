import uuid

import pytest
from django.urls import reverse

from relais.conseillers_entreprises.enums import SolicitationSource
from relais.conseillers_entreprises.models import Solicitation
from relais.conseillers_entreprises.taxonomy import import_taxonomy

pytestmark = pytest.mark.django_db

PARTNER = "mon-entreprise-urssaf-fr"


@pytest.fixture(autouse=True)
def taxonomy(db):
    import_taxonomy()


@pytest.mark.parametrize(
    "name",
    ["landing", "form"],
)
def test_partner_landing_may_be_framed_by_its_partner_only(client, name):
    url = (
        reverse("conseillers_entreprises:landing", args=[PARTNER])
        if name == "landing"
        else reverse("conseillers_entreprises:file_request", args=[PARTNER, "recruter"])
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors https://mon-entreprise.urssaf.fr" in response.headers["Content-Security-Policy"]
    assert "'none'" not in response.headers["Content-Security-Policy"].split("frame-ancestors")[1].split(";")[0]


def test_home_landing_cannot_be_framed(client):
    response = client.get(reverse("conseillers_entreprises:landing", args=["accueil"]))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_iframe_prefill_source_and_origin(client):
    url = reverse("conseillers_entreprises:file_request", args=[PARTNER, "former"])
    response = client.get(
        url + "?email=paul@garage.fr&siret=41816609600069&first_name=Paul",
        HTTP_REFERER="https://mon-entreprise.urssaf.fr/simulateurs/salarie",
    )
    form = response.context["form"]
    assert form.initial["email"] == "paul@garage.fr"
    assert form.initial["siret"] == "41816609600069"
    assert form.initial["first_name"] == "Paul"
    assert form.initial["origin_url"] == "https://mon-entreprise.urssaf.fr/simulateurs/salarie"
    response = client.post(
        url,
        {
            "description": "Former deux mécaniciens au diagnostic des véhicules électriques cette année.",
            "siret": "41816609600069",
            "first_name": "Paul",
            "last_name": "Durand",
            "phone": "0478000000",
            "email": "paul@garage.fr",
            "terms_accepted": "on",
            "submission_token": str(uuid.uuid4()),
            "origin_url": form.initial["origin_url"],
            "question_formee_est_salariee_de_lentreprise": "oui",
        },
    )
    assert response.status_code == 302
    solicitation = Solicitation.objects.get()
    assert solicitation.source == SolicitationSource.IFRAME
    assert solicitation.origin_url == "https://mon-entreprise.urssaf.fr/simulateurs/salarie"
    confirmation = client.get(response["Location"])
    assert "X-Frame-Options" not in confirmation.headers

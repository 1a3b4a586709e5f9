"""Who may open which privacy page: the matrix of roles and pages, with the refusals."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from relais.privacy.models import DataRightsRequest, IncidentReport
from tests.accounts.factories import UserFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "person", "dpo", "security", "auditor", "staff")


@pytest.fixture
def clients(dpo, security_member, auditor):
    staff = UserFactory(is_staff=True)
    return {
        "anonymous": Client(),
        "person": logged_in(UserFactory()),
        "dpo": logged_in(dpo),
        "security": logged_in(security_member),
        "auditor": logged_in(auditor),
        "staff": logged_in(staff),
    }


@pytest.fixture
def objects():
    rights_request = DataRightsRequest.objects.create(
        reference="DR-1", right="access", service="plateforme", name="X", email="x@exemple.fr", details="."
    )
    incident = IncidentReport.objects.create(reference="INC-1", kind="other", description=".")
    return {"request": rights_request.public_id, "incident": incident.public_id}


LOGIN = 302
PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 200)}
DPO_ONLY = {"anonymous": LOGIN, "person": 403, "dpo": 200, "security": 403, "auditor": 403, "staff": 403}
SECURITY_ONLY = {"anonymous": LOGIN, "person": 403, "dpo": 403, "security": 200, "auditor": 403, "staff": 403}
AUDITORS = {"anonymous": LOGIN, "person": 403, "dpo": 403, "security": 403, "auditor": 200, "staff": 403}
REGISTER = {"anonymous": LOGIN, "person": 403, "dpo": 200, "security": 403, "auditor": 200, "staff": 200}

MATRIX = [
    ("/donnees-personnelles/", PUBLIC),
    ("/donnees-personnelles/conseillers-entreprises/", PUBLIC),
    ("/donnees-personnelles/cookies/", PUBLIC),
    ("/donnees-personnelles/exercer-mes-droits/", PUBLIC),
    ("/donnees-personnelles/mes-donnees/", SIGNED_IN),
    ("/donnees-personnelles/mes-donnees/copie/json/", SIGNED_IN),
    ("/donnees-personnelles/demandes/", DPO_ONLY),
    ("/donnees-personnelles/demandes/{request}/", DPO_ONLY),
    ("/donnees-personnelles/journal/", AUDITORS),
    ("/donnees-personnelles/journal/export.csv", AUDITORS),
    ("/donnees-personnelles/registre/", REGISTER),
    ("/donnees-personnelles/registre/export.csv", REGISTER),
    ("/incidents/signaler/", SIGNED_IN),
    ("/incidents/", SECURITY_ONLY),
    ("/incidents/{incident}/", SECURITY_ONLY),
]


@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[url for url, _ in MATRIX])
def test_permission_matrix(clients, objects, url, expected):
    url = url.format(**objects)
    for role, status in expected.items():
        assert clients[role].get(url).status_code == status, f"{role} sur {url}"


@pytest.mark.parametrize(
    "url",
    [
        "/donnees-personnelles/demandes/{request}/verifier/",
        "/donnees-personnelles/demandes/{request}/effacer/",
        "/donnees-personnelles/demandes/{request}/repondre/",
        "/donnees-personnelles/demandes/{request}/justificatif/",
    ],
)
def test_dpo_actions_are_refused_to_others(clients, objects, url):
    url = url.format(**objects)
    for role in ("person", "security", "auditor", "staff"):
        assert clients[role].post(url).status_code == 403, role
    assert DataRightsRequest.objects.get().status == "received"


def test_unknown_objects_are_404_for_their_team(clients):
    missing = "00000000-0000-4000-8000-000000000000"
    assert clients["dpo"].get(f"/donnees-personnelles/demandes/{missing}/").status_code == 404
    assert clients["security"].get(f"/incidents/{missing}/").status_code == 404
    assert clients["anonymous"].get("/donnees-personnelles/copie/pas-un-jeton/").status_code == 404


def test_the_audit_log_needs_the_permission_and_staff():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    assert logged_in(user).get("/donnees-personnelles/journal/").status_code == 403


@pytest.mark.parametrize("role", ["dpo", "security_member"])
def test_the_dpo_and_the_security_team_need_a_second_factor(client, role, request):
    """They read other people's data: without a second factor their session is sent to set one up first."""
    client.force_login(request.getfixturevalue(role))
    response = client.get("/donnees-personnelles/demandes/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/double-authentification/")

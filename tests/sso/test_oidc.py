import base64
import hashlib
import json
import secrets
from io import StringIO
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.management import call_command
from jwcrypto import jwk, jwt
from oauth2_provider.models import get_application_model

from relais.legal.services import publish_terms_version
from relais.organizations.models import AccessRight, DigitalService, Membership, Organization, ServiceRight
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

Application = get_application_model()
REDIRECT_URI = "https://ceres.exemple.gouv.fr/oidc/callback"
SECRET = "secret-du-service-ceres-0123456789"
SCOPES = "openid profile email organizations"


@pytest.fixture
def application():
    return Application.objects.create(
        name="Certification Emploi (CERES)",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        algorithm=Application.RS256_ALGORITHM,
        client_secret=SECRET,
    )


@pytest.fixture
def person():
    user = UserFactory(first_name="Camille", last_name="Martin")
    service = DigitalService.objects.create(slug="ceres", name="Certification Emploi", acronym="CERES")
    right = ServiceRight.objects.create(service=service, code="depot", label="Dépôt des dossiers")
    organization = Organization.objects.create(siren="130025265", name="DINUM")
    access = AccessRight.objects.create(
        membership=Membership.objects.create(user=user, organization=organization),
        service=service,
        is_access_manager=False,
    )
    access.rights.add(right)
    return user


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(application, challenge=None) -> dict:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPES,
        "state": "etat-123",
        "nonce": "nonce-456",
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params


def obtain_code(client, application, challenge) -> str:
    params = authorize_params(application, challenge)
    consent = client.get(f"/oidc/authorize/?{urlencode(params)}")
    assert consent.status_code == 200
    content = consent.content.decode()
    assert "Se connecter à Certification Emploi (CERES)" in content
    assert "vos organisations, vos habilitations et vos rôles de responsable des accès" in content
    # The consent form's redirect back to the service is allowed by the page's CSP.
    assert "form-action 'self' https://ceres.exemple.gouv.fr" in consent["Content-Security-Policy"]

    answer = client.post(f"/oidc/authorize/?{urlencode(params)}", {**params, "allow": "Autoriser"})
    assert answer.status_code == 302
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["etat-123"]
    return query["code"][0]


def test_a_service_signs_a_person_in_with_the_authorisation_code_and_pkce(client, application, person):
    client.force_login(person)
    verifier, challenge = pkce_pair()
    code = obtain_code(client, application, challenge)

    client.logout()  # the token endpoint is called by the service's server, without the person's session
    token = client.post(
        "/oidc/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": application.client_id,
            "client_secret": SECRET,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.content
    tokens = token.json()

    discovery = client.get("/oidc/.well-known/openid-configuration").json()
    assert discovery["issuer"] == "http://127.0.0.1:8000/oidc"
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert "organizations" in discovery["scopes_supported"]
    assert "organizations" in discovery["claims_supported"]
    assert discovery["id_token_signing_alg_values_supported"][0] == "RS256"

    jwks = jwk.JWKSet.from_json(client.get(urlsplit(discovery["jwks_uri"]).path).content)
    id_token = jwt.JWT(jwt=tokens["id_token"], key=jwks, algs=["RS256"])
    claims = json.loads(id_token.claims)
    assert claims["iss"] == "http://127.0.0.1:8000/oidc"
    assert claims["aud"] == application.client_id
    assert claims["nonce"] == "nonce-456"
    assert claims["sub"] == str(person.public_id)
    assert claims["email"] == person.email
    assert claims["given_name"] == "Camille"
    assert claims["family_name"] == "Martin"
    expected_organizations = [
        {
            "siren": "130025265",
            "name": "DINUM",
            "role": "member",
            "services": {"ceres": {"rights": ["depot"], "access_manager": False}},
        }
    ]
    assert claims["organizations"] == expected_organizations

    userinfo = client.get("/oidc/userinfo/", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo.status_code == 200
    assert userinfo.json()["organizations"] == expected_organizations
    assert userinfo.json()["sub"] == str(person.public_id)


def test_the_claims_follow_the_granted_scopes(client, application, person):
    client.force_login(person)
    verifier, challenge = pkce_pair()
    params = authorize_params(application, challenge) | {"scope": "openid email"}
    answer = client.post(f"/oidc/authorize/?{urlencode(params)}", {**params, "allow": "Autoriser"})
    code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
    tokens = client.post(
        "/oidc/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": application.client_id,
            "client_secret": SECRET,
            "code_verifier": verifier,
        },
    ).json()
    userinfo = client.get("/oidc/userinfo/", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo["email"] == person.email
    assert "organizations" not in userinfo
    assert "family_name" not in userinfo


def test_pkce_is_required(client, application, person):
    client.force_login(person)
    without_challenge = client.get(f"/oidc/authorize/?{urlencode(authorize_params(application))}")
    assert without_challenge.status_code == 302
    assert "error=invalid_request" in without_challenge["Location"]

    verifier, challenge = pkce_pair()
    code = obtain_code(client, application, challenge)
    payload = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": application.client_id,
        "client_secret": SECRET,
    }
    without_verifier = client.post("/oidc/token/", payload)
    assert without_verifier.status_code == 400
    assert "id_token" not in without_verifier.json()
    wrong_verifier = client.post("/oidc/token/", payload | {"code_verifier": pkce_pair()[0]})
    assert wrong_verifier.status_code == 400


def test_refusing_sends_the_person_back_with_access_denied(client, application, person):
    client.force_login(person)
    params = authorize_params(application, pkce_pair()[1])
    answer = client.post(f"/oidc/authorize/?{urlencode(params)}", params)
    assert answer.status_code == 302
    assert answer["Location"].startswith(REDIRECT_URI)
    assert "error=access_denied" in answer["Location"]


def test_an_unknown_client_gets_a_french_error_page(client, person):
    client.force_login(person)
    response = client.get("/oidc/authorize/?response_type=code&client_id=inconnu&redirect_uri=https://x.example/")
    assert response.status_code == 400
    assert "La demande de connexion du service n'est pas valide." in response.content.decode()


def test_anonymous_people_log_in_first(client, application):
    response = client.get(f"/oidc/authorize/?{urlencode(authorize_params(application, pkce_pair()[1]))}")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=/oidc/authorize/")


def test_the_portal_terms_come_before_entering_a_service(client, application, person):
    publish_terms_version(scope="portail", version="1", body="Texte", notify=False)
    client.force_login(person)
    response = client.get(f"/oidc/authorize/?{urlencode(authorize_params(application, pkce_pair()[1]))}")
    assert response.status_code == 302
    assert response["Location"].startswith("/cgu/accepter/?next=%2Foidc%2Fauthorize%2F")


def test_create_oidc_client_prints_the_credentials(client):
    out = StringIO()
    call_command("create_oidc_client", "--name", "SOFFi", "--redirect-uri", REDIRECT_URI, stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    application = Application.objects.get(name="SOFFi")
    assert application.client_id == lines["client_id"]
    assert application.algorithm == Application.RS256_ALGORITHM
    # Stored hashed: only the printout shows it.
    assert application.client_secret != lines["client_secret"]
    assert (
        client.post(
            "/oidc/token/",
            {
                "grant_type": "authorization_code",
                "code": "x",
                "redirect_uri": REDIRECT_URI,
                "client_id": lines["client_id"],
                "client_secret": lines["client_secret"],
                "code_verifier": "y" * 43,
            },
        ).json()["error"]
        == "invalid_grant"
    )

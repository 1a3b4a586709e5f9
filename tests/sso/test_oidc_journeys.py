"""The OpenID Connect provider played as a relying party would: silent login, second factor on demand, logout
(RP-initiated and back-channel), revocation when an account is deactivated, suspended, deleted or its password
changed, consent withdrawal, code replay, introspection, secret rotation, discovery."""

from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts import services as accounts
from relais.companies.demo import load_demo as load_demo_companies
from relais.legal.services import publish_terms_version
from relais.organizations.models import DigitalService, Membership, Organization
from relais.sso import backchannel
from relais.sso.enums import Acr
from relais.sso.models import BackchannelLogout, Consent
from tests.accounts.factories import PASSWORD, UserFactory
from tests.sso.relying_party import ISSUER, BackchannelReceiver, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory(first_name="Camille", last_name="Martin")


@pytest.fixture
def browser(person):
    browser = Client()
    browser.force_login(person)
    return browser


@pytest.fixture
def ceres():
    return make_service(backchannel=True)


@pytest.fixture
def receiver(settings, monkeypatch):
    settings.SSO_BACKCHANNEL_LOGOUT_BACKEND = "http"
    receiver = BackchannelReceiver()
    monkeypatch.setattr(backchannel, "transport", httpx.MockTransport(receiver))
    return receiver


def test_discovery_lists_only_what_is_offered(client):
    discovery = client.get("/oidc/.well-known/openid-configuration").json()
    assert discovery["id_token_signing_alg_values_supported"] == ["RS256"]
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["prompt_values_supported"] == ["none", "consent"]
    assert discovery["acr_values_supported"] == [Acr.PASSWORD, Acr.MFA]
    assert {"acr", "amr", "auth_time", "sid", "organizations", "establishments"} <= set(discovery["claims_supported"])
    assert discovery["end_session_endpoint"] == f"{ISSUER}/logout/"
    assert discovery["revocation_endpoint"] == f"{ISSUER}/revoke_token/"
    assert discovery["introspection_endpoint"] == f"{ISSUER}/introspect/"
    assert discovery["backchannel_logout_supported"] is True
    assert discovery["backchannel_logout_session_supported"] is True
    assert discovery["request_uri_parameter_supported"] is False
    assert discovery["authorization_response_iss_parameter_supported"] is True
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        path = urlsplit(discovery[endpoint]).path
        assert client.options(path).status_code != 404, endpoint


def test_a_consent_is_remembered_and_the_next_sign_in_skips_the_page(browser, ceres, person):
    first = browser.get(ceres.authorization_url())
    assert first.status_code == 200
    tokens = ceres.tokens(browser)
    claims = ceres.id_claims(tokens["id_token"])
    assert claims["sub"] == str(person.public_id)
    assert claims["acr"] == Acr.PASSWORD
    assert claims["amr"] == ["pwd"]
    assert claims["sid"]

    again = browser.get(ceres.authorization_url())
    assert "code" in ceres.answer(again)
    # A wider scope than the one consented to is asked again.
    wider = browser.get(ceres.authorization_url(scope="openid profile email organizations"))
    assert wider.status_code == 302
    assert browser.get(ceres.authorization_url(prompt="consent")).status_code == 200


def test_prompt_none_answers_login_required_or_consent_required_to_the_service(client, browser, ceres):
    anonymous = ceres.answer(client.get(ceres.authorization_url(prompt="none")))
    assert anonymous["error"] == "login_required"
    assert "code" not in anonymous

    no_consent = ceres.answer(browser.get(ceres.authorization_url(prompt="none")))
    assert no_consent["error"] == "consent_required"

    ceres.sign_in(browser)
    silent = ceres.answer(browser.get(ceres.authorization_url(prompt="none")))
    assert "error" not in silent
    response = ceres.exchange(silent["code"])
    assert response.status_code == 200
    assert ceres.id_claims(response.json()["id_token"])["acr"] == Acr.PASSWORD


def test_prompt_none_with_terms_to_accept_answers_interaction_required(browser, ceres):
    ceres.sign_in(browser)
    publish_terms_version(scope="portail", version="2", body="Nouveau texte", notify=False)
    answer = ceres.answer(browser.get(ceres.authorization_url(prompt="none")))
    assert answer["error"] == "interaction_required"
    interactive = browser.get(ceres.authorization_url())
    assert interactive["Location"].startswith("/cgu/accepter/?next=%2Foidc%2Fauthorize%2F")


def test_a_unregistered_redirect_uri_never_receives_the_silent_answer(client, ceres):
    url = ceres.authorization_url(prompt="none", redirect_uri="https://attaquant.example/callback")
    response = client.get(url)
    assert response.status_code == 400
    assert "attaquant" not in response.get("Location", "")


def test_acr_values_requiring_the_second_factor_ask_for_the_code(browser, ceres, person):
    device = TOTPDevice.objects.create(user=person, name="Téléphone", confirmed=True)
    url = ceres.authorization_url(acr_values=Acr.MFA)
    response = browser.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/compte/connexion/code/?{urlencode({'next': url})}"

    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    verified = browser.post(response["Location"], {"token": code})
    assert verified["Location"] == url

    consent = browser.get(url)
    form = consent.context["form"]
    answer = ceres.answer(browser.post(url, {**{k: v for k, v in form.initial.items() if v}, "allow": "Autoriser"}))
    claims = ceres.id_claims(ceres.exchange(answer["code"]).json()["id_token"])
    assert claims["acr"] == Acr.MFA
    assert claims["amr"] == ["pwd", "otp", "mfa"]


def test_the_consent_form_posted_directly_cannot_skip_the_second_factor_or_the_terms(browser, ceres, person):
    TOTPDevice.objects.create(user=person, name="Téléphone", confirmed=True)
    url = ceres.authorization_url(acr_values=Acr.MFA)
    forged = browser.post(url, {"client_id": ceres.client_id, "redirect_uri": ceres.redirect_uri, "allow": "Autoriser"})
    assert forged["Location"].startswith("/compte/connexion/code/")
    publish_terms_version(scope="portail", version="3", body="Texte", notify=False)
    forged = browser.post(ceres.authorization_url(), {"client_id": ceres.client_id, "allow": "Autoriser"})
    assert forged["Location"].startswith("/cgu/accepter/")


def test_acr_values_for_a_person_without_second_factor_lead_to_its_enrolment(browser, ceres):
    url = ceres.authorization_url(acr_values=Acr.MFA)
    response = browser.get(url)
    assert response["Location"] == f"/compte/double-authentification/?{urlencode({'next': url})}"
    silent = ceres.answer(browser.get(ceres.authorization_url(acr_values=Acr.MFA, prompt="none")))
    assert silent["error"] == "login_required"


def test_a_replayed_code_is_refused_and_revokes_the_tokens_issued_from_it(browser, ceres):
    code = ceres.sign_in(browser)["code"]
    first = ceres.exchange(code)
    assert first.status_code == 200
    tokens = first.json()
    assert ceres.userinfo(tokens["access_token"]).status_code == 200

    replay = ceres.exchange(code)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert ceres.userinfo(tokens["access_token"]).status_code == 401
    assert ceres.refresh(tokens["refresh_token"]).status_code == 400


def test_userinfo_refuses_a_token_in_the_query_string(browser, ceres):
    tokens = ceres.tokens(browser)
    response = ceres.server.get(f"/oidc/userinfo/?access_token={tokens['access_token']}")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert ceres.userinfo(tokens["access_token"]).json()["sub"]


def test_introspection_tells_a_service_about_its_own_tokens_only(browser, ceres, person):
    tokens = ceres.tokens(browser)
    mine = ceres.introspect(tokens["access_token"]).json()
    assert mine["active"] is True
    assert mine["sub"] == str(person.public_id)
    assert mine["client_id"] == ceres.client_id
    assert "username" not in mine

    other = make_service(name="SOFFi", host="soffi.exemple.gouv.fr", secret="secret-soffi-0123456789")
    assert other.introspect(tokens["access_token"]).json() == {"active": False}
    assert ceres.server.get(f"/oidc/introspect/?token={tokens['access_token']}").status_code in (401, 403, 405)

    ceres.revoke(tokens["access_token"])
    assert ceres.introspect(tokens["access_token"]).json() == {"active": False}


def test_the_id_token_names_the_establishments_of_the_persons_organisations(browser, ceres, person):
    load_demo_companies()
    organization = Organization.objects.create(siren="842159378", name="Soierie")
    Membership.objects.create(user=person, organization=organization)
    claims = ceres.id_claims(ceres.tokens(browser)["id_token"])
    assert claims["establishments"]
    assert {establishment["siren"] for establishment in claims["establishments"]} == {"842159378"}
    assert all(len(establishment["siret"]) == 14 for establishment in claims["establishments"])
    assert claims["organizations"][0]["siren"] == "842159378"


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(
            lambda user: accounts.deactivate_users(users=type(user).objects.filter(pk=user.pk), reason="x"),
            id="deactivation",
        ),
        pytest.param(
            lambda user: accounts.suspend_account(user=user, actor=None, reason="Usage frauduleux"), id="suspension"
        ),
        pytest.param(lambda user: (user.set_password("Un-autre-mot-de-passe-42"), user.save()), id="password"),
        pytest.param(lambda user: accounts.report_compromised_password(user=user, ip="192.0.2.1"), id="compromised"),
        pytest.param(lambda user: accounts.delete_account(user=user), id="deletion"),
    ],
)
def test_an_account_that_loses_its_access_loses_its_tokens_and_sessions_at_once(
    browser, ceres, person, receiver, django_capture_on_commit_callbacks, revoke
):
    tokens = ceres.tokens(browser)
    sid = ceres.id_claims(tokens["id_token"])["sid"]
    with django_capture_on_commit_callbacks(execute=True):
        revoke(person)
    assert ceres.userinfo(tokens["access_token"]).status_code == 401
    assert ceres.refresh(tokens["refresh_token"]).status_code == 400
    assert ceres.introspect(tokens["access_token"]).json() == {"active": False}
    [logout_token] = receiver.tokens_for(ceres)
    claims = ceres.logout_claims(logout_token)
    assert claims["sub"] == str(person.public_id)
    assert claims["sid"] == sid
    assert browser.get("/compte/").status_code == 302


def test_logging_out_of_relais_tells_the_services_of_that_session(
    browser, ceres, person, receiver, django_capture_on_commit_callbacks
):
    tokens = ceres.tokens(browser)
    silent_elsewhere = make_service(name="MAF", host="maf.exemple.gouv.fr", secret="secret-maf-0123456789")
    silent_elsewhere.tokens(browser)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/compte/deconnexion/")
    [logout_token] = receiver.received and receiver.tokens_for(ceres)
    claims = ceres.logout_claims(logout_token)
    assert claims["sid"] == ceres.id_claims(tokens["id_token"])["sid"]
    # MAF registered no back-channel address: nothing is posted to it, nothing waits for it.
    assert BackchannelLogout.objects.count() == 1


def test_rp_initiated_logout_ends_the_session_and_returns_to_the_registered_address(
    browser, ceres, receiver, django_capture_on_commit_callbacks
):
    tokens = ceres.tokens(browser)
    params = {
        "id_token_hint": tokens["id_token"],
        "post_logout_redirect_uri": "https://ceres.exemple.gouv.fr/au-revoir",
        "state": "fin",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.get(f"/oidc/logout/?{urlencode(params)}")
    assert response.status_code == 302
    assert response["Location"] == "https://ceres.exemple.gouv.fr/au-revoir?state=fin"
    assert browser.get("/compte/").status_code == 302
    assert ceres.userinfo(tokens["access_token"]).status_code == 401
    assert len(receiver.tokens_for(ceres)) == 1

    unregistered = Client().get(
        f"/oidc/logout/?{urlencode({**params, 'post_logout_redirect_uri': 'https://attaquant.example/'})}"
    )
    assert unregistered.status_code == 400
    assert "La demande de déconnexion du service n'est pas valide." in unregistered.content.decode()


def test_logout_without_a_hint_asks_the_person_first(browser, ceres):
    ceres.tokens(browser)
    page = browser.get("/oidc/logout/")
    assert page.status_code == 200
    assert "Se déconnecter de Relais" in page.content.decode()
    assert browser.get("/compte/").status_code == 200
    browser.post("/oidc/logout/", {"allow": "on"})
    assert browser.get("/compte/").status_code == 302


def test_a_backchannel_logout_that_fails_is_retried_then_abandoned(
    browser, ceres, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SSO_BACKCHANNEL_LOGOUT_BACKEND = "http"
    answers = []

    def unavailable(request):
        answers.append(request.url)
        return httpx.Response(503)

    monkeypatch.setattr(backchannel, "transport", httpx.MockTransport(unavailable))
    ceres.tokens(browser)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/compte/deconnexion/")
    notice = BackchannelLogout.objects.get()
    assert (notice.status, notice.attempts, notice.last_error) == ("pending", 1, "HTTP 503")
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        for _ in range(backchannel.MAX_ATTEMPTS):
            call_command("send_backchannel_logouts", stdout=StringIO())
            BackchannelLogout.objects.update(next_attempt_at=timezone.now())
    notice.refresh_from_db()
    assert notice.status == "failed"
    assert len(answers) == backchannel.MAX_ATTEMPTS


def test_withdrawing_consent_from_connected_services_revokes_the_service(
    browser, ceres, person, receiver, django_capture_on_commit_callbacks
):
    tokens = ceres.tokens(browser)
    page = browser.get("/compte/services-connectes/")
    content = page.content.decode()
    assert "Certification Emploi (CERES)" in content
    assert "vos organisations, vos habilitations" in content

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/compte/services-connectes/{ceres.client_id}/retirer/")
    assert response["Location"] == "/compte/services-connectes/"
    assert not Consent.objects.filter(user=person).exists()
    assert ceres.userinfo(tokens["access_token"]).status_code == 401
    assert ceres.refresh(tokens["refresh_token"]).status_code == 400
    assert len(receiver.tokens_for(ceres)) == 1
    assert browser.get(ceres.authorization_url()).status_code == 200  # the consent page again
    assert ceres.answer(browser.get(ceres.authorization_url(prompt="none")))["error"] == "consent_required"


def test_nobody_withdraws_the_consent_of_someone_else(browser, ceres, person):
    ceres.tokens(browser)
    intruder = Client()
    intruder.force_login(UserFactory())
    assert intruder.post(f"/compte/services-connectes/{ceres.client_id}/retirer/").status_code == 404
    assert Consent.objects.filter(user=person).exists()


def test_the_catalogue_services_own_terms_are_accepted_before_entering_it(browser, person):
    service = DigitalService.objects.create(slug="ceres", name="Certification Emploi", acronym="CERES")
    ceres = make_service(digital_service=service)
    publish_terms_version(scope="ceres", version="1", body="Conditions propres à CERES", notify=False)
    url = ceres.authorization_url()
    response = browser.get(url)
    assert response.status_code == 302
    accept_url = response["Location"]
    assert accept_url.startswith("/cgu/accepter/")
    page = browser.get(accept_url)
    assert "Conditions propres à CERES" in page.content.decode()
    form = page.context["form"]
    browser.post(accept_url, {"versions": form.initial["versions"], "accepted": "on", "next": url})
    assert browser.get(url).status_code == 200  # now the consent page


def test_a_rotated_secret_overlaps_with_the_previous_one_for_a_while(browser, ceres):
    out = StringIO()
    call_command("rotate_oidc_client_secret", "--client-id", ceres.client_id, "--overlap-hours", "2", stdout=out)
    new_secret = out.getvalue().splitlines()[0].split("=", 1)[1]
    assert ceres.exchange(ceres.sign_in(browser)["code"]).status_code == 200
    assert ceres.exchange(ceres.sign_in(browser)["code"], secret=new_secret).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        code = ceres.sign_in(browser)["code"]
        assert ceres.exchange(code).status_code == 401
        assert ceres.exchange(code, secret=new_secret).status_code == 200


def test_a_refresh_token_keeps_working_and_gives_no_second_id_token(browser, ceres):
    tokens = ceres.tokens(browser)
    refreshed = ceres.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200
    assert "id_token" not in refreshed.json()
    assert ceres.userinfo(refreshed.json()["access_token"]).status_code == 200


def test_sign_in_by_password_then_code_as_a_service_would_see_it(ceres):
    person = UserFactory()
    device = TOTPDevice.objects.create(user=person, name="Téléphone", confirmed=True)
    browser = Client()
    url = ceres.authorization_url(acr_values=Acr.MFA)
    login = browser.get(url)
    assert login["Location"].startswith("/compte/connexion/?next=")
    next_url = parse_qs(urlsplit(login["Location"]).query)["next"][0]
    step = browser.post("/compte/connexion/", {"username": person.email, "password": PASSWORD, "next": next_url})
    assert step["Location"] == "/compte/connexion/code/"
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert browser.post("/compte/connexion/code/", {"token": code})["Location"] == url
    assert browser.get(url).status_code == 200

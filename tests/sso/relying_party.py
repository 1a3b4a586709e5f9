"""A relying party as a catalogue service would be: it sends the person's browser to /oidc/authorize/, exchanges the
code from its server, calls userinfo, introspects, refreshes, revokes, and receives back-channel logout tokens.

The browser is a Django test client (with the person's session); the service's server calls go through another
client without any session, as they would.
"""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from django.test import Client
from jwcrypto import jwk, jwt
from oauth2_provider.models import get_application_model

from relais.sso.models import ClientProfile

Application = get_application_model()
ISSUER = "http://127.0.0.1:8000/oidc"
SCOPES = "openid profile email organizations"


def make_service(
    *,
    name: str = "Certification Emploi (CERES)",
    host: str = "ceres.exemple.gouv.fr",
    secret: str = "secret-du-service-ceres-0123456789",
    backchannel: bool = False,
    digital_service=None,
) -> "RelyingParty":
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"https://{host}/oidc/callback",
        post_logout_redirect_uris=f"https://{host}/au-revoir",
        algorithm=Application.RS256_ALGORITHM,
        client_secret=secret,
    )
    ClientProfile.objects.create(
        application=application,
        backchannel_logout_uri=f"https://{host}/oidc/backchannel" if backchannel else "",
        digital_service=digital_service,
    )
    return RelyingParty(application=application, secret=secret, redirect_uri=f"https://{host}/oidc/callback")


@dataclass
class RelyingParty:
    application: object
    secret: str
    redirect_uri: str
    server: Client = field(default_factory=Client)
    verifier: str = ""
    state: str = ""
    nonce: str = ""

    @property
    def client_id(self) -> str:
        return self.application.client_id

    # Browser side ------------------------------------------------------------------------------------------------

    def authorization_url(self, *, scope: str = SCOPES, **extra) -> str:
        self.verifier = secrets.token_urlsafe(48)
        self.state = secrets.token_urlsafe(8)
        self.nonce = secrets.token_urlsafe(8)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **extra,
        }
        return f"/oidc/authorize/?{urlencode(params)}"

    def answer(self, response) -> dict:
        """The parameters the service receives on its redirect URI (asserting that it is one)."""
        assert response.status_code == 302, response.content[:500]
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == self.redirect_uri, response["Location"]
        query = {key: values[0] for key, values in parse_qs(location.query).items()}
        assert query.get("state") == self.state
        assert query.get("iss") == ISSUER
        return query

    def sign_in(self, browser, *, consent: bool = True, **extra) -> dict:
        """The whole browser part: authorize, consent if asked; returns the code answer."""
        url = self.authorization_url(**extra)
        response = browser.get(url)
        if response.status_code == 200 and consent:
            form = response.context["form"]
            data = {name: value for name, value in form.initial.items() if value is not None}
            response = browser.post(url, {**data, "allow": "Autoriser"})
        return self.answer(response)

    # Server side -------------------------------------------------------------------------------------------------

    def _auth(self, secret: str | None = None) -> dict:
        raw = f"{self.client_id}:{secret or self.secret}".encode()
        return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}

    def exchange(self, code: str, *, secret: str | None = None):
        return self.server.post(
            "/oidc/token/",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": self.verifier,
            },
            **self._auth(secret),
        )

    def tokens(self, browser, **extra) -> dict:
        response = self.exchange(self.sign_in(browser, **extra)["code"])
        assert response.status_code == 200, response.content
        return response.json()

    def refresh(self, refresh_token: str):
        return self.server.post(
            "/oidc/token/", {"grant_type": "refresh_token", "refresh_token": refresh_token}, **self._auth()
        )

    def userinfo(self, access_token: str):
        return self.server.get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}")

    def introspect(self, token: str):
        return self.server.post("/oidc/introspect/", {"token": token}, **self._auth())

    def revoke(self, token: str):
        return self.server.post("/oidc/revoke_token/", {"token": token}, **self._auth())

    def id_claims(self, id_token: str) -> dict:
        keys = jwk.JWKSet.from_json(self.server.get("/oidc/.well-known/jwks.json").content)
        claims = json.loads(jwt.JWT(jwt=id_token, key=keys, algs=["RS256"]).claims)
        assert claims["iss"] == ISSUER
        assert claims["aud"] == self.client_id
        assert claims["nonce"] == self.nonce
        return claims

    def logout_claims(self, logout_token: str) -> dict:
        keys = jwk.JWKSet.from_json(self.server.get("/oidc/.well-known/jwks.json").content)
        token = jwt.JWT(jwt=logout_token, key=keys, algs=["RS256"])
        assert json.loads(token.header)["typ"] == "logout+jwt"
        claims = json.loads(token.claims)
        assert claims["iss"] == ISSUER
        assert claims["aud"] == self.client_id
        assert "http://schemas.openid.net/event/backchannel-logout" in claims["events"]
        assert "nonce" not in claims
        return claims


class BackchannelReceiver:
    """The services' back-channel endpoints: records every logout token posted, answers 200."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = parse_qs(request.content.decode())
        self.received.append((str(request.url), body["logout_token"][0]))
        return httpx.Response(200)

    def tokens_for(self, service: RelyingParty) -> list[str]:
        return [token for url, token in self.received if url.startswith(service.redirect_uri.rsplit("/oidc/", 1)[0])]

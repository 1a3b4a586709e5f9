"""Notices, register and cookies page: generated from the registry, so that the pages say what the code does."""

import csv
import dataclasses
import io

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from relais.privacy.registry import Duration, registry
from tests.accounts.factories import UserFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db

SERVICES = ("conseillers-entreprises", "portail", "francenum", "conseiller-numerique")
HEADINGS = (
    "Responsable de traitement",
    "Délégué à la protection des données",
    "Finalités",
    "Bases légales",
    "Destinataires",
    "Sous-traitants",
    "Durées de conservation",
    "Vos droits",
)


@pytest.mark.parametrize("slug", SERVICES)
def test_each_service_has_its_notice(client, slug):
    response = client.get(f"/donnees-personnelles/{slug}/")
    content = response.content.decode()
    assert response.status_code == 200
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in content
    assert "Journaux de connexion et de sécurité" in content, "the platform rules are in every notice"


def test_the_notice_of_conseillers_entreprises_shows_the_periods_of_the_seeds(client):
    content = client.get("/donnees-personnelles/conseillers-entreprises/").content.decode()
    assert "3 ans après la dernière utilisation du service par l’entreprise" in content
    assert "2 ans après la dernière connexion au compte" in content
    assert "avec un avertissement par courriel 30 jours avant" in content
    assert "12 mois après l’événement" in content
    assert "CGU Place des Entreprises" in content
    assert "Lettre d’information de Conseillers-Entreprises" in content


def test_a_rule_change_changes_the_notice_and_the_register(client, monkeypatch, auditor):
    rule = registry.rules["ce-entreprises"]
    assert (
        "5 ans après la dernière" not in client.get("/donnees-personnelles/conseillers-entreprises/").content.decode()
    )
    monkeypatch.setitem(registry.rules, rule.name, dataclasses.replace(rule, duration=Duration(years=5)))
    content = client.get("/donnees-personnelles/conseillers-entreprises/").content.decode()
    assert "5 ans après la dernière utilisation du service par l’entreprise" in content
    assert "3 ans après la dernière utilisation du service par l’entreprise" not in content
    register = logged_in(auditor).get("/donnees-personnelles/registre/").content.decode()
    assert "5 ans après la dernière utilisation du service par l’entreprise" in register


def test_unknown_service_is_a_404(client):
    assert client.get("/donnees-personnelles/inconnu/").status_code == 404


def test_the_register_is_for_administrators_and_the_dpo_and_exports_as_csv(client, auditor, dpo):
    assert client.get("/donnees-personnelles/registre/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/donnees-personnelles/registre/").status_code == 403
    response = logged_in(dpo).get("/donnees-personnelles/registre/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Traitement" and len(rows) == 5
    assert any("3 ans après la dernière utilisation" in cell for cell in rows[1])


def test_the_old_page_address_leads_to_the_notices(client):
    content = client.get("/donnees-personnelles/").content.decode()
    for slug in SERVICES:
        assert f'href="/donnees-personnelles/{slug}/"' in content
    assert 'href="/donnees-personnelles/exercer-mes-droits/"' in content


def _public_urls(resolver=None, prefix=""):
    """Every URL without parameters whose view opts out of the login (the public pages)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _public_urls(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and "<" not in route and not route.startswith("^"):
            view = pattern.callback
            if getattr(view, "login_required", True) is False and "admin" not in prefix:
                yield "/" + prefix + route


def test_an_anonymous_visit_of_the_public_pages_sets_only_strictly_necessary_cookies(client):
    from relais.privacy.cookies import strictly_necessary_cookies

    allowed = {cookie.name for cookie in strictly_necessary_cookies()}
    # The public form of a company (a page with a slug) and the public pages without parameters.
    urls = sorted(set(_public_urls()) | {"/aide-entreprise/accueil/"})
    assert {"/donnees-personnelles/cookies/", "/stats/", "/compte/connexion/"} <= set(urls)
    set_cookies = set()
    for url in urls:
        response = client.get(url)
        set_cookies |= set(response.cookies)
    assert set_cookies <= allowed, f"cookies non nécessaires : {set_cookies - allowed}"
    page = client.get("/donnees-personnelles/cookies/").content.decode()
    for name in allowed:
        assert f"<code>{name}</code>" in page
    assert settings.SESSION_COOKIE_NAME in allowed

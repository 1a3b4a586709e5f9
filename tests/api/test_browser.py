"""In a real browser: a partner's administrator creates a key (DSFR page, no axe-core violation), the API
documentation works under our CSP from our own static files, and a partner's page frames a landing whose height
follows its content through integration.js."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from relais.conseillers_entreprises.models import Landing
from tests.accounts.factories import UserFactory
from tests.browser import (  # noqa: F401 (fixtures)
    allow_orm_under_playwright,
    axe_source,
    browser,
    format_violations,
)

pytestmark = pytest.mark.browser


def _watch(page) -> dict:
    problems = {"console": [], "failed": [], "bad": []}
    page.on("console", lambda message: message.type == "error" and problems["console"].append(message.text))
    page.on("requestfailed", lambda request: problems["failed"].append(f"{request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and problems["bad"].append(response.url))
    return problems


def test_administrator_creates_a_key(transactional_db, live_server, browser, axe_source, partner, landing):  # noqa: F811
    user = UserFactory(email="dsi@urssaf.fr")
    partner.administrators.add(user)
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fr-FR")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    problems = _watch(page)
    try:
        page.goto(f"{live_server.url}/partenaires/", wait_until="load")
        assert page.locator("h1").inner_text() == "Clés d’API de Mon entreprise (URSSAF)"
        page.get_by_label("Nom de la clé").fill("Site de production")
        # DSFR draws the checkbox on its label, which takes the click.
        page.locator("label[for=id_scopes_0]").click()
        page.get_by_role("button", name="Créer la clé").click()
        page.wait_for_load_state("load")
        secret = page.locator("[data-api-secret]").inner_text()
        assert secret.startswith("rls_")
        assert page.get_by_role("cell", name="Site de production").is_visible()
        page.evaluate(axe_source)
        violations = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert not violations, "axe-core :\n" + format_violations(violations)
        answer = page.request.get(f"{live_server.url}/api/v1/landings", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status == 200 and answer.json()["count"] == 1
        assert not any(problems.values()), problems
    finally:
        context.close()


def test_api_documentation_under_our_csp(transactional_db, live_server, browser):  # noqa: F811
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    problems = _watch(page)
    try:
        response = page.goto(f"{live_server.url}/api/v1/docs", wait_until="networkidle")
        assert response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/v1/solicitations" in paths
        assert page.get_by_text("Déposer une demande").first.is_visible()
        scripts = page.evaluate("() => [...document.scripts].map(script => script.src)")
        assert all(src.startswith(live_server.url) for src in scripts if src), scripts
        assert not problems["console"], json.dumps(problems["console"], ensure_ascii=False, indent=1)
        assert not problems["failed"] and not problems["bad"], problems
    finally:
        context.close()


@pytest.fixture
def partner_site():
    """A partner's web server on this machine, serving the page set in `partner_site.page`: Chromium refuses to
    let a page of the public Internet (or one made up by Playwright) frame a server of the local network."""
    holder = SimpleNamespace(page="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = holder.page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    holder.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield holder
    finally:
        server.shutdown()
        server.server_close()


def test_partner_page_frames_a_landing_that_takes_its_height(
    transactional_db,
    live_server,
    browser,  # noqa: F811
    landing,
    partner_site,
):
    Landing.objects.filter(pk=landing.pk).update(partner_url=partner_site.url)
    partner_site.page = (
        "<!DOCTYPE html><html lang='fr'><head><title>Partenaire</title></head><body>"
        f"<iframe data-relais-iframe src='{live_server.url}/aide-entreprise/{landing.slug}/?siret=41816609600069' "
        "title='Déposer une demande'></iframe>"
        f"<script src='{live_server.url}/static/conseillers_entreprises/integration.js'></script></body></html>"
    )
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{partner_site.url}/aides", wait_until="load")
        frame = page.frame_locator("iframe[data-relais-iframe]")
        frame.locator("h1").wait_for()
        page.wait_for_function(
            "() => parseInt(document.querySelector('iframe').style.height || '0', 10) > 600", timeout=10_000
        )
        height = page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().height")
        inner = page.frames[1].evaluate("() => document.documentElement.getBoundingClientRect().height")
        assert abs(height - inner) <= 2, (height, inner)
        link = frame.locator("a[href*='/theme/']").first.get_attribute("href")
        assert "siret=41816609600069" in link
    finally:
        context.close()

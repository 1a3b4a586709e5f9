"""The home page as a browser sees it: DSFR styles applied under our real CSP, and no axe-core violation."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Installed by `npm install --prefix var/node axe-core@4`; .ci/run does it when the file is missing.
AXE_JS = Path(settings.BASE_DIR) / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


def _missing(reason: str):
    # In CI a missing browser must not turn the accessibility check into a silent skip.
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def allow_orm_under_playwright():
    # Playwright's sync API keeps an event loop running in the test thread; Django would otherwise refuse the ORM
    # calls that the database fixtures make from that same thread. Scoped to this module: a process-wide variable
    # would leak into other tests' subprocesses (`check --deploy` rejects it, async.E001).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(allow_orm_under_playwright):
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} absent : apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright absent : make install-dev")
    # launch() gives Chromium a fresh temporary profile of its own and removes it on close.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def axe_source() -> str:
    if not AXE_JS.exists():
        _missing(f"{AXE_JS} absent : npm install --prefix var/node axe-core@4")
    return AXE_JS.read_text()


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def test_home_page_has_dsfr_styles_and_no_axe_violation(live_server, browser, axe_source):
    # No bypass_csp: the page is checked under the Content-Security-Policy users get, so a blocked stylesheet,
    # font or script would show here. page.evaluate() goes through the DevTools protocol, which CSP does not
    # govern, whereas add_script_tag() would insert an inline <script> that script-src 'self' + nonce blocks.
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    failed_requests = []
    page.on("requestfailed", lambda request: failed_requests.append(f"{request.url} ({request.failure})"))
    bad_responses = []
    page.on("response", lambda response: response.status >= 400 and bad_responses.append(response.url))
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    try:
        response = page.goto(live_server.url + "/", wait_until="load")
        assert response is not None and response.status == 200

        dsfr_css = page.locator("link[rel=stylesheet][href*='dsfr']").first.get_attribute("href")
        assert dsfr_css, "la feuille de style DSFR n'est pas référencée"
        assert page.request.get(live_server.url + dsfr_css).status == 200

        styles = page.evaluate(
            """async () => {
                await document.fonts.ready;
                const header = getComputedStyle(document.querySelector('.fr-header'));
                return {
                    bodyFont: getComputedStyle(document.body).fontFamily,
                    marianneLoaded: document.fonts.check('1rem Marianne'),
                    headerFilter: header.filter,
                };
            }"""
        )
        assert "Marianne" in styles["bodyFont"], styles
        assert styles["marianneLoaded"], styles
        # DSFR raises the header with a drop-shadow filter; without its CSS the browser default is "none".
        assert styles["headerFilter"].startswith("drop-shadow"), styles

        page.evaluate(axe_source)
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = results["violations"]
        assert not violations, "axe-core :\n" + _format_violations(violations)

        assert not failed_requests, failed_requests
        assert not bad_responses, bad_responses
        assert not console_errors, json.dumps(console_errors, ensure_ascii=False, indent=2)
    finally:
        context.close()

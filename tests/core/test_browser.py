"""The home page as a browser sees it: DSFR styles applied under our real CSP, and no axe-core violation."""

import json

import pytest

from tests.browser import format_violations

pytestmark = pytest.mark.browser


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
        assert not violations, "axe-core :\n" + format_violations(violations)

        assert not failed_requests, failed_requests
        assert not bad_responses, bad_responses
        assert not console_errors, json.dumps(console_errors, ensure_ascii=False, indent=2)
    finally:
        context.close()

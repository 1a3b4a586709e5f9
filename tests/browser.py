"""Browser tests' fixtures (a pytest plugin of tests/conftest.py): Debian's Chromium driven by Playwright, and
axe-core, for every app's browser journey."""

import os
from contextlib import contextmanager
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


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page, axe_source: str) -> None:
    """No axe-core violation on the page as it stands (axe injected through DevTools, which the CSP does not
    govern)."""
    page.evaluate(axe_source)
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    assert not violations, f"axe-core sur {page.url} :\n" + format_violations(violations)


@contextmanager
def french_page(browser):
    """A new page in a French browser context, and the console errors it logs; the context closed at the end."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        yield page, errors
    finally:
        context.close()

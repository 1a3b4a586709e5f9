"""In a real browser: a person applies from a postal code (DSFR form, errors then success, no axe-core violation)."""

import pytest
from django.utils import timezone

from relais.conseiller_numerique.models import Candidate
from tests.browser import (  # noqa: F401 (fixtures)
    allow_orm_under_playwright,
    axe_source,
    browser,
    format_violations,
)
from tests.conseiller_numerique import factories as f

pytestmark = pytest.mark.browser


def _axe(page, axe_source):  # noqa: F811
    page.evaluate(axe_source)
    violations = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")["violations"]
    assert not violations, "axe-core :\n" + format_violations(violations)


def test_candidate_applies_from_a_postal_code(transactional_db, live_server, browser, axe_source):  # noqa: F811
    f.commune(45.7578, 4.8320, name="Lyon", postal_code="69001")
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(f"{live_server.url}/conseiller-numerique/candidature/", wait_until="load")
        assert page.locator("h1").inner_text() == "Candidater pour devenir conseiller numérique"
        _axe(page, axe_source)

        page.get_by_label("Prénom").fill("Alix")
        page.get_by_role("button", name="Envoyer ma candidature").click()
        page.wait_for_load_state("load")
        assert page.title().startswith("Erreur :")
        assert page.locator("[data-error-summary]").is_visible()
        assert page.get_by_label("Prénom").input_value() == "Alix"
        _axe(page, axe_source)

        page.get_by_label("Nom", exact=True).fill("Martin")
        page.get_by_label("Adresse électronique").fill("alix@exemple.fr")
        page.get_by_label("Téléphone").fill("06 12 34 56 78")
        page.get_by_label("Votre commune").fill("69001")
        page.locator("label[for=id_situations_0]").click()
        page.locator("label[for=id_has_diploma_1]").click()
        page.locator("label[for=id_has_experience_0]").click()
        page.get_by_label("Date de disponibilité").fill(timezone.localdate().isoformat())
        page.locator("label[for=id_max_distance_km_3]").click()
        page.get_by_label("Votre motivation").fill("Accompagner les habitants de mon quartier.")
        page.get_by_role("button", name="Envoyer ma candidature").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Candidature envoyée"
        _axe(page, axe_source)
        candidate = Candidate.objects.get()
        assert (candidate.commune.name, candidate.max_distance_km) == ("Lyon", 20)
        assert not errors, errors
    finally:
        context.close()

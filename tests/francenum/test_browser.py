"""In a real browser: the four steps of "Devenir activateur", each page without axe-core violation, ending with
the application sent; then the directory finds nothing of it until it is validated."""

import re

import pytest

from relais.companies.demo import load_demo as load_demo_companies
from relais.francenum.enums import Status
from relais.francenum.models import Activator
from relais.legal.services import publish_terms_version
from relais.notifications.models import Email
from tests.browser import (  # noqa: F401 (fixtures)
    allow_orm_under_playwright,
    assert_accessible,
    axe_source,
    browser,
    french_page,
)
from tests.francenum import factories

pytestmark = pytest.mark.browser
PASSWORD = "Un-mot-de-passe-solide-42"


def test_the_four_steps_in_a_browser(transactional_db, live_server, browser, axe_source):  # noqa: F811
    load_demo_companies()
    factories.lyon()
    publish_terms_version(scope="francenum", version="2022-03-16", body="Article 1 - Objet de la charte", notify=False)
    with french_page(browser) as (page, errors):
        page.goto(f"{live_server.url}/activateurs/devenir-activateur/", wait_until="load")
        assert_accessible(page, axe_source)
        page.get_by_role("link", name="Commencer").click()
        page.wait_for_load_state("load")
        assert "Étape 1 sur 4" in page.content()
        assert_accessible(page, axe_source)
        page.get_by_label("Adresse électronique professionnelle").fill("consultante@pixel.fr")
        page.get_by_role("button", name="Recevoir un code").click()
        page.wait_for_load_state("load")
        assert "Étape 2 sur 4" in page.content()
        assert_accessible(page, axe_source)
        code = re.search(r"\b(\d{6})\b", Email.objects.latest("pk").text_body).group(1)
        page.get_by_label("Code de vérification").fill(code)
        page.get_by_role("button", name="Valider le code").click()
        page.wait_for_load_state("load")
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.get_by_role("button", name="Créer mon compte").click()
        page.wait_for_load_state("load")
        assert_accessible(page, axe_source)
        page.locator("label[for=id_civility_0]").click()
        page.locator("#id_last_name").fill("Martin")
        page.locator("#id_first_name").fill("Claire")
        page.locator("#id_phone").fill("06 12 34 56 78")
        page.get_by_role("button", name="Valider mon compte").click()
        page.wait_for_load_state("load")
        assert "Étape 3 sur 4" in page.content()
        assert_accessible(page, axe_source)
        page.locator("#id_name").fill("Pixel Conseil")
        page.locator("#id_siret").fill("84215937800012")
        page.locator("#id_commune_code").fill("69001")
        page.locator("#id_description").fill("Sites internet pour les commerçants du Rhône.")
        page.locator("label[for=id_offers_4]").click()
        page.locator("label[for=id_serves_remote]").click()
        page.locator("#id_head_name").fill("Claire Martin")
        page.locator("#id_head_function").fill("Gérante")
        page.locator("#id_head_email").fill("gerante@pixel.fr")
        page.locator("#id_head_approved_on").fill("2026-01-15")
        page.locator("label[for=id_obligations_declared]").click()
        page.get_by_role("button", name="Enregistrer et continuer").click()
        page.wait_for_load_state("load")
        assert "Étape 4 sur 4" in page.content(), page.content()[:3000]
        assert_accessible(page, axe_source)
        page.locator("label[for=id_accept]").click()
        page.get_by_role("button", name="Accepter la charte et envoyer ma demande").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Votre demande est envoyée"
        assert_accessible(page, axe_source)
        assert Activator.objects.get().status == Status.SUBMITTED
        page.goto(f"{live_server.url}/activateurs/?lieu=69001", wait_until="load")
        assert_accessible(page, axe_source)
        assert "Pixel Conseil" not in page.content()
    assert not errors, errors

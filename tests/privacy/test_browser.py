"""The journey of a data-rights request in a real browser: the public form, the person's page, the DPO's queue; each
page passes axe-core under the real Content-Security-Policy."""

import io

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from relais.privacy.models import DataRightsRequest
from tests.accounts.factories import UserFactory, login_with_second_factor
from tests.browser import assert_accessible
from tests.conseillers_entreprises.factories import SolicitationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_context(browser, live_server, user):
    client = Client()
    login_with_second_factor(client, user)  # the DPO's session needs a second factor
    context = browser.new_context(locale="fr-FR")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    return context


def test_a_company_contact_asks_for_their_data_and_the_dpo_handles_it(live_server, browser, axe_source, tmp_path, dpo):
    SolicitationFactory(email="camille.rivoire@soierie.fr", first_name="Camille", last_name="Rivoire")
    proof = tmp_path / "piece-identite.png"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, format="PNG")
    proof.write_bytes(buffer.getvalue())

    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/donnees-personnelles/conseillers-entreprises/")
        assert_accessible(page, axe_source)
        page.get_by_role("link", name="Exercer mes droits").first.click()
        assert_accessible(page, axe_source)
        page.locator("#id_right").select_option("access")
        page.locator("#id_service").select_option("conseillers-entreprises")
        page.locator("#id_name").fill("Camille Rivoire")
        page.locator("#id_email").fill("camille.rivoire@soierie.fr")
        page.locator("#id_details").fill("Je souhaite une copie de mes données.")
        page.locator("#id_identity_proof").set_input_files(str(proof))
        page.get_by_role("button", name="Envoyer ma demande").click()
        page.wait_for_url("**/exercer-mes-droits/envoyee/")
        reference = DataRightsRequest.objects.get().reference
        assert reference in page.content()
        assert_accessible(page, axe_source)
    finally:
        context.close()

    context = _signed_in_context(browser, live_server, dpo)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/donnees-personnelles/demandes/")
        assert_accessible(page, axe_source)
        page.get_by_role("link", name=reference).click()
        assert_accessible(page, axe_source)
        page.get_by_role("button", name="L’identité est établie").click()
        page.get_by_role("link", name="Accès : copie des données").click()
        page.get_by_role("button", name="Envoyer la réponse et clore").click()
        assert "la demande est close" in page.content()
        assert_accessible(page, axe_source)
    finally:
        context.close()
    assert DataRightsRequest.objects.get().status == "answered"


def test_a_signed_in_person_reads_their_data(live_server, browser, axe_source):
    person = UserFactory(email="louise.morel@exemple.fr", first_name="Louise", last_name="Morel")
    SolicitationFactory(email=person.email)
    context = _signed_in_context(browser, live_server, person)
    page = context.new_page()
    try:
        for path in ("/donnees-personnelles/mes-donnees/", "/donnees-personnelles/mes-donnees/copie/page/",
                     "/incidents/signaler/", "/donnees-personnelles/cookies/"):  # fmt: skip
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert_accessible(page, axe_source)
    finally:
        context.close()

"""The main journey of Conseillers-Entreprises in a real browser, each page checked by axe-core: a business owner
files a request (and corrects an error), support transmits it, an advisor takes charge, the company follows it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client

from relais.conseillers_entreprises.enums import ZoneType
from relais.conseillers_entreprises.models import Landing, Solicitation, Subject
from relais.conseillers_entreprises.taxonomy import import_taxonomy
from tests.accounts.factories import UserFactory
from tests.browser import allow_orm_under_playwright, assert_accessible, axe_source, browser  # noqa: F401
from tests.companies.factories import CommuneFactory, CompanyFactory, DepartmentFactory, EstablishmentFactory

from .factories import ExpertFactory, ExpertSubjectFactory, TerritorialZoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIRET = "41816609600069"


def log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.fixture
def directory():
    import_taxonomy()
    Landing.objects.get_or_create(slug="accueil", defaults={"title": "Accueil"})
    commune = CommuneFactory(insee_code="69123", name="Lyon", department=DepartmentFactory(insee_code="69"))
    company = CompanyFactory(siren=SIRET[:9], name="BOULANGERIE MARTIN", idcc_codes=["843"])
    EstablishmentFactory(siret=SIRET, company=company, commune=commune, commune_insee_code="69123")
    agent = UserFactory(first_name="Nadia", last_name="Berger", email="nadia.berger@cci.fr", phone="+33478123456")
    team = ExpertFactory(name="Pôle entreprises", users=[agent])
    TerritorialZoneFactory(antenne=team.antenne, zone_type=ZoneType.DEPARTMENT, code="69")
    ExpertSubjectFactory(expert=team, institution_subject__subject=Subject.objects.get(slug="recruter"))
    support = UserFactory(first_name="Sacha", last_name="Support")
    group = Group.objects.create(name="Équipe support Conseillers-Entreprises")
    group.permissions.add(Permission.objects.get(codename="triage_solicitation"))
    support.groups.add(group)
    return {"agent": agent, "support": support}


def test_request_filed_transmitted_taken_and_followed(live_server, browser, axe_source, directory, settings):  # noqa: F811
    settings.SITE_URL = live_server.url
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/aide-entreprise/accueil/demande/recruter/")
        assert_accessible(page, axe_source)
        page.get_by_label("SIRET de votre établissement").fill(SIRET)
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer ma demande").click()
        # The error summary: at the top, titled "Erreur :", focused, its links lead to the fields.
        assert page.title().startswith("Erreur :")
        summary = page.locator("[data-error-summary]")
        assert summary.is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        assert summary.get_by_role("link", name=re.compile("Décrivez votre besoin")).count() == 1
        assert page.get_by_label("SIRET de votre établissement").input_value() == SIRET
        assert_accessible(page, axe_source)
        # Back to the empty form: the SIRET typed comes back, and its establishment with it.
        page.go_back()
        assert page.get_by_label("SIRET de votre établissement").input_value() == SIRET
        page.locator("[data-siret-establishment]").get_by_text("BOULANGERIE MARTIN").wait_for()

        page.get_by_label("Décrivez votre besoin").fill(
            "Nous cherchons deux boulangers en CDI pour notre nouvelle boutique, personne ne répond à nos annonces."
        )
        for question in page.locator("fieldset.fr-fieldset input[type=radio][value=non]").all():
            question.check(force=True)
        page.get_by_label("Prénom").fill("Claire")
        page.get_by_label("Nom", exact=True).fill("Martin")
        page.get_by_label("Téléphone").fill("06 12 34 56 78")
        page.locator("#id_email").fill("claire@boulangerie-martin.fr")
        page.get_by_label("J’accepte les conditions générales d’utilisation du service").check(force=True)
        page.get_by_role("button", name="Envoyer ma demande").click()
        page.wait_for_url("**/confirmation/")
        assert_accessible(page, axe_source)
        solicitation = Solicitation.objects.get()
        assert solicitation.phone == "+33612345678"

        log_in(context, live_server, directory["support"])
        page.goto(f"{live_server.url}/support/sollicitations/{solicitation.public_id}/")
        assert page.get_by_label(re.compile("Pôle entreprises")).is_checked()
        assert_accessible(page, axe_source)
        page.get_by_role("button", name="Transmettre aux experts cochés").click()
        page.wait_for_url("**/support/sollicitations/")

        context.clear_cookies()
        log_in(context, live_server, directory["agent"])
        page.goto(live_server.url + "/besoins/")
        page.get_by_role("link", name=re.compile("BOULANGERIE MARTIN")).first.click()
        assert_accessible(page, axe_source)
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Prendre en charge")).first.click()
        assert "Votre réponse est enregistrée" in page.content()

        context.clear_cookies()
        confirmation = next(m for m in mail.outbox if m.to == ["claire@boulangerie-martin.fr"])
        followup_url = re.search(r"http\S+/demande/suivi/\S+/", confirmation.body).group(0)
        page.goto(followup_url)
        assert "Nadia Berger" in page.content()
        assert page.locator("a[href='tel:+33478123456']").inner_text() == "04 78 12 34 56"
        assert_accessible(page, axe_source)
    finally:
        context.close()

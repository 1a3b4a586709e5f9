"""The administration as the staff use it daily, checked by axe-core in Chromium: our customisations (the suspension
action and its form, the inlines, the custom widgets and columns) have no violation. What Django's own admin
templates still have is listed in ADMIN_KNOWN and reported by the test, not hidden."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.services import suspend_account
from relais.companies.demo import load_demo as load_demo_companies
from relais.companies.models import Company
from relais.notifications.services import queue_email
from relais.organizations.catalogue import load_digital_services
from relais.organizations.models import DigitalService
from tests.accounts.factories import UserFactory
from tests.browser import allow_orm_under_playwright, axe_source, browser, format_violations  # noqa: F401
from tests.conseillers_entreprises.factories import AntenneFactory, ExpertFactory
from tests.sso.relying_party import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What Django's own admin (5.2) still breaks, whatever our code: axe-core rule → the markup of Django's that breaks it.
# Kept visible here and in the report of the issue; a violation of ours, or one of these rules elsewhere, fails.
ADMIN_KNOWN = {
    # The breadcrumbs' links differ from their text by colour only (admin CSS).
    "link-in-text-block": (".breadcrumbs > a",),
    # The header of the column of each row's title, and of the delete box, is empty (admin/edit_inline/tabular.html).
    "empty-table-header": (".original", "th:nth-child"),
    # The filter tooltips of the two-list selector (SelectFilter2.js) carry an aria-label on a plain span.
    "aria-prohibited-attr": (".help-tooltip",),
    # The search box of the autocomplete widget (vendored select2) has no label, and its list holds spans.
    "label": (".select2-search__field",),
    "list": (".select2-selection",),
}


def django_own(violation) -> bool:
    selectors = ADMIN_KNOWN.get(violation["id"], ())
    return all(
        any(selector in " ".join(map(str, node["target"])) for selector in selectors) for node in violation["nodes"]
    )


@pytest.fixture
def staff_page(live_server, browser):  # noqa: F811
    staff = UserFactory(email="equipe@relais.gouv.fr", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="Téléphone", confirmed=True)
    client = Client()
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    context = browser.new_context(locale="fr-FR")
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    yield page, staff
    context.close()


def axe(page, axe_source) -> list[dict]:  # noqa: F811
    page.evaluate(axe_source)
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def world():
    load_demo_companies()
    load_digital_services()
    person = UserFactory(email="personne@exemple.fr", first_name="Camille", last_name="Martin")
    suspend_account(user=person, actor=None, reason="Usage frauduleux", until=None)
    application = make_service(backchannel=True).application
    expert = ExpertFactory(antenne=AntenneFactory(), users=[person])
    email = queue_email(to=["personne@exemple.fr"], template="accounts/emails/account_deleted")
    group = Group.objects.create(name="Équipe support Conseillers-Entreprises")
    group.permissions.add(Permission.objects.get(codename="triage_solicitation"))
    return {
        "person": person,
        "application": application,
        "expert": expert,
        "email": email,
        "company": Company.objects.first(),
        "service": DigitalService.objects.get(slug="deca"),
    }


def pages(objects) -> dict[str, str]:
    return {
        "liste des comptes (filtre et actions)": "/admin/accounts/user/?suspendu=oui",
        "compte (historique des suspensions)": f"/admin/accounts/user/{objects['person'].pk}/change/",
        "journal des suspensions": "/admin/accounts/accountsuspension/",
        "client OpenID Connect (réglages Relais)": (
            f"/admin/oauth2_provider/application/{objects['application'].pk}/change/"
        ),
        "connexions aux services": "/admin/sso/signin/",
        "équipe d'experts (zones, sujets, filtres)": (
            f"/admin/conseillers_entreprises/expert/{objects['expert'].pk}/change/"
        ),
        "antenne (zones, filtres)": f"/admin/conseillers_entreprises/antenne/{objects['expert'].antenne.pk}/change/",
        "institution (antennes, sujets, filtres)": (
            f"/admin/conseillers_entreprises/institution/{objects['expert'].antenne.institution.pk}/change/"
        ),
        "courriel (aperçu, renvoi)": f"/admin/notifications/email/{objects['email'].pk}/change/",
        "entreprise (établissements)": f"/admin/companies/company/{objects['company'].pk}/change/",
        "service numérique (habilitations)": f"/admin/organizations/digitalservice/{objects['service'].pk}/change/",
    }


def test_our_admin_customisations_have_no_axe_violation(live_server, staff_page, axe_source):  # noqa: F811
    page, _staff = staff_page
    objects = world()
    found = {}
    for title, path in pages(objects).items():
        response = page.goto(live_server.url + path, wait_until="load")
        assert response.status == 200, (title, response.status)
        found[title] = axe(page, axe_source)

    # The suspension action: its form, then its errors.
    page.goto(live_server.url + "/admin/accounts/user/", wait_until="load")
    page.check(f"input[name=_selected_action][value='{objects['person'].pk}']")
    page.select_option("select[name=action]", "suspend")
    page.click("button[name=index]")
    page.wait_for_selector("text=Suspendre des comptes")
    found["suspension : formulaire"] = axe(page, axe_source)
    page.click("input[type=submit][value=Suspendre]")
    page.wait_for_selector("text=Indiquez le motif de la suspension.")
    found["suspension : erreurs"] = axe(page, axe_source)
    page.fill("textarea[name=reason]", "Manquement à la charte")
    page.fill("input[name=until]", (datetime.date.today() + datetime.timedelta(days=7)).isoformat())
    page.click("input[type=submit][value=Suspendre]")
    page.wait_for_selector("text=compte(s) suspendu(s)")

    unexpected = {
        title: [violation for violation in violations if not django_own(violation)]
        for title, violations in found.items()
    }
    report = {title: [violation["id"] for violation in violations] for title, violations in found.items()}
    print("\naxe-core, pages de l'administration :\n" + json.dumps(report, ensure_ascii=False, indent=2))
    assert not any(unexpected.values()), "\n".join(
        f"{title} :\n{format_violations(violations)}" for title, violations in unexpected.items() if violations
    )

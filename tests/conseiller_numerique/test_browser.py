"""In a real browser: a person applies from a postal code, a structure from its SIRET (DSFR forms, errors then
success, no axe-core violation)."""

import pytest
from django.utils import timezone

from relais.conseiller_numerique.models import Candidate, HostStructure
from relais.organizations.catalogue import load_digital_services
from tests.browser import (  # noqa: F401 (fixtures)
    allow_orm_under_playwright,
    assert_accessible,
    axe_source,
    browser,
    french_page,
)
from tests.companies.factories import CompanyFactory, EstablishmentFactory
from tests.conseiller_numerique import factories as f

pytestmark = pytest.mark.browser


def test_candidate_applies_from_a_postal_code(transactional_db, live_server, browser, axe_source):  # noqa: F811
    f.commune(45.7578, 4.8320, name="Lyon", postal_code="69001")
    with french_page(browser) as (page, errors):
        page.goto(f"{live_server.url}/conseiller-numerique/candidature/", wait_until="load")
        assert page.locator("h1").inner_text() == "Candidater pour devenir conseiller numérique"
        assert_accessible(page, axe_source)

        page.get_by_label("Prénom").fill("Alix")
        page.get_by_role("button", name="Envoyer ma candidature").click()
        page.wait_for_load_state("load")
        assert page.title().startswith("Erreur :")
        assert page.locator("[data-error-summary]").is_visible()
        assert page.get_by_label("Prénom").input_value() == "Alix"
        assert_accessible(page, axe_source)

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
        assert_accessible(page, axe_source)
        candidate = Candidate.objects.get()
        assert (candidate.commune.name, candidate.max_distance_km) == ("Lyon", 20)
        assert not errors, errors


def test_a_structure_applies_and_sees_its_establishment(transactional_db, live_server, browser, axe_source):  # noqa: F811
    load_digital_services()
    f.commune(45.7578, 4.8320, name="Lyon", postal_code="69001")
    company = CompanyFactory(name="COMMUNE DE LYON", legal_form_code="7210")
    mairie = EstablishmentFactory(company=company, address="1 PLACE DE LA COMEDIE", postal_code="69001")
    with french_page(browser) as (page, errors):
        page.goto(f"{live_server.url}/conseiller-numerique/structure/candidature/", wait_until="load")
        assert page.locator("h1").inner_text() == "Accueillir un conseiller numérique"
        assert_accessible(page, axe_source)

        # The SIRET typed: the registry's establishment, its name and address, under the field.
        page.get_by_label("SIRET de la structure").fill(mairie.siret)
        notice = page.locator("[data-siret-establishment]")
        notice.get_by_text("COMMUNE DE LYON — 1 PLACE DE LA COMEDIE, 69001 Lyon").wait_for()
        page.get_by_role("button", name="Déposer la candidature").click()
        page.wait_for_load_state("load")
        assert page.title().startswith("Erreur :")
        assert page.get_by_label("SIRET de la structure").input_value() == mairie.siret
        assert "COMMUNE DE LYON" in notice.inner_text()
        assert_accessible(page, axe_source)

        page.get_by_label("Type de structure").select_option("commune")
        page.get_by_label("Commune où exercera le conseiller numérique").fill("69001")
        page.get_by_label("Date de début de la mission").fill(timezone.localdate().isoformat())
        page.get_by_label("Nombre de postes demandés").fill("2")
        page.get_by_label("Motivation de la structure").fill("Accompagner les habitants dans leurs démarches.")
        page.get_by_label("Prénom du contact").fill("Camille")
        page.get_by_label("Nom du contact", exact=True).fill("Durand")
        page.get_by_label("Fonction du contact").fill("Directrice du centre social")
        page.get_by_label("Adresse électronique du contact").fill("camille.durand@mairie-lyon.fr")
        page.get_by_label("Téléphone du contact").fill("04 78 12 34 56")
        page.locator("label[for=id_commitment]").click()
        page.get_by_role("button", name="Déposer la candidature").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Candidature envoyée"
        structure = HostStructure.objects.get()
        assert (structure.siret, structure.name, structure.posts_wanted) == (mairie.siret, "COMMUNE DE LYON", 2)
        assert not errors, errors

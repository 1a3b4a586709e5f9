"""The structure's application: SIRET looked up in the companies registry, confirmation, the contact's access."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.conseiller_numerique.catalogue import RECRUITMENT_RIGHT, SERVICE_SLUG
from relais.conseiller_numerique.enums import StructureStatus
from relais.conseiller_numerique.models import HostStructure, StructureDecision
from relais.organizations import services as organizations
from relais.organizations.models import AccessRequest, DigitalService, Organization
from tests.companies.factories import CompanyFactory, EstablishmentFactory
from tests.conseiller_numerique import factories as f

pytestmark = pytest.mark.django_db

APPLY = reverse("conseiller_numerique:structure_apply")
MY_STRUCTURES = reverse("conseiller_numerique:my_structures")
PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture
def mairie(catalogue):
    f.commune(45.7578, 4.8320, name="Lyon", postal_code="69001")
    company = CompanyFactory(name="COMMUNE DE LYON", legal_form_code="7210")
    return EstablishmentFactory(company=company, address="1 PLACE DE LA COMEDIE", postal_code="69001")


def form_data(siret: str, **overrides) -> dict:
    data = {
        "kind": "commune",
        "siret": siret,
        "commune": "69001",
        "mission_start": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "posts_wanted": "2",
        "motivation": "Accompagner les habitants dans leurs démarches en ligne.",
        "contact_first_name": "Camille",
        "contact_last_name": "Durand",
        "contact_function": "Directrice du centre social",
        "contact_email": "Camille.Durand@Mairie-Lyon.fr",
        "contact_phone": "04 78 12 34 56",
        "commitment": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def confirmation_link(message) -> str:
    return re.search(r"/conseiller-numerique/structure/confirmer/[^/\s]+/", message.body).group(0)


def apply_and_confirm(client, committed, siret: str, email: str) -> tuple[HostStructure, str]:
    with committed():
        response = client.post(APPLY, form_data(siret, contact_email=email))
    assert response.status_code == 302, response.context["form"].errors
    structure = HostStructure.objects.filter(contact_email=email).latest("created_at")
    link = confirmation_link(mail.outbox[-1])
    with committed():
        client.get(link)
    return structure, link


def test_apply_confirm_create_the_account_and_reach_the_structure(client, mairie, committed):
    with committed():
        response = client.post(APPLY, form_data(f" {mairie.siret[:9]} {mairie.siret[9:]} "))
    assert response.status_code == 302 and response["Location"] == reverse("conseiller_numerique:structure_sent")
    structure = HostStructure.objects.get()
    assert structure.status == StructureStatus.UNCONFIRMED
    assert (structure.siret, structure.name) == (mairie.siret, "COMMUNE DE LYON")
    assert structure.address == "1 PLACE DE LA COMEDIE, 69001 Lyon"
    assert structure.organization == Organization.objects.get(siren=mairie.company.siren)
    assert structure.contact_email == "camille.durand@mairie-lyon.fr"
    assert structure.commune.name == "Lyon" and structure.department.insee_code == "69"
    (message,) = mail.outbox
    assert message.to == ["camille.durand@mairie-lyon.fr"]
    assert message.subject == "Confirmez la candidature de COMMUNE DE LYON"
    assert f"SIRET {mairie.siret}, 1 PLACE DE LA COMEDIE, 69001 Lyon" in message.body

    link = confirmation_link(message)
    with committed():
        page = client.get(link)
    assert "Créer votre compte" in page.content.decode()
    structure.refresh_from_db()
    assert structure.status == StructureStatus.CREATED and structure.confirmed_at is not None
    assert StructureDecision.objects.filter(structure=structure, to_status=StructureStatus.CREATED).count() == 1
    assert mail.outbox[-1].to == ["camille.durand@mairie-lyon.fr"]

    response = client.post(link, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MY_STRUCTURES
    user = User.objects.get(email="camille.durand@mairie-lyon.fr")
    assert (user.first_name, user.last_name) == ("Camille", "Durand")
    assert list(HostStructure.objects.of_user(user)) == [structure]
    assert "COMMUNE DE LYON" in client.get(MY_STRUCTURES).content.decode()
    matches = reverse("conseiller_numerique:structure_matches", args=[structure.public_id])
    assert client.get(matches).status_code == 200
    # The link again: nothing changes, nobody is signed in by it.
    client.logout()
    with committed():
        client.get(link)
    assert StructureDecision.objects.filter(structure=structure).count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"siret": "84215937800013"}, "siret", "SIRET"),
        ({"siret": "84215937800012"}, "siret", "Aucun établissement ne correspond à ce SIRET"),
        ({"kind": ""}, "kind", "Ce champ est obligatoire"),
        ({"posts_wanted": "0"}, "posts_wanted", "Au moins 1."),
        (
            {"mission_start": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()},
            "mission_start",
            "aujourd'hui ou plus tard",
        ),
        ({"motivation": "x" * 2501}, "motivation", "Votre texte est trop long"),
        ({"commune": "99999"}, "commune", "Aucune commune ne correspond"),
        ({"contact_email": "camille@"}, "contact_email", "Saisissez une adresse de courriel valide."),
        ({"commitment": ""}, "commitment", "Cochez l'engagement pour déposer la candidature."),
    ],
)
def test_errors_in_french_on_the_field_and_nothing_typed_lost(client, mairie, overrides, field, message):
    response = client.post(APPLY, {**form_data(mairie.siret), **overrides})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors, errors
    assert "Camille" in response.content.decode() and "Directrice du centre social" in response.content.decode()
    assert not HostStructure.objects.exists() and not mail.outbox


def test_the_establishment_found_is_shown_under_the_siret(client, mairie):
    page = client.get(APPLY).content.decode()
    assert f'data-siret-autocomplete="{reverse("companies:search")}"' in page
    response = client.post(APPLY, form_data(mairie.siret, commitment=""))
    assert "Votre établissement : COMMUNE DE LYON — 1 PLACE DE LA COMEDIE, 69001 Lyon" in response.content.decode()
    found = client.get(reverse("companies:search"), {"q": mairie.siret}).json()["results"]
    assert [result["display"] for result in found] == ["COMMUNE DE LYON — 1 PLACE DE LA COMEDIE, 69001 Lyon"]


def test_honeypot_stores_nothing(client, mairie):
    response = client.post(APPLY, form_data(mairie.siret, website="http://spam.example"))
    assert response.status_code == 302
    assert not HostStructure.objects.exists() and not mail.outbox


def test_an_existing_account_is_linked_without_being_signed_in(client, mairie, committed):
    user = User.objects.create_user(email="camille.durand@mairie-lyon.fr", password=PASSWORD)
    structure, link = apply_and_confirm(client, committed, mairie.siret, "camille.durand@mairie-lyon.fr")
    page = client.get(link).content.decode()
    assert "Se connecter" in page and "_auth_user_id" not in client.session
    assert list(HostStructure.objects.of_user(user)) == [structure]


def test_a_contact_of_an_organisation_with_structures_asks_its_access_managers(client, mairie, committed):
    """The right opens every structure of the organisation: typing its SIRET with one's own address does not give
    it; the organisation's access managers decide, as for any digital service."""
    first, _ = apply_and_confirm(client, committed, mairie.siret, "camille.durand@mairie-lyon.fr")
    client.post(confirmation_link(mail.outbox[0]), {"password": PASSWORD})
    client.logout()
    first.status, first.posts_granted = StructureStatus.VALIDATED, 2
    first.save()
    service = DigitalService.objects.get(slug=SERVICE_SLUG)
    manager = User.objects.get(email="camille.durand@mairie-lyon.fr")
    organizations.appoint_access_manager(actor=None, membership=manager.memberships.get(), service=service)
    mail.outbox.clear()

    second, link = apply_and_confirm(client, committed, mairie.siret, "someone@elsewhere.fr")
    with committed():
        response = client.post(link, {"password": PASSWORD})
    assert response["Location"] == MY_STRUCTURES
    newcomer = User.objects.get(email="someone@elsewhere.fr")
    assert not HostStructure.objects.of_user(newcomer).exists()
    for structure in (first, second):
        url = reverse("conseiller_numerique:structure_matches", args=[structure.public_id])
        assert client.get(url).status_code == 404
    access_request = AccessRequest.objects.pending().get(membership__user=newcomer)
    assert [right.code for right in access_request.requested_rights.all()] == [RECRUITMENT_RIGHT]
    assert "someone@elsewhere.fr" not in [address for message in mail.outbox for address in message.to][-1:]
    assert ["camille.durand@mairie-lyon.fr"] in [message.to for message in mail.outbox]
    page = client.get(MY_STRUCTURES).content.decode()
    assert "attend la décision de ses responsables des accès" in page and "COMMUNE DE LYON" in page

    # The access manager accepts: the newcomer then reaches both structures.
    organizations.accept_access_request(
        actor=manager, access_request=access_request, rights=access_request.requested_rights.all()
    )
    assert set(HostStructure.objects.of_user(newcomer)) == {first, second}


def test_without_access_manager_nobody_gets_the_right_by_the_siret_alone(client, mairie, committed):
    first, _ = apply_and_confirm(client, committed, mairie.siret, "camille.durand@mairie-lyon.fr")
    second, link = apply_and_confirm(client, committed, mairie.siret, "someone@elsewhere.fr")
    client.post(link, {"password": PASSWORD})
    newcomer = User.objects.get(email="someone@elsewhere.fr")
    assert not HostStructure.objects.of_user(newcomer).exists()
    assert not AccessRequest.objects.exists()
    assert "Elle est donnée par les responsables des accès" in client.get(MY_STRUCTURES).content.decode()


def test_the_same_contact_applying_again_reaches_both_structures(client, mairie, committed):
    first, link = apply_and_confirm(client, committed, mairie.siret, "camille.durand@mairie-lyon.fr")
    client.post(link, {"password": PASSWORD})
    second, _ = apply_and_confirm(client, committed, mairie.siret, "camille.durand@mairie-lyon.fr")
    user = User.objects.get(email="camille.durand@mairie-lyon.fr")
    assert set(HostStructure.objects.of_user(user)) == {first, second}

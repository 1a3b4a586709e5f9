"""Devenir activateur: the four steps of the charter (account, validation, information, charter and sending)."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from relais.accounts.models import User
from relais.companies.demo import load_demo as load_demo_companies
from relais.francenum.enums import LegalCheck, Status
from relais.francenum.models import Activator
from relais.legal.models import TermsAcceptance
from relais.legal.services import publish_terms_version
from relais.notifications.models import Email
from tests.francenum import factories
from tests.francenum.conftest import sent

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture
def charter(db):
    return publish_terms_version(scope="francenum", version="2022-03-16", body="Article 1 - Objet", notify=False)


def page(response) -> str:
    return html.unescape(response.content.decode())


def structure_form(**overrides) -> dict:
    form = {
        "name": "Agence Pixel Lyon",
        "kind": "agency",
        "category": "private",
        "siret": "842 159 378 00012",
        "commune_code": "69001",
        "address": "3 rue de la République",
        "postal_code": "69001",
        "description": "Sites internet et réseaux sociaux pour les commerçants.",
        "offers": ["website:implementation", "social:training"],
        "served_departments": [],
        "serves_remote": "on",
        "head_name": "Claire Martin",
        "head_function": "Gérante",
        "head_email": "gerante@pixel.fr",
        "head_approved_on": "2026-01-15",
        "obligations_declared": "on",
        "country": "France",
        "website": "https://pixel.example",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def create_account(client, email="nouvelle@pixel.fr"):
    response = client.post(reverse("activateurs:signup_email"), {"email": email})
    assert response["Location"] == reverse("activateurs:signup_code")
    code = re.search(r"\b(\d{6})\b", Email.objects.latest("pk").text_body).group(1)
    assert client.post(reverse("activateurs:signup_code"), {"code": code})["Location"] == reverse(
        "activateurs:signup_password"
    )
    response = client.post(reverse("activateurs:signup_password"), {"password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == reverse("activateurs:signup_identity")
    response = client.post(
        reverse("activateurs:signup_identity"),
        {"civility": "madame", "last_name": "Martin", "first_name": "Claire", "phone": "06 12 34 56 78"},
    )
    assert response["Location"] == reverse("activateurs:structure")
    return User.objects.get(email=email)


def test_the_emailed_link_continues_the_activator_steps_in_another_browser(client, charter):
    client.post(reverse("activateurs:signup_email"), {"email": "lien@pixel.fr"})
    link = re.search(r"https?://\S+", Email.objects.latest("pk").text_body).group(0)
    path = "/" + link.split("/", 3)[3]
    assert path.startswith("/activateurs/devenir-activateur/lien/")
    other_browser = Client()
    response = other_browser.get(path)
    assert response["Location"] == reverse("activateurs:signup_password")
    response = other_browser.post(
        reverse("activateurs:signup_password"), {"password1": PASSWORD, "password2": PASSWORD}
    )
    # No company step of the Portail: the activator's identity, then the structure.
    assert response["Location"] == reverse("activateurs:signup_identity")


def test_a_link_opened_once_the_account_exists_signs_in_then_resumes_the_steps(client, charter):
    client.post(reverse("activateurs:signup_email"), {"email": "deja@pixel.fr"})
    link = re.search(r"https?://\S+", Email.objects.latest("pk").text_body).group(0)
    User.objects.create_user(email="deja@pixel.fr", password=PASSWORD)
    response = Client().get("/" + link.split("/", 3)[3])
    assert response["Location"] == f"{reverse('accounts:login')}?next=%2Factivateurs%2Fdevenir-activateur%2F"


def test_a_wrong_link_sends_back_to_the_first_step_with_a_message(client):
    response = client.get(
        reverse("activateurs:signup_link", kwargs={"public_id": "00000000-0000-0000-0000-000000000000", "token": "x"}),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("activateurs:signup_email")
    assert "Ce lien n'est pas valable" in page(response)


def test_the_four_steps_end_to_end(client, charter, reviewer):
    load_demo_companies()
    factories.lyon()
    assert "Étape 1 sur 4" in page(client.get(reverse("activateurs:signup_email")))
    user = create_account(client)
    assert user.signup_completed_at is not None and not user.memberships.exists()  # no Portail company step
    assert "Étape 3 sur 4" in page(client.get(reverse("activateurs:structure")))
    response = client.post(reverse("activateurs:structure"), structure_form())
    assert response["Location"] == reverse("activateurs:charter")
    activator = Activator.objects.get()
    assert activator.status == Status.DRAFT and activator.siret == "84215937800012"
    assert activator.company_check["trouve"] is True and activator.creation_date is not None
    assert activator.legal_check == LegalCheck.UNCHECKED  # offline backend: left to the reviewer
    # Resumable: the entry page sends back to step 4.
    assert "Reprendre à l'étape 4" in page(client.get(reverse("activateurs:start")))
    charter_page = page(client.get(reverse("activateurs:charter")))
    assert "Étape 4 sur 4" in charter_page and "Article 1 - Objet" in charter_page
    response = client.post(reverse("activateurs:charter"), {})
    assert "Cochez cette case" in page(response)
    response = client.post(reverse("activateurs:charter"), {"accept": "on"})
    assert response["Location"] == reverse("activateurs:sent")
    activator.refresh_from_db()
    assert activator.status == Status.SUBMITTED
    assert TermsAcceptance.objects.filter(user=user, version=charter).exists()
    assert (["nouvelle@pixel.fr"], "Votre demande d'adhésion à France Num est envoyée") in sent()
    assert client.get(reverse("francenum:home")).status_code == 200


def test_foreign_structure_with_proof_and_no_company_step(client, charter):
    create_account(client, email="contact@agence.be")
    proof = SimpleUploadedFile("kbo.png", factories.png_bytes(), content_type="image/png")
    response = client.post(
        reverse("activateurs:structure"),
        structure_form(
            siret="",
            commune_code="",
            is_foreign="on",
            country="Belgique",
            foreign_identifier="BE0123456789",
            foreign_proof=proof,
        ),
    )
    assert response.status_code == 302, page(response)
    activator = Activator.objects.get()
    assert activator.is_foreign and activator.foreign_proof and activator.region is None
    assert (
        client.get(reverse("activateurs:proof", args=[activator.public_id, "justificatif-existence"])).status_code
        == 200
    )


def test_wrong_upload_is_refused_in_french_and_nothing_else_is_lost(client, charter):
    create_account(client, email="contact@agence.be")
    fake = SimpleUploadedFile("preuve.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("activateurs:structure"),
        structure_form(
            siret="",
            commune_code="",
            is_foreign="on",
            country="Belgique",
            foreign_identifier="BE0123456789",
            foreign_proof=fake,
        ),
    )
    text = page(response)
    assert response.status_code == 200
    assert "Le fichier doit être au format PDF, PNG, JPEG ou WebP" in text
    assert "Agence Pixel Lyon" in text and "BE0123456789" in text and "Belgique" in text
    assert not Activator.objects.exists()


def test_an_oversized_upload_is_refused(client, charter):
    create_account(client, email="contact@agence.be")
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1), content_type="application/pdf")
    response = client.post(
        reverse("activateurs:structure"),
        structure_form(
            siret="", commune_code="", is_foreign="on", country="Belgique", foreign_identifier="BE01", foreign_proof=big
        ),
    )
    assert "Le fichier dépasse la taille maximale de 5 Mo." in page(response)


def test_missing_information_keeps_the_charter_closed(client, charter):
    create_account(client)
    factories.lyon()
    response = client.post(reverse("activateurs:structure"), structure_form(siret="", offers=[]))
    text = page(response)
    assert "Indiquez le SIRET, ou cochez « La structure n'a pas de SIRET »." in text
    assert "Offre de service (domaine × type de prestation) : Ce champ est obligatoire." in text
    assert not Activator.objects.exists()


def test_an_invalid_siret_is_explained(client, charter):
    create_account(client)
    factories.lyon()
    response = client.post(reverse("activateurs:structure"), structure_form(siret="12345678901234"))
    assert "SIRET" in page(response) and response.status_code == 200
    assert not Activator.objects.exists()


def test_a_person_with_an_account_signs_in_and_starts_at_step_3(client, charter, referent):
    client.force_login(referent)
    assert "Reprendre à l'étape 3" in page(client.get(reverse("activateurs:start")))
    assert client.get(reverse("activateurs:signup_email"))["Location"] == reverse("activateurs:start")

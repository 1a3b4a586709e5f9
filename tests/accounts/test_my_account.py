import html
import re

import pytest
from django.core import mail

from relais.accounts.models import User
from relais.organizations.services import join_organization
from tests.companies.factories import EstablishmentFactory

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_profile_edits_identity_and_shows_the_company_read_only(client):
    establishment = EstablishmentFactory(company__name="BOULANGERIE MARTIN")
    user = UserFactory(civility="madame", phone="+33612345678")
    join_organization(user=user, siren=establishment.company.siren)
    client.force_login(user)
    content = page(client.get("/compte/"))
    assert "BOULANGERIE MARTIN" in content and "06 12 34 56 78" in content
    assert 'name="siren"' not in content
    response = client.post(
        "/compte/",
        {"civility": "monsieur", "last_name": "Martin", "first_name": "Paul", "phone": "+262 692 12 34 56"},
    )
    assert response["Location"] == "/compte/"
    user.refresh_from_db()
    assert (user.civility, user.last_name, user.first_name, user.phone) == (
        "monsieur",
        "Martin",
        "Paul",
        "+262692123456",
    )


def test_profile_is_private(client):
    assert client.get("/compte/")["Location"].startswith("/compte/connexion/")


def test_email_change_is_verified_on_the_new_address_and_told_to_the_old(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="ancienne@exemple.fr")
    client.force_login(user)
    response = client.post("/compte/adresse/", {"new_email": "nouvelle@exemple.fr", "password": "faux"})
    assert "Mot de passe incorrect" in page(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/adresse/", {"new_email": "Nouvelle@exemple.fr", "password": PASSWORD})
    assert response["Location"] == "/compte/adresse/code/"
    message = mail.outbox[-1]
    assert message.to == ["nouvelle@exemple.fr"]
    code = re.search(r"\b(\d{6})\b", message.subject).group(1)
    user.refresh_from_db()
    assert user.email == "ancienne@exemple.fr"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/adresse/code/", {"code": code}, follow=True)
    assert "Votre adresse électronique est désormais nouvelle@exemple.fr" in page(response)
    user.refresh_from_db()
    assert user.email == "nouvelle@exemple.fr"
    warning = mail.outbox[-1]
    assert warning.to == ["ancienne@exemple.fr"]
    assert warning.subject == "Relais : l'adresse électronique de votre compte a changé"
    assert "/compte/mot-de-passe/compromis/" in warning.body


def test_email_change_by_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="ancienne@exemple.fr")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/adresse/", {"new_email": "lien@exemple.fr", "password": PASSWORD})
    path = re.search(r"https?://[^/\s]+(/compte/adresse/lien/[^\s]+/)", mail.outbox[-1].body).group(1)
    intruder = UserFactory()
    other = client.__class__()
    other.force_login(intruder)
    other.get(path)
    intruder.refresh_from_db()
    assert intruder.email != "lien@exemple.fr"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(path)
    user.refresh_from_db()
    assert user.email == "lien@exemple.fr"


def test_email_change_to_a_taken_address_is_refused(client):
    UserFactory(email="prise@exemple.fr")
    client.force_login(UserFactory())
    response = client.post("/compte/adresse/", {"new_email": "prise@exemple.fr", "password": PASSWORD})
    assert "Cette adresse ne peut pas être utilisée" in page(response)
    assert mail.outbox == []


def test_delete_account_frees_the_email(client, django_capture_on_commit_callbacks):
    establishment = EstablishmentFactory()
    user = UserFactory(email="partante@exemple.fr")
    join_organization(user=user, siren=establishment.company.siren)
    client.force_login(user)
    response = client.post("/compte/supprimer/", {"password": "faux"})
    assert "Mot de passe incorrect" in page(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/supprimer/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(email="partante@exemple.fr").exists()
    assert "_auth_user_id" not in client.session
    assert mail.outbox[-1].to == ["partante@exemple.fr"]
    assert mail.outbox[-1].subject == "Relais : votre compte est supprimé"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/inscription/", {"email": "partante@exemple.fr"})
    assert response["Location"] == "/compte/inscription/code/"
    assert mail.outbox[-1].subject.startswith("Relais : votre code de vérification")

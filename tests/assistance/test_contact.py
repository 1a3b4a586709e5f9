import pytest
from django.core import mail

from relais.assistance.services import CONTACT_EMAILS
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Claude Dupont",
    "email": "claude.dupont@exemple.fr",
    "siren": "130 025 265",
    "category": "rights",
    "message": "Je n'arrive pas à demander l'accès à CERES.",
}


def test_the_help_page_answers_the_frequent_questions(client):
    content = client.get("/aide/").content.decode()
    for topic in ["Comment créer mon compte ?", "responsable des accès", "tiers déclarant", "habilitation"]:
        assert topic in content
    assert 'href="/aide/contact/"' in content
    assert 'href="/aide/"' in client.get("/").content.decode()


def test_a_message_reaches_support_and_is_acknowledged(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/aide/contact/", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/aide/contact/envoye/"
    support, acknowledgment = mail.outbox
    assert support.to == [settings.SUPPORT_EMAIL]
    assert support.reply_to == ["claude.dupont@exemple.fr"]
    assert support.subject == "[Assistance] Habilitations et demandes d'accès — Claude Dupont"
    assert "130025265" in support.body
    assert "Je n'arrive pas à demander l'accès à CERES." in support.body
    assert acknowledgment.to == ["claude.dupont@exemple.fr"]
    assert acknowledgment.subject == "Votre message à l'assistance de Relais a bien été reçu"
    # The acknowledgment does not repeat what was typed: the form must not relay text to any address.
    assert "CERES" not in acknowledgment.body
    assert "Votre message a été envoyé" in client.get(response["Location"]).content.decode()


def test_errors_are_in_french_and_nothing_typed_is_lost(client):
    response = client.post("/aide/contact/", {**VALID, "email": "pas-une-adresse", "siren": "123", "category": ""})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Indiquez une adresse électronique valide, par exemple nom@domaine.fr." in content
    assert "Choisissez le sujet de votre demande." in content
    assert "SIREN" in content
    assert "Je n&#x27;arrive pas à demander l&#x27;accès à CERES." in content
    assert not mail.outbox


def test_the_siren_is_optional_and_a_signed_in_person_is_recognised(client, django_capture_on_commit_callbacks):
    user = UserFactory(first_name="Alex", last_name="Durand")
    client.force_login(user)
    form = client.get("/aide/contact/").content.decode()
    assert user.email in form
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/aide/contact/", {**VALID, "siren": ""}).status_code == 302
    assert "non renseigné" in mail.outbox[0].body


def test_the_honeypot_swallows_robots_silently(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/aide/contact/", {**VALID, "website": "https://spam.example"})
    assert response.status_code == 302
    assert not mail.outbox


def test_messages_are_capped_per_address_and_per_ip(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(CONTACT_EMAILS.per_address):
            assert client.post("/aide/contact/", VALID).status_code == 302
        limited = client.post("/aide/contact/", VALID)
        from_elsewhere = client.post("/aide/contact/", VALID, REMOTE_ADDR="192.0.2.8")
        another_address = client.post("/aide/contact/", {**VALID, "email": "autre@exemple.fr"})
        for index in range(CONTACT_EMAILS.per_ip - CONTACT_EMAILS.per_address - 1):
            client.post("/aide/contact/", {**VALID, "email": f"personne{index}@exemple.fr"})
        ip_limited = client.post("/aide/contact/", {**VALID, "email": "encore@exemple.fr"})
    content = limited.content.decode()
    assert limited.status_code == 429
    assert "Plusieurs courriels ont déjà été envoyés à cette adresse" in content
    assert "Le formulaire contient 1 erreur" in content
    assert "Je n&#x27;arrive pas" in content  # nothing typed is lost
    assert from_elsewhere.status_code == 429  # the address is capped whatever the IP
    assert another_address.status_code == 302
    assert ip_limited.status_code == 429
    assert "depuis votre connexion internet" in ip_limited.content.decode()
    assert len(mail.outbox) == 2 * CONTACT_EMAILS.per_ip

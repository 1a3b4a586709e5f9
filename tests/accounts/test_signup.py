import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from relais.accounts.enums import SignupStep
from relais.accounts.models import EmailVerification, User
from relais.legal.models import TermsAcceptance, TermsVersion
from tests.companies.factories import EstablishmentFactory

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tournesol-bleu-2026"


def page(response) -> str:
    return html.unescape(response.content.decode())


def verification_email(outbox_index=-1):
    message = mail.outbox[outbox_index]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    path = re.search(r"https?://[^/\s]+(/compte/[^\s]+/)", message.body).group(1)
    return message, code, path


def start_signup(client, capture, email="nouvelle@exemple.fr"):
    with capture(execute=True):
        response = client.post("/compte/inscription/", {"email": email})
    assert response.status_code == 302
    assert response["Location"] == "/compte/inscription/code/"
    return verification_email()


def test_create_account_buttons_in_header_and_login_page(client):
    assert 'href="/compte/inscription/"' in page(client.get("/"))
    content = page(client.get("/compte/connexion/"))
    assert 'href="/compte/inscription/"' in content and "Créer un compte" in content


def test_full_signup_with_the_code(client, django_capture_on_commit_callbacks):
    establishment = EstablishmentFactory(company__name="SOIERIE DU RHÔNE", address="3 QUAI SAINT-VINCENT")
    siren = establishment.company.siren
    message, code, _path = start_signup(client, django_capture_on_commit_callbacks, email="Nouvelle@Exemple.fr")
    assert message.to == ["nouvelle@exemple.fr"]
    assert message.subject == f"Relais : votre code de vérification {code}"
    assert not User.objects.exists()

    response = client.post("/compte/inscription/code/", {"code": code})
    assert response["Location"] == "/compte/inscription/mot-de-passe/"

    response = client.post("/compte/inscription/mot-de-passe/", {"password1": "court", "password2": "court"})
    assert "trop court" in page(response)
    response = client.post("/compte/inscription/mot-de-passe/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == "/compte/inscription/identite/"
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert user.signup_completed_at is None and user.email_verified_at is not None
    assert user.signup_step == SignupStep.IDENTITY

    # Until the sign-up is finished, the services are out of reach.
    assert client.get("/compte/")["Location"] == "/compte/inscription/identite/"

    response = client.post(
        "/compte/inscription/identite/",
        {"civility": "madame", "last_name": "Durand", "first_name": "Claire", "phone": "0612"},
    )
    assert "numéro de téléphone français valide" in page(response)
    response = client.post(
        "/compte/inscription/identite/",
        {"civility": "madame", "last_name": "Durand", "first_name": "Claire", "phone": "06 12 34 56 78"},
    )
    assert response["Location"] == "/compte/inscription/entreprise/"
    user.refresh_from_db()
    assert user.phone == "+33612345678"
    assert client.get("/compte/")["Location"] == "/compte/inscription/entreprise/"

    response = client.post("/compte/inscription/entreprise/", {"action": "search", "query": siren})
    content = page(response)
    assert "SOIERIE DU RHÔNE" in content and "3 QUAI SAINT-VINCENT" in content and "Lyon" in content
    portal_terms = TermsVersion.objects.create(scope="portail", version="2024-01", body="Texte des CGU.")
    response = client.post("/compte/inscription/entreprise/", {"action": "confirm", "siren": siren})
    assert "Acceptez les conditions générales d'utilisation" in page(response)
    response = client.post(
        "/compte/inscription/entreprise/", {"action": "confirm", "siren": siren, "accept_terms": "1"}
    )
    assert response["Location"] == "/compte/"
    user.refresh_from_db()
    assert user.signup_completed_at is not None
    # The terms accepted with the last step are recorded: no blocking page right after sign-up.
    assert TermsAcceptance.objects.filter(user=user, version=portal_terms).exists()
    assert user.memberships.get().organization.siren == siren
    assert client.get("/compte/").status_code == 200


def test_company_by_name_then_choice(client, django_capture_on_commit_callbacks):
    establishment = EstablishmentFactory(company__name="FILATURE DES CÉVENNES")
    user = UserFactory(signup_completed_at=None, civility="monsieur", phone="+33612345678")
    client.force_login(user)
    response = client.post("/compte/inscription/entreprise/", {"action": "search", "query": "filature"})
    content = page(response)
    assert "FILATURE DES CÉVENNES" in content and establishment.company.siren in content
    response = client.post(
        "/compte/inscription/entreprise/", {"action": "select", "siren": establishment.company.siren}
    )
    assert "Confirmer cette entreprise" in page(response)


def test_unknown_or_invalid_siren_is_explained(client):
    user = UserFactory(signup_completed_at=None, civility="monsieur", phone="+33612345678")
    client.force_login(user)
    response = client.post("/compte/inscription/entreprise/", {"action": "search", "query": "123456789"})
    assert "n'est pas valide" in page(response)
    response = client.post("/compte/inscription/entreprise/", {"action": "search", "query": "732829320"})
    assert "Aucune entreprise ne correspond" in page(response)


def test_signup_with_the_link(client, django_capture_on_commit_callbacks):
    _message, _code, path = start_signup(client, django_capture_on_commit_callbacks)
    other_browser = client.__class__()
    response = other_browser.get(path)
    assert response["Location"] == "/compte/inscription/mot-de-passe/"
    assert other_browser.get("/compte/inscription/mot-de-passe/").status_code == 200


def test_wrong_code_counts_attempts(client, django_capture_on_commit_callbacks):
    _message, code, _path = start_signup(client, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post("/compte/inscription/code/", {"code": wrong})
    assert "(4 essais restants)" in page(response)
    for _ in range(3):
        response = client.post("/compte/inscription/code/", {"code": wrong})
    assert "(1 essai restant)" in page(response)
    for _ in range(1):
        response = client.post("/compte/inscription/code/", {"code": wrong})
    response = client.post("/compte/inscription/code/", {"code": code})
    assert "Trop d'essais" in page(response)


def test_code_and_link_expire_after_60_minutes(client, django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _message, code, path = start_signup(client, django_capture_on_commit_callbacks)
        traveller.shift(timedelta(minutes=59))
        assert EmailVerification.objects.get().is_expired is False
        traveller.shift(timedelta(minutes=2))
        response = client.post("/compte/inscription/code/", {"code": code})
        assert "Ce code a expiré" in page(response)
        response = client.get(path, follow=True)
        assert "Ce code a expiré" in page(response)


def test_resend_is_limited_to_three_emails_an_hour(client, django_capture_on_commit_callbacks):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        start_signup(client, django_capture_on_commit_callbacks)
        for _ in range(2):
            traveller.shift(timedelta(minutes=5))
            with django_capture_on_commit_callbacks(execute=True):
                client.post("/compte/inscription/code/", {"action": "resend"})
        assert len(mail.outbox) == 3
        response = client.post("/compte/inscription/code/", {"action": "resend"}, follow=True)
        assert len(mail.outbox) == 3
        assert "Vous avez déjà demandé 3 codes en une heure" in page(response)
        # The last code sent is the one that works.
        _message, code, _path = verification_email()
        response = client.post("/compte/inscription/code/", {"code": code})
        assert response["Location"] == "/compte/inscription/mot-de-passe/"
        traveller.shift(timedelta(minutes=51))
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/compte/inscription/", {"email": "nouvelle@exemple.fr"})
        assert len(mail.outbox) == 4


def test_existing_account_is_told_without_sending_anything(client):
    UserFactory(email="claire@exemple.fr")
    response = client.post("/compte/inscription/", {"email": "CLAIRE@exemple.fr"})
    content = page(response)
    assert "Un compte existe déjà avec cette adresse" in content
    assert 'href="/compte/connexion/"' in content and 'href="/compte/mot-de-passe/oubli/"' in content
    assert mail.outbox == [] and not EmailVerification.objects.exists()


def test_email_is_reserved_after_the_password(client, django_capture_on_commit_callbacks):
    _message, code, _path = start_signup(client, django_capture_on_commit_callbacks)
    client.post("/compte/inscription/code/", {"code": code})
    client.post("/compte/inscription/mot-de-passe/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = client.__class__().post("/compte/inscription/", {"email": "nouvelle@exemple.fr"})
    assert "Un compte existe déjà avec cette adresse" in page(response)


def test_half_finished_signup_resumes_at_login(client):
    user = UserFactory(signup_completed_at=None)
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/compte/inscription/identite/"
    user.civility, user.phone = "madame", "+33612345678"
    user.save()
    assert client.get("/compte/")["Location"] == "/compte/inscription/entreprise/"


def test_link_of_a_finished_step_sends_to_login(client, django_capture_on_commit_callbacks):
    _message, code, path = start_signup(client, django_capture_on_commit_callbacks)
    client.post("/compte/inscription/code/", {"code": code})
    client.post("/compte/inscription/mot-de-passe/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    response = client.__class__().get(path)
    assert response.status_code == 302


def test_an_invitation_link_prefills_the_invited_address(client):
    response = client.get("/compte/inscription/?email=invitee%40exemple.fr&next=/organisations/invitation/x/")
    assert 'value="invitee@exemple.fr"' in page(response)


def test_the_stepper_counts_the_six_steps_of_the_seed(client, django_capture_on_commit_callbacks):
    assert "Étape 2 sur 6" in page(client.get("/compte/inscription/"))
    start_signup(client, django_capture_on_commit_callbacks)
    assert "Étape 4 sur 6" in page(client.get("/compte/inscription/code/"))


def test_the_terms_box_of_the_last_step_shows_the_sites_error_not_the_browsers(client):
    establishment = EstablishmentFactory()
    user = UserFactory(signup_completed_at=None, civility="monsieur", phone="+33612345678")
    client.force_login(user)
    siren = establishment.company.siren
    shown = page(client.post("/compte/inscription/entreprise/", {"action": "select", "siren": siren}))
    confirm_form = shown[shown.rindex("<form", 0, shown.index("accept_terms")) :].split(">")[0]
    assert "novalidate" in confirm_form, "the confirmation form must not leave the check to the browser"
    assert " required" not in shown.split("accept_terms")[1].split(">")[0]
    response = client.post("/compte/inscription/entreprise/", {"action": "confirm", "siren": siren})
    content = page(response)
    assert "<title>Erreur :" in content
    assert "Le formulaire contient 1 erreur" in content
    assert 'href="#id_accept_terms"' in content
    assert 'aria-describedby="id_accept_terms-error"' in content

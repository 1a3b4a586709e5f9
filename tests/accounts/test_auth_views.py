import re

import pytest
from django.core import mail

from relais.accounts.forms import PASSWORD_RESET_EMAILS
from relais.notifications.models import Email

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_and_logout(client):
    user = UserFactory()
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_keeps_the_email_and_explains_in_french(client):
    user = UserFactory()
    response = client.post("/compte/connexion/", {"username": user.email, "password": "faux"})
    assert response.status_code == 200
    content = response.content.decode()
    # Said once, in the error summary at the top of the form.
    assert content.count("Adresse électronique ou mot de passe incorrect") == 1
    assert f'value="{user.email}"' in content


def test_password_reset_by_email(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="oubli@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/mot-de-passe/oubli/", {"email": "OUBLI@exemple.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["oubli@exemple.fr"]
    assert message.subject == "Relais : choisir un nouveau mot de passe"
    link = re.search(r"http://[^\s]+/compte/mot-de-passe/nouveau/[^\s]+/", message.body).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    response = client.get(path, follow=True)
    assert response.status_code == 200
    new_password = "Nouveau-mot-de-passe-7"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_emails_are_capped_per_address_and_per_ip(client):
    UserFactory(email="oubli@exemple.fr")
    for _ in range(PASSWORD_RESET_EMAILS.per_address):
        assert client.post("/compte/mot-de-passe/oubli/", {"email": "oubli@exemple.fr"}).status_code == 302
    capped = client.post("/compte/mot-de-passe/oubli/", {"email": "OUBLI@exemple.fr"})
    assert capped.status_code == 200
    assert "Plusieurs courriels ont déjà été envoyés à cette adresse" in capped.content.decode()
    assert Email.objects.filter(to=["oubli@exemple.fr"]).count() == PASSWORD_RESET_EMAILS.per_address
    # Unknown addresses count the same: the refusal tells nothing of who has an account.
    for index in range(PASSWORD_RESET_EMAILS.per_ip - PASSWORD_RESET_EMAILS.per_address):
        client.post("/compte/mot-de-passe/oubli/", {"email": f"inconnu{index}@exemple.fr"})
    ip_capped = client.post("/compte/mot-de-passe/oubli/", {"email": "autre@exemple.fr"})
    assert "depuis votre connexion internet" in ip_capped.content.decode()


def test_password_change_requires_login(client):
    response = client.get("/compte/mot-de-passe/changer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_admin_can_deactivate_and_reactivate(admin_client):
    user = UserFactory()
    url = "/admin/accounts/user/"
    admin_client.post(url, {"action": "deactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert not user.is_active
    admin_client.post(url, {"action": "reactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.is_active


def test_admin_user_pages_render(admin_client):
    user = UserFactory()
    assert admin_client.get("/admin/accounts/user/").status_code == 200
    assert admin_client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200
    assert admin_client.get("/admin/accounts/user/add/").status_code == 200

import pytest
from django.urls import reverse

from relais.api.enums import Scope
from relais.api.models import ApiKey, Partner
from relais.api.permissions import PARTNER_ADMIN_SESSION_KEY
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(partner):
    user = UserFactory(email="dsi@urssaf.fr")
    partner.administrators.add(user)
    return user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def keys_url(partner):
    return reverse("api:partner_keys", args=[partner.public_id])


def test_administrator_creates_a_key_and_sees_its_secret_once(admin_client, partner, landing):
    page = admin_client.get(keys_url(partner))
    token = page.context["form"]["submission_token"].value()
    data = {"name": "Site de production", "scopes": [Scope.CE_READ], "submission_token": token}
    response = admin_client.post(keys_url(partner), data)
    assert response.status_code == 302
    again = admin_client.post(keys_url(partner), data)  # double click
    assert again.status_code == 302 and ApiKey.objects.count() == 1
    shown = admin_client.get(keys_url(partner))
    secret = shown.context["new_secret"]["secret"]
    assert secret.startswith("rls_") and secret in shown.content.decode()
    assert secret not in admin_client.get(keys_url(partner)).content.decode()
    assert admin_client.get("/api/v1/landings", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    content = shown.content.decode()
    assert "data-relais-iframe" in content and "integration.js" in content


def test_key_form_errors_in_french(admin_client, partner):
    response = admin_client.post(keys_url(partner), {"name": "", "submission_token": "x"})
    assert response.status_code == 400
    assert "Donnez un nom à la clé." in response.content.decode()
    assert "Cochez au moins un droit." in response.content.decode()
    response = admin_client.post(
        keys_url(partner), {"name": "x", "scopes": [Scope.FRANCENUM_READ], "submission_token": "x"}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_revoke_and_rotate(admin_client, partner, api_key, auth, landing):
    response = admin_client.post(reverse("api:key_rotate", args=[api_key.public_id]))
    assert response.status_code == 302
    new_secret = admin_client.get(keys_url(partner)).context["new_secret"]["secret"]
    assert admin_client.get("/api/v1/landings", HTTP_AUTHORIZATION=f"Bearer {new_secret}").status_code == 200
    admin_client.post(reverse("api:key_revoke", args=[api_key.public_id]))
    assert admin_client.get("/api/v1/landings", **auth).status_code == 401


def test_list_shows_last_use_in_constant_queries(admin_client, partner, landing, django_assert_max_num_queries):
    from relais.api.services.keys import create_key

    for index in range(5):
        create_key(partner=partner, name=f"Clé {index}", scopes=[Scope.CE_READ], actor=None)
    with django_assert_max_num_queries(12):
        response = admin_client.get(keys_url(partner))
    assert response.status_code == 200 and response.content.decode().count("Jamais") == 5


def test_other_users_and_partners_get_404(client, partner, api_key, admin_user):
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(keys_url(partner)).status_code == 404
    assert client.post(reverse("api:key_revoke", args=[api_key.public_id])).status_code == 404
    other = Partner.objects.create(name="Autre", allowed_scopes=[Scope.CE_READ], kind="authorised_body")
    client.force_login(admin_user)
    assert client.get(keys_url(other)).status_code == 404
    client.logout()
    assert client.get(keys_url(partner)).status_code == 302  # login required


def test_header_links_administrators_to_their_keys(client, partner, admin_user):
    client.force_login(admin_user)
    session = client.session
    session[PARTNER_ADMIN_SESSION_KEY] = True
    session.save()
    response = client.get(reverse("api:partners"))
    assert response.status_code == 302 and response["Location"] == keys_url(partner)
    page = client.get(response["Location"])
    assert reverse("api:partners") in page.content.decode()


def test_webhook_settings(client, partner, admin_user):
    client.force_login(admin_user)
    url = reverse("api:partner_webhook", args=[partner.public_id])
    response = client.post(url, {"webhook_url": "https://mon-entreprise.urssaf.fr/relais"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.webhook_url == "https://mon-entreprise.urssaf.fr/relais" and len(partner.webhook_secret) == 64
    assert partner.webhook_secret in client.get(url).content.decode()
    response = client.post(url, {"webhook_url": "pas une adresse"})
    assert "Saisissez une adresse web valide" in response.content.decode()

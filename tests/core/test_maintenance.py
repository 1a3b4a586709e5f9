import pytest
from django.core.cache import cache

from relais.core.models import SiteStatus
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def enable_maintenance(message=""):
    status = SiteStatus.current()
    status.maintenance_enabled = True
    status.maintenance_message = message
    status.save()


def test_visitors_get_a_503_page_during_maintenance(client):
    enable_maintenance()
    response = client.get("/")
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
    assert response["Retry-After"] == "3600"


def test_custom_message(client):
    enable_maintenance("Retour prévu à 14 h.")
    assert "Retour prévu à 14 h." in client.get("/cgu/").content.decode()


def test_logged_in_non_staff_users_are_blocked_too(client):
    client.force_login(UserFactory())
    enable_maintenance()
    assert client.get("/").status_code == 503


def test_staff_keep_using_the_site(client):
    client.force_login(UserFactory(is_staff=True))
    enable_maintenance()
    assert client.get("/").status_code == 200


def test_staff_can_still_sign_in_to_switch_it_off(client):
    enable_maintenance()
    assert client.get("/compte/connexion/").status_code == 200
    assert client.get("/admin/login/").status_code == 200


def test_environment_switch(client, settings):
    settings.MAINTENANCE_MODE = True
    assert client.get("/").status_code == 503
    settings.MAINTENANCE_MODE = False
    assert client.get("/").status_code == 200


def test_admin_switch(admin_client, client):
    response = admin_client.post(
        "/admin/core/sitestatus/1/change/", {"maintenance_enabled": "on", "maintenance_message": ""}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 503
    assert admin_client.get("/").status_code == 200


def test_status_is_read_from_cache(client, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        client.get("/")

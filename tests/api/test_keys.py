from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from relais.api.enums import Scope
from relais.api.models import ApiKey
from relais.api.services import keys
from relais.notifications.models import Email
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

LANDINGS = "/api/v1/landings"


def errors(response):
    return response.json()["errors"]


def test_secret_is_shown_once_and_stored_as_an_hmac_digest(api_key, secret, settings):
    assert secret.startswith("rls_") and len(secret) > 40
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert secret not in (stored.digest, stored.prefix) and stored.prefix == secret[:12]
    assert stored.digest == keys.digest(secret)
    settings.API_KEY_HMAC_SECRET = "another-secret"
    assert keys.find_key(secret) is None  # keyed: a stolen table without the setting gives nothing


def test_key_is_valid_eighteen_months(api_key):
    assert timedelta(days=547) < api_key.expires_at - timezone.now() <= timedelta(days=548)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Clé d’API manquante"),
        ("Basic abc", "Clé d’API manquante"),
        ("Bearer rls_inconnue", "Clé d’API inconnue."),
        ("Bearer ", "Clé d’API manquante"),
    ],
)
def test_missing_or_unknown_key_is_401(client, landing, header, message):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get(LANDINGS, **extra)
    assert response.status_code == 401
    assert errors(response)[0]["source"] == "Authorization"
    assert errors(response)[0]["message"].startswith(message)


def test_expired_key_is_refused(client, landing, api_key, auth):
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(LANDINGS, **auth)
    assert response.status_code == 401
    assert "a expiré le" in errors(response)[0]["message"]


def test_revoked_key_is_refused_at_once(client, landing, api_key, auth):
    assert client.get(LANDINGS, **auth).status_code == 200
    keys.revoke_key(key=api_key, actor=None)
    response = client.get(LANDINGS, **auth)
    assert response.status_code == 401
    assert "révoquée" in errors(response)[0]["message"]


def test_inactive_partner_is_refused(client, landing, partner, auth):
    partner.is_active = False
    partner.save()
    assert client.get(LANDINGS, **auth).status_code == 401


def test_key_without_the_scope_is_403(client, landing, partner):
    _key, secret = keys.create_key(partner=partner, name="Lecture", scopes=[Scope.CE_READ], actor=None)
    response = client.get(
        "/api/v1/solicitations/6f0c6f7e-3a59-4b8e-9a43-7c1d0f5e2b11", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 403
    assert "ce:file" in errors(response)[0]["message"]


def test_scopes_are_limited_to_what_the_partner_was_granted(partner):
    with pytest.raises(Exception, match="francenum:read"):
        keys.create_key(partner=partner, name="Trop", scopes=[Scope.FRANCENUM_READ], actor=None)
    with pytest.raises(Exception, match="au moins un droit"):
        keys.create_key(partner=partner, name="Rien", scopes=[], actor=None)


def test_rotation_keeps_the_old_key_for_the_overlap_then_refuses_it(client, landing, api_key, auth):
    new_key, new_secret = keys.rotate_key(key=api_key, actor=None)
    assert new_key.rotated_from == api_key and new_key.scopes == api_key.scopes and new_key.name == api_key.name
    assert client.get(LANDINGS, **auth).status_code == 200
    assert client.get(LANDINGS, HTTP_AUTHORIZATION=f"Bearer {new_secret}").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(LANDINGS, **auth).status_code == 401
        assert client.get(LANDINGS, HTTP_AUTHORIZATION=f"Bearer {new_secret}").status_code == 200
    with pytest.raises(Exception, match="déjà été remplacée"):
        keys.rotate_key(key=api_key, actor=None)


def test_last_use_is_written_at_most_once_a_minute(client, landing, api_key, auth, django_assert_num_queries):
    client.get(LANDINGS, **auth)
    first = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert first is not None
    client.get(LANDINGS, **auth)
    assert ApiKey.objects.get(pk=api_key.pk).last_used_at == first


def test_expiry_is_announced_thirty_days_before_once(partner, api_key):
    admin = UserFactory(email="dsi@urssaf.fr")
    partner.administrators.add(admin)
    partner.contact_email = "api@urssaf.fr"
    partner.save()
    call_command("announce_expiring_api_keys")
    assert not Email.objects.exists()
    with time_machine.travel(api_key.expires_at - timedelta(days=29)):
        call_command("announce_expiring_api_keys")
        call_command("announce_expiring_api_keys")
    email = Email.objects.get()
    assert email.to == ["api@urssaf.fr", "dsi@urssaf.fr"]
    assert email.subject.startswith("Votre clé d’API « Production » expire le")
    assert ApiKey.objects.get(pk=api_key.pk).expiry_notice_sent_at is not None


def test_replaced_key_expiry_is_not_announced(partner, api_key):
    partner.contact_email = "api@urssaf.fr"
    partner.save()
    keys.rotate_key(key=api_key, actor=None)
    call_command("announce_expiring_api_keys")
    assert not Email.objects.exists()


def test_production_refuses_to_start_without_the_key_digest_secret(tmp_path):
    import subprocess
    import sys

    from tests.core.test_deploy_settings import ROOT, clean_environment

    environment = {
        **clean_environment(),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "relais.exemple.gouv.fr",
        "OIDC_RSA_PRIVATE_KEY": "-",
    }
    environment.pop("API_KEY_HMAC_SECRET", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "API_KEY_HMAC_SECRET" in result.stderr

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.models import User
from relais.accounts.throttling import ACCOUNT_FAILURES, IP_FAILURES
from relais.organizations.catalogue import load_digital_services
from relais.organizations.models import AccessRight, DigitalService
from relais.organizations.services import join_organization
from tests.companies.factories import EstablishmentFactory

from .factories import PASSWORD, UserFactory, login_with_second_factor

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def code_for(device: TOTPDevice, shift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=shift):06d}"


def login(client, email, password=PASSWORD, **extra):
    return client.post("/compte/connexion/", {"username": email, "password": password}, **extra)


# Throttling --------------------------------------------------------------------------------------------------------


def test_account_is_locked_after_five_failures(client):
    user = UserFactory()
    for _ in range(ACCOUNT_FAILURES.limit):
        login(client, user.email, "mauvais-mot-de-passe")
    response = login(client, user.email)
    assert "Trop de tentatives de connexion ont échoué pour ce compte" in page(response)
    assert "_auth_user_id" not in client.session
    # Another account from the same address is still served.
    other = UserFactory()
    assert login(client, other.email).status_code == 302


def test_ip_is_locked_after_twenty_failures(client):
    for n in range(IP_FAILURES.limit):
        login(client, f"inconnu{n}@exemple.fr", "mauvais-mot-de-passe")
    response = login(client, UserFactory().email)
    assert "depuis votre connexion internet" in page(response)
    assert login(client.__class__(REMOTE_ADDR="10.0.0.2"), UserFactory().email).status_code == 302


def test_admin_login_is_throttled_too(client):
    admin = User.objects.create_superuser(email="chef@exemple.fr", password=PASSWORD)
    for _ in range(ACCOUNT_FAILURES.limit):
        client.post("/admin/login/", {"username": admin.email, "password": "faux"})
    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


# Deactivation ------------------------------------------------------------------------------------------------------


def test_deactivated_account_gets_a_clear_message_and_loses_its_sessions(client, admin_client):
    user = UserFactory()
    login(client, user.email)
    assert client.get("/compte/").status_code == 200
    admin_client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert not user.is_active and user.deactivated_at is not None
    assert client.get("/compte/")["Location"].startswith("/compte/connexion/")
    response = login(client, user.email)
    assert "Ce compte est désactivé" in page(response)
    # Without the right password, nothing is revealed.
    assert "Ce compte est désactivé" not in page(login(client, user.email, "faux-mot-de-passe"))
    admin_client.post("/admin/accounts/user/", {"action": "reactivate", "_selected_action": [user.pk]})
    assert login(client, user.email).status_code == 302


# Compromised password and security emails ------------------------------------------------------------------------


def test_password_change_sends_a_security_email(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    new = "Tournesol-bleu-2026"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/compte/mot-de-passe/changer/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
    assert response.status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [([user.email], "Relais : votre mot de passe a été changé")]
    assert "/compte/mot-de-passe/compromis/" in mail.outbox[0].body


def report_and_check(client, path, user, capture):
    with capture(execute=True):
        response = client.post(path)
    assert response["Location"] == "/compte/mot-de-passe/compromis/signale/"
    user.refresh_from_db()
    assert not user.has_usable_password()
    recipients = {m.to[0]: m.subject for m in mail.outbox}
    assert recipients[settings.SUPPORT_EMAIL] == f"Relais : mot de passe compromis signalé pour {user.email}"
    assert recipients[user.email] == "Relais : choisir un nouveau mot de passe"


def test_report_compromised_password_from_my_account(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    other_session = client.__class__()
    login(other_session, user.email)
    client.force_login(user)
    assert "Signaler un mot de passe compromis" in page(client.get("/compte/"))
    report_and_check(client, "/compte/mot-de-passe/compromis/", user, django_capture_on_commit_callbacks)
    assert other_session.get("/compte/")["Location"].startswith("/compte/connexion/")
    assert login(client, user.email).status_code == 200
    # The forgotten-password form still serves an account whose password was blocked.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/mot-de-passe/oubli/", {"email": user.email})
    assert mail.outbox[0].to == [user.email]


def test_report_compromised_password_from_the_email_link(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    new = "Tournesol-bleu-2026"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/compte/mot-de-passe/changer/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
    path = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/compromis/[^\s]+/)", mail.outbox[0].body).group(1)
    mail.outbox.clear()
    stranger = client.__class__()
    assert stranger.get(path).status_code == 200
    report_and_check(stranger, path, user, django_capture_on_commit_callbacks)
    assert stranger.get("/compte/mot-de-passe/compromis/pas-signe/")["Location"] == "/compte/mot-de-passe/oubli/"


# Two-factor authentication -----------------------------------------------------------------------------------------


def test_enrol_then_log_in_with_a_totp_code(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/compte/double-authentification/")
    assert 'src="data:image/svg+xml' in page(response)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/double-authentification/", {"token": code_for(device)})
    assert response["Location"] == "/compte/double-authentification/codes/"
    codes = re.findall(r"<code>(\w+)</code>", client.get(response["Location"]).content.decode())
    assert len(codes) == 10
    assert [(m.to, m.subject) for m in mail.outbox] == [([user.email], "Relais : double authentification activée")]

    client.post("/compte/deconnexion/")
    response = login(client, user.email)
    assert response["Location"] == "/compte/connexion/code/"
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    # A TOTP code serves once: the next one comes 30 seconds later.
    with time_machine.travel(timezone.now() + timedelta(seconds=30), tick=False):
        response = client.post("/compte/connexion/code/", {"token": code_for(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    # A backup code works once.
    client.post("/compte/deconnexion/")
    login(client, user.email)
    client.post("/compte/connexion/code/", {"token": codes[0]})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_optional_two_factor_can_be_disabled(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    login_with_second_factor(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/double-authentification/desactiver/", {"password": PASSWORD})
    assert response["Location"] == "/compte/"
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert mail.outbox[-1].subject == "Relais : double authentification désactivée"


def test_staff_must_enrol_before_anything_else(client):
    staff = UserFactory(is_staff=True)
    response = login(client, staff.email, follow=True)
    assert response.redirect_chain[-1][0] == "/compte/double-authentification/"
    assert client.get("/admin/")["Location"] == "/compte/double-authentification/"
    assert client.get("/compte/")["Location"] == "/compte/double-authentification/"
    assert client.post("/compte/double-authentification/desactiver/", {"password": PASSWORD}).status_code == 302
    device = TOTPDevice.objects.get(user=staff)
    client.post("/compte/double-authentification/", {"token": code_for(device)})
    assert client.get("/admin/").status_code == 200
    # Required: it cannot be switched off.
    client.post("/compte/double-authentification/desactiver/", {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_access_managers_must_use_two_factor(client):
    user = UserFactory()
    membership = join_organization(user=user, siren=EstablishmentFactory().company.siren)
    load_digital_services()
    service = DigitalService.objects.first()
    AccessRight.objects.create(membership=membership, service=service, is_access_manager=True)
    login(client, user.email)
    assert client.get("/compte/")["Location"] == "/compte/double-authentification/"


def test_who_must_use_two_factor_in_one_query(django_assert_num_queries):
    """The holders of the data-protection or security permissions, directly or through a group, the access managers,
    the staff and the active superusers; nobody inactive. Asked on every page: one query."""
    from django.contrib.auth.models import Group, Permission

    from relais.accounts.services import two_factor_required

    load_digital_services()
    handle_rights = Permission.objects.get(content_type__app_label="privacy", codename="handle_datarightsrequest")
    handle_incidents = Permission.objects.get(content_type__app_label="privacy", codename="handle_incidentreport")
    unrelated = Permission.objects.get(content_type__app_label="privacy", codename="view_datarightsrequest")
    dpo, security, other, plain = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    dpo.user_permissions.add(handle_rights)
    group = Group.objects.create(name="Sécurité")
    group.permissions.add(handle_incidents)
    security.groups.add(group)
    other.user_permissions.add(unrelated)
    manager = UserFactory()
    membership = join_organization(user=manager, siren=EstablishmentFactory().company.siren)
    AccessRight.objects.create(membership=membership, service=DigitalService.objects.first(), is_access_manager=True)
    staff, superuser = UserFactory(is_staff=True), UserFactory(is_superuser=True)
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(handle_rights)
    for user in (dpo, security, manager, staff, superuser):
        assert two_factor_required(user=User.objects.get(pk=user.pk)), user
    for user in (other, plain, inactive):
        assert not two_factor_required(user=User.objects.get(pk=user.pk)), user
    plain = User.objects.get(pk=plain.pk)
    with django_assert_num_queries(1):
        two_factor_required(user=plain)


def test_a_session_without_second_factor_is_asked_for_the_code(client):
    staff = UserFactory(is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="Téléphone", confirmed=True)
    client.force_login(staff)
    assert client.get("/admin/")["Location"] == "/compte/connexion/code/"
    client.post("/compte/connexion/code/", {"token": code_for(device)})
    assert client.get("/admin/").status_code == 200


def wrong_code_after_password(client):
    """A person with a second factor types their password, then a wrong code; (user, device, wrong code, answer)."""
    user = UserFactory()
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    login(client, user.email)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
    return user, device, wrong, client.post("/compte/connexion/code/", {"token": wrong})


def test_a_wrong_code_is_refused_and_then_throttled(client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        user, device, _wrong, response = wrong_code_after_password(client)
        assert "Ce code n'est pas valable" in page(response)
        assert "_auth_user_id" not in client.session
        # django-otp makes the next attempt wait (1 s, then 2, 4...): even the right code is refused meanwhile.
        client.post("/compte/connexion/code/", {"token": code_for(device)})
        assert "_auth_user_id" not in client.session
        traveller.shift(timedelta(seconds=30))
        client.post("/compte/connexion/code/", {"token": code_for(device)})
        assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_second_factor_codes_stop_after_five_like_the_sign_up_code(client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        user, device, wrong, response = wrong_code_after_password(client)
        assert "(4 essais restants)" in page(response)
        for _ in range(4):
            traveller.shift(timedelta(minutes=1))
            login(client, user.email)
            response = client.post("/compte/connexion/code/", {"token": wrong})
        assert "Trop de codes erronés" in page(response)
        traveller.shift(timedelta(minutes=1))
        login(client, user.email)
        client.post("/compte/connexion/code/", {"token": code_for(device)})
        assert "_auth_user_id" not in client.session
        traveller.shift(timedelta(minutes=16))
        login(client, user.email)
        client.post("/compte/connexion/code/", {"token": code_for(device)})
        assert client.session["_auth_user_id"] == str(user.pk)


def test_enrolment_refuses_a_wrong_code(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/compte/double-authentification/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
    response = client.post("/compte/double-authentification/", {"token": wrong})
    assert "Ce code n'est pas valable" in page(response)
    device.refresh_from_db()
    assert not device.confirmed

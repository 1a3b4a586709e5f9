"""Suspension of an account (seed 001 art. 6.1, seed 002 art. 8, seed 004): decided with a reason and an optional end,
sign-in refused with the reason, every access revoked, the person told; lifted; logged; distinct from deactivation."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from relais.accounts import services
from relais.accounts.models import AccountSuspension, User
from relais.notifications.models import Email

from .factories import PASSWORD, UserFactory, login_with_second_factor

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD):
    return client.post("/compte/connexion/", {"username": email, "password": password})


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def staff():
    return UserFactory(email="admin@relais.gouv.fr", is_staff=True, is_superuser=True)


def test_a_suspended_person_cannot_sign_in_and_is_told_why_and_until_when(client, staff):
    person = UserFactory()
    until = timezone.now() + timedelta(days=10)
    suspension = services.suspend_account(
        user=person, actor=staff, reason="Usage abusif des mises en relation", until=until
    )

    response = login(client, person.email)
    text = page(response)
    assert response.status_code == 200
    assert "Votre compte est suspendu" in text
    assert f"jusqu'au {timezone.localtime(until):%d/%m/%Y à %H:%M}" in text
    assert "Usage abusif des mises en relation" in text
    assert "_auth_user_id" not in client.session
    # A wrong password tells nothing of the suspension.
    assert "suspendu" not in page(login(Client(), person.email, "mauvais-mot-de-passe"))

    person.refresh_from_db()
    assert person.is_suspended and person.is_active
    assert (suspension.suspended_by, suspension.ends_at) == (staff, until)
    email = Email.objects.get(template="accounts/emails/account_suspended")
    assert email.to == [person.email]
    assert email.subject == "Relais : votre compte est suspendu"
    assert "Usage abusif des mises en relation" in email.text_body


def test_suspension_ends_the_sessions_in_progress_and_lifting_does_not_revive_them(staff):
    person = UserFactory()
    browser = Client()
    browser.force_login(person)
    assert browser.get("/compte/").status_code == 200
    services.suspend_account(user=person, actor=staff, reason="Enquête en cours")
    assert browser.get("/compte/").status_code == 302
    services.lift_suspension(user=person, actor=staff, reason="Enquête close")
    assert browser.get("/compte/").status_code == 302
    assert login(Client(), person.email).status_code == 302
    lifted = Email.objects.get(template="accounts/emails/account_suspension_lifted")
    assert lifted.to == [person.email]
    suspension = AccountSuspension.objects.get()
    assert (suspension.lifted_by, suspension.lift_reason) == (staff, "Enquête close")


def test_a_suspension_with_an_end_date_ends_by_itself(client, staff):
    person = UserFactory()
    services.suspend_account(user=person, actor=staff, reason="Sanction", until=timezone.now() + timedelta(days=3))
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        person.refresh_from_db()
        assert not person.is_suspended
        assert login(client, person.email).status_code == 302


def test_a_new_suspension_replaces_the_one_in_force_and_the_history_stays(staff):
    person = UserFactory()
    services.suspend_account(user=person, actor=staff, reason="Premier motif", until=timezone.now() + timedelta(days=1))
    services.suspend_account(user=person, actor=staff, reason="Second motif")
    first, second = AccountSuspension.objects.order_by("starts_at", "pk")
    assert first.lifted_at is not None and "Remplacée" in first.lift_reason
    assert second.lifted_at is None
    person.refresh_from_db()
    assert person.suspended_until is None and person.is_suspended


def test_suspension_requires_a_reason_a_future_end_and_someone_else(staff):
    person = UserFactory()
    with pytest.raises(ValidationError, match="motif"):
        services.suspend_account(user=person, actor=staff, reason="  ")
    with pytest.raises(ValidationError, match="à venir"):
        services.suspend_account(user=person, actor=staff, reason="x", until=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError, match="propre compte"):
        services.suspend_account(user=staff, actor=staff, reason="x")
    with pytest.raises(ValidationError, match="n'est pas suspendu"):
        services.lift_suspension(user=person, actor=staff)
    assert not AccountSuspension.objects.exists()


def test_suspension_is_distinct_from_deactivation(client, staff):
    person = UserFactory()
    services.deactivate_users(users=User.objects.filter(pk=person.pk), reason="Départ", actor=staff)
    text = page(login(client, person.email))
    assert "Ce compte est désactivé" in text
    assert "suspendu" not in text
    person.refresh_from_db()
    assert not person.is_suspended and person.credentials_revoked_at is not None


def test_a_password_reset_link_sent_before_the_suspension_dies_with_it(client, staff):
    person = UserFactory()
    client.post("/compte/mot-de-passe/oubli/", {"email": person.email})
    reset_path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", Email.objects.get().text_body).group(0)
    services.suspend_account(user=person, actor=staff, reason="Fraude")
    response = Client().get(reset_path, follow=True)
    assert "Ce lien n'est plus valable" in page(response)
    # No new link is sent to a suspended account.
    Client().post("/compte/mot-de-passe/oubli/", {"email": person.email})
    assert Email.objects.filter(template="accounts/emails/password_reset").count() == 1


def test_staff_suspend_from_the_admin_with_a_reason_and_an_end_then_lift(staff):
    admin = Client()
    login_with_second_factor(admin, staff)
    person = UserFactory()
    changelist = "/admin/accounts/user/"
    form_page = admin.post(changelist, {"action": "suspend", "_selected_action": [person.pk]})
    assert form_page.status_code == 200
    assert "Suspendre des comptes" in page(form_page)
    assert person.email in page(form_page)

    missing_reason = admin.post(
        changelist, {"action": "suspend", "_selected_action": [person.pk], "apply": "1", "reason": ""}
    )
    assert "Indiquez le motif de la suspension." in page(missing_reason)
    assert not AccountSuspension.objects.exists()

    end = (timezone.localdate() + timedelta(days=7)).isoformat()
    done = admin.post(
        changelist,
        {
            "action": "suspend",
            "_selected_action": [person.pk],
            "apply": "1",
            "reason": "Manquement à la charte",
            "until": end,
        },
    )
    assert done.status_code == 302
    suspension = AccountSuspension.objects.get(user=person)
    assert suspension.reason == "Manquement à la charte"
    last_day = (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y")
    email = Email.objects.get(template="accounts/emails/account_suspended")
    assert f"Votre compte Relais est suspendu jusqu'au {last_day} inclus." in email.text_body
    assert f"suspendu jusqu'au {last_day} inclus : vous ne pouvez pas vous connecter. Motif : Manquement" in page(
        login(Client(), person.email)
    )
    assert timezone.localtime(suspension.ends_at).date().isoformat() > end
    assert "Manquement à la charte" in page(admin.get(f"/admin/accounts/user/{person.pk}/change/"))
    assert admin.get("/admin/accounts/user/?suspendu=oui").context["cl"].result_count == 1

    admin.post(changelist, {"action": "lift_suspension", "_selected_action": [person.pk]})
    person.refresh_from_db()
    assert not person.is_suspended
    assert admin.get("/admin/accounts/accountsuspension/").status_code == 200


def test_staff_cannot_suspend_themselves_from_the_admin(staff):
    admin = Client()
    login_with_second_factor(admin, staff)
    admin.post(
        "/admin/accounts/user/",
        {"action": "suspend", "_selected_action": [staff.pk], "apply": "1", "reason": "Essai"},
    )
    assert not AccountSuspension.objects.exists()


def test_suspending_and_lifting_are_written_in_the_audit_log(staff):
    from relais.privacy.enums import AuditAction
    from relais.privacy.models import AuditEntry

    person = UserFactory()
    services.suspend_account(user=person, actor=staff, reason="Usage frauduleux signalé")
    services.lift_suspension(user=person, actor=staff)
    entries = AuditEntry.objects.filter(object_id=str(person.public_id)).order_by("pk")
    assert [entry.action for entry in entries] == [AuditAction.ACCOUNT_SUSPENDED, AuditAction.ACCOUNT_SUSPENSION_LIFTED]
    assert all(entry.actor_id == staff.pk for entry in entries)

"""Contacts from companies: 48 business hours (weekends and French public holidays excluded), reminder at half
time, breach recorded, one-click acknowledgement by a signed link that opens nothing else."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from relais.accounts.services import suspend_account
from relais.francenum.enums import ContactStatus
from relais.francenum.models import ContactRequest
from relais.francenum.services import contacts
from tests.francenum import factories
from tests.francenum.conftest import sent

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
DATA = {
    "contact_name": "Jean Dupont",
    "company_name": "Boulangerie Dupont",
    "email": "jean@boulangerie.fr",
    "message": "Nous voulons vendre en ligne.",
}


def contact_at(structure, moment):
    return contacts.create_contact(activator=structure, data=dict(DATA), now=moment)


@pytest.mark.parametrize(
    ("received", "due", "reminder"),
    [
        # Friday before Easter Monday 2026 (6 April): Friday 8 h, Tuesday 24 h, Wednesday 16 h.
        (datetime(2026, 4, 3, 16, 0), datetime(2026, 4, 8, 16, 0), datetime(2026, 4, 7, 16, 0)),
        # A plain Monday morning: Wednesday, same time.
        (datetime(2026, 3, 9, 9, 30), datetime(2026, 3, 11, 9, 30), datetime(2026, 3, 10, 9, 30)),
        # Saturday: the clock starts on Monday at midnight.
        (datetime(2026, 3, 14, 11, 0), datetime(2026, 3, 18, 0, 0), datetime(2026, 3, 17, 0, 0)),
        # The day before Ascension (Thursday 14 May 2026): Wednesday 14 h, Friday 24 h, Monday 10 h.
        (datetime(2026, 5, 13, 10, 0), datetime(2026, 5, 18, 10, 0), datetime(2026, 5, 15, 10, 0)),
        # 31 December: 1 January is a holiday, then the weekend.
        (datetime(2026, 12, 31, 12, 0), datetime(2027, 1, 5, 12, 0), datetime(2027, 1, 4, 12, 0)),
    ],
)
def test_the_deadline_is_exactly_48_business_hours(structure, received, due, reminder):
    contact = contact_at(structure, received.replace(tzinfo=PARIS))
    assert contact.due_at.astimezone(PARIS).replace(tzinfo=None) == due
    assert contact.reminder_at.astimezone(PARIS).replace(tzinfo=None) == reminder


def test_members_get_a_link_and_the_company_a_receipt(structure):
    factories.with_member(structure, email="associe@agence-lyon.fr")
    contact_at(structure, datetime(2026, 3, 9, 9, 30, tzinfo=PARIS))
    assert sorted(sent()) == sorted(
        [
            (["referent@agence-lyon.fr"], "France Num : une entreprise vous contacte (Boulangerie Dupont)"),
            (["associe@agence-lyon.fr"], "France Num : une entreprise vous contacte (Boulangerie Dupont)"),
            (["jean@boulangerie.fr"], f"Votre message à {structure.name} est envoyé"),
        ]
    )


def test_reminder_at_half_time_then_breach_recorded(structure):
    contact = contact_at(structure, datetime(2026, 4, 3, 16, 0, tzinfo=PARIS))
    with time_machine.travel(datetime(2026, 4, 7, 15, 59, tzinfo=PARIS), tick=False):
        call_command("francenum_reminders", "--wet-run")
    contact.refresh_from_db()
    assert contact.reminded_at is None
    with time_machine.travel(datetime(2026, 4, 7, 16, 1, tzinfo=PARIS), tick=False):
        call_command("francenum_reminders")  # dry run: nothing
        contact.refresh_from_db()
        assert contact.reminded_at is None
        call_command("francenum_reminders", "--wet-run")
        call_command("francenum_reminders", "--wet-run")
    contact.refresh_from_db()
    assert contact.reminded_at is not None and contact.breached_at is None
    reminders = [s for s in sent() if s[1].startswith("Rappel France Num")]
    assert reminders == [
        (["referent@agence-lyon.fr"], "Rappel France Num : accusez réception de la demande de Boulangerie Dupont")
    ]
    with time_machine.travel(datetime(2026, 4, 8, 16, 1, tzinfo=PARIS), tick=False):
        call_command("francenum_reminders", "--wet-run")
    contact.refresh_from_db()
    assert contact.breached_at is not None
    assert ContactRequest.objects.breached().filter(pk=contact.pk).exists()


def test_one_click_acknowledgement_tells_the_company(client, structure):
    contact = contact_at(structure, datetime(2026, 3, 9, 9, 30, tzinfo=PARIS))
    member = structure.members.get()
    url = reverse("activateurs:acknowledge", args=[contacts.acknowledgement_token(contact=contact, member=member)])
    assert client.get(url).status_code == 200
    contact.refresh_from_db()
    assert contact.status == ContactStatus.PENDING
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=PARIS), tick=False):
        response = client.post(url)
    assert "L'accusé de réception est enregistré" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ACKNOWLEDGED and contact.on_time
    assert contact.acknowledged_by == member.user
    assert sent()[-1] == (["jean@boulangerie.fr"], f"{structure.name} a bien reçu votre demande")
    client.post(url)
    assert len([s for s in sent() if s[1].endswith("a bien reçu votre demande")]) == 1
    # The link opened nothing else: no session.
    assert "_auth_user_id" not in client.session


def test_the_link_dies_with_a_password_change_or_a_suspension(client, structure, reviewer):
    contact = contact_at(structure, datetime(2026, 3, 9, 9, 30, tzinfo=PARIS))
    member = structure.members.select_related("user").get()
    token = contacts.acknowledgement_token(contact=contact, member=member)
    member.user.set_password("Un-autre-mot-de-passe-42")
    member.user.save()
    assert client.get(reverse("activateurs:acknowledge", args=[token])).status_code == 404
    member.user.refresh_from_db()
    token = contacts.acknowledgement_token(contact=contact, member=member)
    suspend_account(user=member.user, actor=reviewer, reason="Pratiques commerciales déloyales")
    assert client.post(reverse("activateurs:acknowledge", args=[token])).status_code == 404
    contact.refresh_from_db()
    assert contact.status == ContactStatus.PENDING


def test_a_link_is_for_one_contact_of_its_own_structure(client, structure):
    other = factories.activator(name="Autre structure", referent=factories.UserFactory())
    contact = contact_at(structure, datetime(2026, 3, 9, 9, 30, tzinfo=PARIS))
    stranger = other.members.get()
    token = contacts.acknowledgement_token(contact=contact, member=stranger)
    assert client.post(reverse("activateurs:acknowledge", args=[token])).status_code == 404
    tampered = contacts.acknowledgement_token(contact=contact, member=structure.members.get())[:-2] + "xx"
    assert client.get(reverse("activateurs:acknowledge", args=[tampered])).status_code == 404


def test_contact_form_honeypot_and_rate_limit(client, structure):
    url = reverse("activateurs:contact", args=[structure.slug])
    form = {**DATA, "consent": "on"}
    response = client.post(url, {**form, "website": "http://spam.example"})
    assert response.status_code == 302 and not ContactRequest.objects.exists()
    for _ in range(contacts_limit := 5):
        assert client.post(url, form).status_code == 302
    assert ContactRequest.objects.count() == contacts_limit
    response = client.post(url, form)
    assert response.status_code == 400
    assert "Trop de messages" in response.content.decode()
    assert ContactRequest.objects.count() == contacts_limit


def test_contact_form_errors_keep_what_was_typed(client, structure):
    response = client.post(
        reverse("activateurs:contact", args=[structure.slug]), {**DATA, "email": "pas-une-adresse", "consent": "on"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Erreur :" in page and "Boulangerie Dupont" in page and "Nous voulons vendre en ligne." in page


def test_structure_sees_its_requests_and_rate(client, structure):
    contact = contact_at(structure, datetime(2026, 3, 9, 9, 30, tzinfo=PARIS))
    contacts.acknowledge(contact=contact, member=structure.members.get(), now=datetime(2026, 3, 9, 10, 0, tzinfo=PARIS))
    contact_at(structure, datetime(2026, 3, 10, 9, 30, tzinfo=PARIS))
    client.force_login(structure.members.get().user)
    response = client.get(reverse("francenum:contacts"))
    assert "2 reçues, 1 accusée, dont 1 dans les 48 heures ouvrées (50 %)" in response.content.decode()


def test_breaches_per_structure_for_the_administration(client, structure, reviewer):
    contact = contact_at(structure, datetime(2026, 3, 9, 9, 30, tzinfo=PARIS))
    ContactRequest.objects.filter(pk=contact.pk).update(breached_at=contact.due_at + timedelta(minutes=1))
    client.force_login(reviewer)
    page = client.get(reverse("activateurs:breaches")).content.decode()
    assert structure.name in page

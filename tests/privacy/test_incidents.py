"""Incident reports: from the footer of the signed-in spaces to the security team's queue and the CNIL deadline."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from relais.privacy.enums import AuditAction, IncidentStatus
from relais.privacy.models import AuditEntry, IncidentReport
from tests.accounts.factories import UserFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db

REPORTED = datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def report(client, django_capture_on_commit_callbacks, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "kind": "disclosure",
        "description": "J’ai envoyé la fiche d’un besoin à une mauvaise adresse.",
        "occurred_on": "2026-05-03",
        "personal_data_breach": "on",
        **overrides,
    }
    with time_machine.travel(REPORTED, tick=False), django_capture_on_commit_callbacks(execute=True):
        return client.post("/incidents/signaler/", data)


def test_the_footer_of_signed_in_pages_links_to_the_form(client):
    assert "/incidents/signaler/" not in client.get("/").content.decode()
    client.force_login(UserFactory())
    assert 'href="/incidents/signaler/"' in client.get("/").content.decode()
    assert client.get("/incidents/signaler/").status_code == 200


def test_a_report_reaches_the_security_team(client, django_capture_on_commit_callbacks):
    agent = UserFactory(first_name="Paul", last_name="Agent")
    client.force_login(agent)
    response = report(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    incident = IncidentReport.objects.get()
    assert (incident.reporter, incident.status, incident.personal_data_breach) == (agent, "new", True)
    with time_machine.travel(REPORTED, tick=False):
        assert incident.reference in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["securite@relais.beta.gouv.fr"]
    assert "CNIL avant le 07/05/2026 09:00" in message.subject and incident.reference in message.subject
    assert AuditEntry.objects.filter(action=AuditAction.INCIDENT, actor=agent).exists()
    report(client, django_capture_on_commit_callbacks, submission_token=str(incident.submission_token))
    assert IncidentReport.objects.count() == 1


def test_errors_are_shown_in_french(client):
    client.force_login(UserFactory())
    response = client.post("/incidents/signaler/", {"submission_token": str(uuid.uuid4()), "occurred_on": "2999-01-01"})
    content = response.content.decode()
    assert "Choisissez la nature de l’incident." in content
    assert "ne peut pas être dans le futur" in content
    assert "<title>Erreur :" in content


def test_the_security_team_sees_the_72_hour_deadline_and_follows_up(
    client, security_member, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    report(client, django_capture_on_commit_callbacks)
    incident = IncidentReport.objects.get()
    with time_machine.travel(REPORTED + timedelta(hours=10), tick=False):
        team = logged_in(security_member)
        queue = team.get("/incidents/?onglet=cnil").content.decode()
        assert incident.reference in queue and "62 h" in queue
        page = team.get(f"/incidents/{incident.public_id}/").content.decode()
        assert "notification à la CNIL avant le 07/05/2026 à 09:00" in page
        team.post(
            f"/incidents/{incident.public_id}/",
            {"status": "investigating", "personal_data_breach": "on", "note": "Destinataire contacté."},
        )
    with time_machine.travel(REPORTED + timedelta(hours=73), tick=False):
        page = logged_in(security_member).get(f"/incidents/{incident.public_id}/").content.decode()
        assert "Le délai de 72 heures est dépassé" in page
        logged_in(security_member).post(
            f"/incidents/{incident.public_id}/",
            {"status": "investigating", "personal_data_breach": "on", "cnil_notified": "on", "note": ""},
        )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.INVESTIGATING and incident.cnil_notified_at
    assert incident.events.count() == 3


def test_a_transition_not_allowed_is_refused(client, security_member, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    report(client, django_capture_on_commit_callbacks)
    incident = IncidentReport.objects.get()
    team = logged_in(security_member)
    response = team.post(f"/incidents/{incident.public_id}/", {"status": "nope", "note": ""})
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert IncidentReport.objects.get().status == IncidentStatus.NEW


def test_the_queue_query_count_does_not_grow(security_member, django_assert_max_num_queries):
    for index in range(30):
        IncidentReport.objects.create(reference=f"INC-{index}", kind="other", description=".")
    team = logged_in(security_member)
    with django_assert_max_num_queries(12):
        assert team.get("/incidents/").status_code == 200

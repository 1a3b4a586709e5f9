"""The audit log: written by every app, searchable and exportable by administrators, never edited."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from relais.privacy.enums import AuditAction
from relais.privacy.models import AppendOnlyError, AuditEntry
from relais.privacy.permissions import SECURITY_GROUP, role_group
from relais.privacy.services.audit import record
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conseillers_entreprises.factories import ExpertFactory, MatchFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def test_sign_ins_and_failures_are_recorded_with_the_ip(client):
    user = UserFactory(email="lea@exemple.fr")
    client.post("/compte/connexion/", {"username": "lea@exemple.fr", "password": PASSWORD}, REMOTE_ADDR="192.0.2.7")
    Client().post("/compte/connexion/", {"username": "lea@exemple.fr", "password": "faux"}, REMOTE_ADDR="192.0.2.8")
    signed_in = AuditEntry.objects.get(action=AuditAction.SIGN_IN)
    assert (signed_in.actor, signed_in.ip) == (user, "192.0.2.7")
    failed = AuditEntry.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert (failed.object_label, failed.ip) == ("lea@exemple.fr", "192.0.2.8")


def test_role_changes_and_admin_changes_are_recorded(admin_client, admin_user):
    user = UserFactory()
    user.groups.add(role_group(SECURITY_GROUP))
    entry = AuditEntry.objects.get(action=AuditAction.RIGHTS_CHANGED)
    assert entry.details["groupes"] == ["Équipe sécurité"] and entry.object_id == str(user.public_id)
    group = Group.objects.create(name="Essai")
    admin_client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "Essai renommé"})
    change = AuditEntry.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert (change.actor, change.object_label, change.details["opération"]) == (
        admin_user,
        "Essai renommé",
        "modification",
    )


def test_bulk_deletions_in_the_admin_are_recorded(admin_client):
    groups = [Group.objects.create(name=f"Groupe {index}") for index in range(3)]
    admin_client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )
    assert not Group.objects.filter(name__startswith="Groupe ").exists()
    labels = set(AuditEntry.objects.filter(action=AuditAction.ADMIN_CHANGE).values_list("object_label", flat=True))
    assert labels == {"Groupe 0", "Groupe 1", "Groupe 2"}


def test_the_log_cannot_be_edited_from_the_admin(admin_client):
    entry = record(action=AuditAction.SIGN_IN_FAILED, target_label="x@exemple.fr")
    url = reverse("admin:privacy_auditentry_change", args=[entry.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    admin_client.post(url, {"object_label": "modifié", "action": "sign_in"})
    assert (
        admin_client.post(reverse("admin:privacy_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.get(reverse("admin:privacy_auditentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.object_label == "x@exemple.fr"


def test_the_log_cannot_be_edited_in_code():
    entry = record(action=AuditAction.SIGN_IN_FAILED, target_label="x@exemple.fr")
    entry.object_label = "autre"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_label="autre")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_viewing_a_need_records_the_view_of_the_contact_details():
    agent = UserFactory()
    need = MatchFactory(expert=ExpertFactory(users=[agent])).need
    client = logged_in(agent)
    assert client.get(f"/besoins/{need.public_id}/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.CONTACT_DETAILS_VIEWED)
    assert (entry.actor, entry.object_id) == (agent, str(need.public_id))


@pytest.fixture
def entries():
    record(action=AuditAction.SIGN_IN_FAILED, target_label='=HYPERLIEN("http://x")')
    record(action=AuditAction.SIGN_IN_FAILED, target_label="camille@exemple.fr")


def test_administrators_search_and_export_with_formulas_neutralised(auditor, entries):
    client = logged_in(auditor)
    content = client.get("/donnees-personnelles/journal/", {"q": "camille"}).content.decode()
    assert "camille@exemple.fr" in content and "HYPERLIEN" not in content
    response = client.get("/donnees-personnelles/journal/export.csv", {"action": "sign_in_failed"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Date"
    labels = {row[6] for row in rows[1:]}
    assert '\'=HYPERLIEN("http://x")' in labels and "camille@exemple.fr" in labels
    assert AuditEntry.objects.filter(action=AuditAction.DATA_EXPORTED, actor=auditor).exists()


def test_the_search_form_reports_errors(auditor):
    content = logged_in(auditor).get("/donnees-personnelles/journal/", {"start": "2025-05-02", "end": "2025-05-01"})
    assert "La date de fin doit suivre la date de début." in content.content.decode()


def test_the_log_page_query_count_does_not_grow(auditor, django_assert_max_num_queries):
    for index in range(60):
        record(action=AuditAction.SIGN_IN_FAILED, target_label=f"x{index}@exemple.fr")
    client = logged_in(auditor)
    with django_assert_max_num_queries(12):
        assert client.get("/donnees-personnelles/journal/").status_code == 200


def test_access_changes_of_the_portail_reach_the_platform_log():
    from relais.organizations.enums import AuditAction as AccessAction
    from relais.organizations.models import Organization
    from relais.organizations.services.common import record_audit

    manager, member = UserFactory(), UserFactory()
    organization = Organization.objects.create(siren="552100554", name="ATELIER DU RHÔNE")
    record_audit(
        action=AccessAction.RIGHTS_CHANGED, actor=manager, organization=organization, target=member, details={"x": 1}
    )
    entry = AuditEntry.objects.get(action=AuditAction.RIGHTS_CHANGED)
    assert (entry.actor, entry.object_id) == (manager, str(member.public_id))
    assert entry.details["organisation"] == "ATELIER DU RHÔNE"

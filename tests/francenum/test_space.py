"""The activator space: people (invitations, leaving, the referent's role), self-unsubscription, statistics,
engagement (reminders, re-engagement, new charter version)."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from relais.francenum.enums import MemberRole, MemberStatus, Status
from relais.francenum.models import Activator, ActivatorMember, Invitation, ProfileView, ThreadMessage
from relais.francenum.services import engagement
from relais.legal.models import TermsAcceptance
from relais.legal.services import accept_terms, publish_terms_version
from tests.accounts.factories import UserFactory
from tests.francenum import factories
from tests.francenum.conftest import sent

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def test_the_referent_invites_a_colleague_who_joins(client, structure, referent):
    client.force_login(referent)
    client.post(reverse("francenum:invite"), {"email": "Collegue@Agence-Lyon.fr"})
    invitation = Invitation.objects.get()
    assert sent()[-1] == (["collegue@agence-lyon.fr"], f"Invitation à rejoindre {structure.name} sur France Num")
    colleague = UserFactory(email="collegue@agence-lyon.fr")
    stranger = UserFactory(email="autre@exemple.fr")
    client.force_login(stranger)
    assert client.get(reverse("activateurs:invitation", args=[invitation.public_id])).status_code == 404
    client.force_login(colleague)
    response = client.post(reverse("activateurs:invitation", args=[invitation.public_id]))
    assert response["Location"] == reverse("francenum:profile")
    member = ActivatorMember.objects.get(user=colleague)
    assert member.role == MemberRole.MEMBER and member.activator == structure


def test_a_member_cannot_invite(client, structure):
    member = factories.with_member(structure)
    client.force_login(member.user)
    assert client.post(reverse("francenum:invite"), {"email": "x@exemple.fr"}).status_code == 403


def test_hand_over_then_leave(client, structure, referent):
    colleague = factories.with_member(structure, email="collegue@agence-lyon.fr")
    client.force_login(referent)
    response = client.post(
        reverse("francenum:leave"), {"scope": "member", "message": "Je change de poste.", "confirm": "on"}
    )
    assert "Confiez d'abord le rôle de référent" in html.unescape(response.content.decode())
    client.post(reverse("francenum:hand_over"), {"member": colleague.pk})
    colleague.refresh_from_db()
    assert colleague.is_referent
    client.post(reverse("francenum:leave"), {"scope": "member", "message": "Je change de poste.", "confirm": "on"})
    mine = ActivatorMember.objects.get(user=referent)
    assert mine.status == MemberStatus.LEFT
    assert ThreadMessage.objects.filter(activator=structure, body__contains="Je change de poste.").exists()
    structure.refresh_from_db()
    assert structure.status == Status.VALIDATED
    assert client.get(reverse("francenum:home")).status_code == 403


def test_the_referent_unsubscribes_the_whole_structure(client, structure, referent, reviewer):
    client.force_login(referent)
    client.post(reverse("francenum:leave"), {"scope": "structure", "message": "Cessation d'activité.", "confirm": "on"})
    structure.refresh_from_db()
    assert structure.status == Status.CANCELLED
    assert client.get(reverse("activateurs:profile", args=[structure.slug])).status_code == 404
    assert (["instructeur@francenum.gouv.fr"], f"France Num : désinscription chez {structure.name}") in sent()


def test_my_statistics_chart_and_table(client, structure, referent, django_assert_max_num_queries):
    ProfileView.objects.create(activator=structure, month=timezone.localdate().replace(day=1), count=42)
    client.force_login(referent)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("francenum:statistics"))
    text = response.content.decode()
    assert "Mes statistiques" in text and "<caption>Consultations et contacts par mois</caption>" in text
    assert "<td>42</td>" in text and "fn-h-100" in text


def test_admin_statistics_with_filters_and_csv(client, structure, reviewer):
    ProfileView.objects.create(activator=structure, month=timezone.localdate().replace(day=1), count=7)
    client.force_login(reviewer)
    assert (
        "7 consultations"
        in client.get(reverse("activateurs:admin_statistics"), {"region": structure.region_id}).content.decode()
    )
    assert "0 consultations" in client.get(reverse("activateurs:admin_statistics"), {"type": "esn"}).content.decode()
    csv_text = b"".join(client.get(reverse("activateurs:admin_statistics_csv")).streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Mois;Consultations des fiches;Contacts reçus")
    assert f"{timezone.localdate():%Y-%m};7;0;0;0" in csv_text


def test_expiry_reminders_at_60_30_and_7_days(structure):
    ends = datetime(2027, 6, 1, 10, 0, tzinfo=PARIS)
    Activator.objects.filter(pk=structure.pk).update(engagement_ends_at=ends)
    for days_before, expected in ((61, []), (60, [60]), (45, [60]), (30, [60, 30]), (7, [60, 30, 7]), (3, [60, 30, 7])):
        with time_machine.travel(ends - timedelta(days=days_before) + timedelta(minutes=1), tick=False):
            call_command("francenum_reminders", "--wet-run")
        structure.refresh_from_db()
        assert structure.expiry_reminders == expected, days_before
    subjects = [subject for _to, subject in sent()]
    assert subjects == [
        "France Num : votre engagement prend fin dans 60 jours",
        "France Num : votre engagement prend fin dans 30 jours",
        "France Num : votre engagement prend fin dans 7 jours",
    ]


def test_reengaging_is_accepting_the_charter_again(client, structure, referent):
    charter = publish_terms_version(scope="francenum", version="2022", body="Charte", notify=False)
    accept_terms(user=referent, versions=[charter])
    Activator.objects.filter(pk=structure.pk).update(engagement_ends_at=timezone.now() + timedelta(days=5))
    client.force_login(referent)
    client.post(reverse("francenum:engagement"), {"accept": "on"})
    structure.refresh_from_db()
    assert structure.engagement_ends_at > timezone.now() + timedelta(days=700)
    assert structure.events.filter(kind="reengaged").exists()


def test_a_new_charter_is_announced_and_asked_at_the_next_visit(client, structure, referent):
    old = publish_terms_version(
        scope="francenum",
        version="2022",
        body="Charte",
        published_at=timezone.now() - timedelta(days=100),
        notify=False,
    )
    accept_terms(user=referent, versions=[old])
    client.force_login(referent)
    assert client.get(reverse("francenum:home")).status_code == 200
    new = publish_terms_version(scope="francenum", version="2026", body="Charte modifiée", summary="Article 4")
    assert (["referent@agence-lyon.fr"], "Nouvelles conditions d'utilisation — Activateurs France Num") in sent()
    client.logout()
    client.force_login(referent)
    response = client.get(reverse("francenum:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("legal:accept"))
    # The public directory does not ask for it.
    assert client.get(reverse("activateurs:directory")).status_code == 200
    # Without acceptance within the grace period, the structure and its accounts are deleted (privacy rule).
    with time_machine.travel(new.published_at + engagement.CHARTER_GRACE - timedelta(minutes=1), tick=False):
        assert list(engagement.without_current_charter(timezone.now())) == []
    with time_machine.travel(new.published_at + engagement.CHARTER_GRACE + timedelta(minutes=1), tick=False):
        assert list(engagement.without_current_charter(timezone.now())) == [structure]
    TermsAcceptance.objects.create(user=referent, version=new)
    with time_machine.travel(new.published_at + engagement.CHARTER_GRACE + timedelta(minutes=1), tick=False):
        assert list(engagement.without_current_charter(timezone.now())) == []


def test_a_member_of_a_suspended_structure_is_told_and_kept_out(client, referent):
    factories.activator(referent=referent, status=Status.SUSPENDED)
    client.force_login(referent)
    response = client.get(reverse("francenum:contacts"))
    assert response.status_code == 403 and "suspendue" in response.content.decode()

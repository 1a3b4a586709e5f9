"""Validation by the administration: queue, regional limits, thread both ways, decisions, deletion without answer."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from relais.accounts.models import User
from relais.francenum.enums import Status
from relais.francenum.models import Activator, ActivatorEvent, ThreadMessage
from relais.francenum.services import review
from relais.privacy.enums import AuditAction
from relais.privacy.models import AuditEntry
from relais.privacy.registry import registry
from relais.privacy.services.retention import apply_rule
from tests.francenum import factories
from tests.francenum.conftest import sent

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def application(referent):
    return factories.activator(referent=referent, status=Status.SUBMITTED, name="Agence Pixel")


def test_queue_tabs_filters_and_search(client, reviewer, application):
    factories.activator(name="Studio Paris", commune=factories.paris(), status=Status.VALIDATED)
    client.force_login(reviewer)
    text = client.get(reverse("activateurs:review_queue")).content.decode()
    assert "À instruire (1)" in text and "Validées (1)" in text and "Agence Pixel" in text
    assert "Studio Paris" not in text
    text = client.get(reverse("activateurs:review_queue") + "?onglet=validees&q=studio").content.decode()
    assert "Studio Paris" in text
    text = client.get(reverse("activateurs:review_queue") + "?onglet=validees&q=pixel").content.decode()
    assert "Studio Paris" not in text


def test_queue_query_count_does_not_grow(client, reviewer, django_assert_max_num_queries):
    for n in range(25):
        factories.activator(name=f"Structure {n}", status=Status.SUBMITTED)
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("activateurs:review_queue")).status_code == 200


def test_a_regional_reviewer_sees_only_its_region(client, application):
    paris = factories.paris()
    other = factories.activator(name="Studio Paris", commune=paris, status=Status.SUBMITTED)
    regional = factories.regional_reviewer(application.region, email="dreets@ara.gouv.fr")
    client.force_login(regional)
    text = client.get(reverse("activateurs:review_queue")).content.decode()
    assert "Agence Pixel" in text and "Studio Paris" not in text
    assert client.get(reverse("activateurs:review_detail", args=[other.public_id])).status_code == 404
    response = client.post(reverse("activateurs:review_decide", args=[other.public_id]), {"decision": "validate"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED


def test_request_for_information_answered_in_the_thread(client, reviewer, application, referent):
    client.force_login(reviewer)
    response = client.post(
        reverse("activateurs:review_decide", args=[application.public_id]),
        {"decision": "request_information", "message": "Merci de joindre une référence client."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.AWAITING_ANSWER and application.info_requested_at
    assert sent()[-1] == (["referent@agence-lyon.fr"], "France Num : un message de l'administration pour Agence Pixel")
    client.force_login(referent)
    response = client.post(reverse("francenum:application"), {"body": "Voici la référence : Boulangerie Dupont."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert sent()[-1] == (["instructeur@francenum.gouv.fr"], "France Num : message de Agence Pixel")
    kinds = list(ActivatorEvent.objects.filter(activator=application).values_list("kind", flat=True))
    assert kinds == ["answered", "info_requested"]


def test_validation_publishes_and_is_logged(client, reviewer, application):
    client.force_login(reviewer)
    assert client.get(reverse("activateurs:profile", args=[application.slug])).status_code == 404
    client.post(reverse("activateurs:review_decide", args=[application.public_id]), {"decision": "validate"})
    application.refresh_from_db()
    assert application.status == Status.VALIDATED
    ends, validated = application.engagement_ends_at, application.validated_at
    assert (ends.year - validated.year, ends.month, ends.day) == (2, validated.month, validated.day)
    assert sent()[-1] == (["referent@agence-lyon.fr"], "Votre adhésion à France Num est validée")
    assert AuditEntry.objects.filter(action=AuditAction.ADMIN_CHANGE, actor=reviewer).exists()
    event = ActivatorEvent.objects.get(activator=application, kind="validated")
    assert event.actor == reviewer
    client.logout()
    assert client.get(reverse("activateurs:profile", args=[application.slug])).status_code == 200
    assert "Agence Pixel" in client.get(reverse("activateurs:open_data", args=["csv"])).content.decode()


def test_refusal_needs_a_message(client, reviewer, application):
    client.force_login(reviewer)
    client.post(reverse("activateurs:review_decide", args=[application.public_id]), {"decision": "refuse"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    client.post(
        reverse("activateurs:review_decide", args=[application.public_id]),
        {"decision": "refuse", "message": "Activité sans lien avec le numérique."},
    )
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert sent()[-1] == (["referent@agence-lyon.fr"], "Votre demande d'adhésion à France Num est refusée")


def test_detail_shows_the_checks(client, reviewer, application):
    client.force_login(reviewer)
    text = client.get(reverse("activateurs:review_detail", args=[application.public_id])).content.decode()
    assert "Vérifications (charte, article 2)" in text
    assert "Accord du responsable de la structure" in text and "Claire Martin, Gérante" in text
    assert "Site internet : mentions légales et page données personnelles" in text


def test_no_answer_for_three_months_warns_then_deletes_with_the_accounts(reviewer, application, referent):
    start = datetime(2026, 1, 5, 10, 0, tzinfo=PARIS)
    with time_machine.travel(start, tick=False):
        review.request_information(activator=application, actor=reviewer, body="Joignez un Kbis.")
    rule = registry.rules["francenum-demandes-sans-reponse"]
    with time_machine.travel(start + timedelta(days=60), tick=False):
        outcome = apply_rule(rule, wet_run=True)
    assert (outcome.warned, outcome.processed) == (0, 0)
    with time_machine.travel(datetime(2026, 3, 21, 10, 1, tzinfo=PARIS), tick=False):
        outcome = apply_rule(rule, wet_run=True)
    assert (outcome.warned, outcome.processed) == (1, 0)
    assert sent()[-1] == (["referent@agence-lyon.fr"], "France Num : votre demande sera supprimée le 5 avril 2026")
    with time_machine.travel(datetime(2026, 4, 5, 10, 2, tzinfo=PARIS), tick=False):
        outcome = apply_rule(rule, wet_run=True)
    assert outcome.processed == 1
    assert not User.objects.filter(pk=referent.pk).exists()
    assert not Activator.objects.filter(pk=application.pk).exists()
    assert not ThreadMessage.objects.filter(activator_id=application.pk).exists()


def test_an_answer_stops_the_deletion(reviewer, application, referent):
    start = datetime(2026, 1, 5, 10, 0, tzinfo=PARIS)
    with time_machine.travel(start, tick=False):
        review.request_information(activator=application, actor=reviewer, body="Joignez un Kbis.")
    with time_machine.travel(start + timedelta(days=80), tick=False):
        review.post_message(activator=application, author=referent, body="Le voici.", from_administration=False)
    with time_machine.travel(start + timedelta(days=120), tick=False):
        outcome = apply_rule(registry.rules["francenum-demandes-sans-reponse"], wet_run=True)
    assert outcome.processed == 0
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_sanctions_suspend_lift_and_delete(client, reviewer, structure, referent):
    client.force_login(reviewer)
    url = reverse("activateurs:review_sanction", args=[structure.public_id])
    client.post(url, {"action": "suspend", "reason": "Pratiques commerciales déloyales"})
    structure.refresh_from_db()
    assert structure.status == Status.SUSPENDED
    assert client.get(reverse("activateurs:profile", args=[structure.slug])).status_code == 404
    member_client = client.__class__()
    member_client.force_login(referent)
    assert member_client.get(reverse("francenum:home")).status_code == 403
    client.post(url, {"action": "lift"})
    structure.refresh_from_db()
    assert structure.status == Status.VALIDATED
    assert [subject for _to, subject in sent()] == [
        "Votre structure est suspendue du programme France Num",
        "La suspension de votre structure est levée",
    ]
    client.post(url, {"action": "delete", "reason": "Récidive"})
    assert not User.objects.filter(pk=referent.pk).exists()
    # The person's emails are erased with the account, but for the goodbye.
    assert sent() == [
        (["referent@agence-lyon.fr"], "Relais : votre compte est supprimé"),
        (["referent@agence-lyon.fr"], "Votre structure est retirée du programme France Num"),
    ]
    assert AuditEntry.objects.filter(action=AuditAction.ACCOUNT_DELETED, actor=reviewer).exists()


def test_member_sanction_can_suspend_the_relais_account(client, reviewer, structure, referent):
    client.force_login(reviewer)
    member = structure.members.get()
    client.post(
        reverse("activateurs:review_member_sanction", args=[structure.public_id, member.public_id]),
        {"action": "suspend", "reason": "Faux avis", "suspend_account": "on"},
    )
    member.refresh_from_db()
    referent.refresh_from_db()
    assert member.status == "suspended" and referent.is_suspended

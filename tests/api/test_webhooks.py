import hashlib
import hmac
import json
from datetime import timedelta

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone

from relais.api import webhooks
from relais.api.enums import DeliveryStatus
from relais.api.models import WebhookDelivery
from relais.api.services.partners import configure_webhook
from relais.conseillers_entreprises.enums import NeedStatus
from relais.conseillers_entreprises.models import CancellationTemplate
from relais.conseillers_entreprises.services import positioning, triage
from tests.accounts.factories import UserFactory
from tests.conseillers_entreprises.factories import (
    DiagnosisFactory,
    ExpertFactory,
    MatchFactory,
    NeedFactory,
    SolicitationFactory,
)

pytestmark = pytest.mark.django_db

HOOK = "https://partenaire.example/relais"


class Recorder:
    def __init__(self, status=200):
        self.status = status
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        return httpx.Response(self.status)


@pytest.fixture
def receiver(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(webhooks, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(recorder)))
    return recorder


@pytest.fixture
def hooked(partner):
    return configure_webhook(partner=partner, url=HOOK, regenerate_secret=False, actor=None)


@pytest.fixture
def solicitation(landing):
    return SolicitationFactory(landing=landing)


def test_status_change_sends_a_signed_post_after_commit(
    hooked, solicitation, receiver, django_capture_on_commit_callbacks
):
    template = CancellationTemplate.objects.create(slug="hors-champ", title="Hors du champ")
    with django_capture_on_commit_callbacks(execute=True):
        triage.cancel_solicitation(solicitation=solicitation, template=template, actor=UserFactory())
    [request] = receiver.requests
    assert str(request.url) == HOOK
    body = request.content
    payload = json.loads(body)
    assert payload["event"] == "solicitation.updated"
    assert payload["solicitation"]["id"] == str(solicitation.public_id)
    assert payload["solicitation"]["status"] == "canceled"
    timestamp, signature = (part.split("=", 1)[1] for part in request.headers["Relais-Signature"].split(","))
    expected = hmac.new(hooked.webhook_secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SENT


def test_take_charge_notifies_the_partner(hooked, solicitation, receiver, django_capture_on_commit_callbacks):
    need = NeedFactory(diagnosis=DiagnosisFactory(solicitation=solicitation), status=NeedStatus.QUO)
    agent = UserFactory()
    match = MatchFactory(need=need, expert=ExpertFactory(users=[agent]))
    with django_capture_on_commit_callbacks(execute=True):
        positioning.take_charge(match=match, actor=agent)
    # The match's and the need's changes in one transaction make one delivery.
    assert WebhookDelivery.objects.count() == 1
    [request] = receiver.requests
    assert json.loads(request.content)["solicitation"]["needs"][0]["status"] == "taking_care"


def test_nothing_is_sent_without_a_webhook_or_for_another_institutions_request(partner, landing, receiver):
    SolicitationFactory(landing=landing).save(update_fields=["status"])
    configure_webhook(partner=partner, url=HOOK, regenerate_secret=False, actor=None)
    SolicitationFactory().save(update_fields=["status"])
    assert not WebhookDelivery.objects.exists()


def test_failed_delivery_is_retried_with_backoff_then_abandoned(hooked, solicitation, monkeypatch):
    failing = Recorder(status=500)
    monkeypatch.setattr(webhooks, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(failing)))
    solicitation.save(update_fields=["status"])
    delivery = WebhookDelivery.objects.get()
    assert webhooks.deliver(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert timedelta(seconds=50) < delivery.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert "500" in delivery.last_error
    call_command("send_due_webhooks")
    assert len(failing.requests) == 1  # not due yet
    for _ in range(9):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        call_command("send_due_webhooks")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 10


def test_private_addresses_are_refused_in_production(hooked, solicitation, receiver, settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = False
    hooked.webhook_url = "https://127.0.0.1/hook"
    hooked.save()
    solicitation.save(update_fields=["status"])
    assert webhooks.deliver(delivery_id=WebhookDelivery.objects.get().pk) == "retry"
    assert not receiver.requests
    assert "adresse privée" in WebhookDelivery.objects.get().last_error

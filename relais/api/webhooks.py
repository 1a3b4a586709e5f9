"""Partners' webhooks: a signed POST when a request filed on one of their landings changes status.

Outbox pattern, like the emails (relais/notifications/services.py): a status change writes a `WebhookDelivery`
row in its own transaction (signal receivers below, so that Conseillers-Entreprises names no API concept); after
commit a task sends it; `send_due_webhooks` (every minute) retries failures with a growing delay. The body is the
request's current representation, built when it is sent: a partner always receives the latest state, and several
changes in a row waiting for the same partner make a single delivery.

A worker claims a row with one conditional UPDATE before the HTTP call and records the outcome only if it still
holds the claim: two workers never send the same delivery; a worker dying mid-call leads to one more attempt.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django_tasks import task

from relais.conseillers_entreprises.models import Match, Need, Solicitation

from .enums import DeliveryStatus
from .models import WEBHOOK_MAX_ATTEMPTS, Partner, WebhookDelivery
from .representations import solicitation_out
from .schemas.conseillers_entreprises import SolicitationOut
from .scoping import solicitations_with_needs

logger = logging.getLogger(__name__)

EVENT = "solicitation.updated"
SIGNATURE_HEADER = "Relais-Signature"
TIMEOUT_SECONDS = 10
# Delay before attempt n+1 after attempt n failed; the last one repeats (ten attempts over about two days).
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)


class UnsafeDestination(Exception):
    pass


def new_secret() -> str:
    return secrets.token_hex(32)


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signed}"


# Writing deliveries: called from the receivers of the status changes, inside their transaction.


def queue_delivery(*, solicitation_id: int) -> WebhookDelivery | None:
    """Plan a delivery to the webhook of the partner whose landing received the request, if it has one."""
    institution_id = (
        Solicitation.objects.filter(pk=solicitation_id).values_list("landing__institution_id", flat=True).first()
    )
    if institution_id is None:
        return None
    partner = Partner.objects.filter(institution_id=institution_id, is_active=True).exclude(webhook_url="").first()
    if partner is None:
        return None
    waiting = WebhookDelivery.objects.filter(
        partner=partner, solicitation_id=solicitation_id, status=DeliveryStatus.PENDING, attempts=0
    )
    if waiting.exists():
        return None
    delivery = WebhookDelivery.objects.create(partner=partner, solicitation_id=solicitation_id)
    # robust: the status change is committed; if the task queue is down, send_due_webhooks picks the row up.
    transaction.on_commit(partial(send_webhook.enqueue, delivery.pk), robust=True)
    return delivery


def _status_saved(kwargs) -> bool:
    update_fields = kwargs.get("update_fields")
    return not kwargs.get("created") and update_fields is not None and "status" in update_fields


def _on_solicitation_saved(sender, instance, **kwargs):
    if _status_saved(kwargs):
        queue_delivery(solicitation_id=instance.pk)


def _on_need_saved(sender, instance, **kwargs):
    if _status_saved(kwargs):
        solicitation_id = Need.objects.filter(pk=instance.pk).values_list("diagnosis__solicitation_id", flat=True)
        if (found := solicitation_id.first()) is not None:
            queue_delivery(solicitation_id=found)


def _on_match_saved(sender, instance, **kwargs):
    if _status_saved(kwargs):
        solicitation_id = Match.objects.filter(pk=instance.pk).values_list(
            "need__diagnosis__solicitation_id", flat=True
        )
        if (found := solicitation_id.first()) is not None:
            queue_delivery(solicitation_id=found)


def connect_signals() -> None:
    post_save.connect(_on_solicitation_saved, sender=Solicitation, dispatch_uid="api_webhook_solicitation")
    post_save.connect(_on_need_saved, sender=Need, dispatch_uid="api_webhook_need")
    post_save.connect(_on_match_saved, sender=Match, dispatch_uid="api_webhook_match")


# Sending.


def _check_destination(url: str) -> None:
    """Refuse addresses of our own network (SSRF) unless settings allow them (development and tests)."""
    if settings.API_WEBHOOK_ALLOW_PRIVATE:
        return
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise UnsafeDestination("Le webhook doit être une adresse https://.")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as error:
        raise UnsafeDestination(f"Nom de domaine introuvable : {parts.hostname}") from error
    if any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
        raise UnsafeDestination(f"{parts.hostname} désigne une adresse privée : envoi refusé.")


def http_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)


def body_for(delivery: WebhookDelivery) -> bytes:
    solicitation = solicitations_with_needs().get(pk=delivery.solicitation_id)
    representation = SolicitationOut.model_validate(solicitation_out(solicitation)).model_dump(mode="json")
    content = {
        "event": EVENT,
        "delivery": str(delivery.public_id),
        "solicitation": representation,
    }
    return json.dumps(content, ensure_ascii=False).encode()


def deliver(*, delivery_id: int, client: httpx.Client | None = None) -> str:
    """Send one delivery if it is due and nobody else is sending it; record the outcome."""
    now = timezone.now()
    token = uuid.uuid4()
    claimed = (
        WebhookDelivery.objects.due(now)
        .filter(pk=delivery_id)
        .update(status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("partner").get(pk=delivery_id)
    partner = delivery.partner
    try:
        if not partner.webhook_url or not partner.is_active:
            raise UnsafeDestination("Le partenaire n’a plus de webhook.")
        _check_destination(partner.webhook_url)
        body = body_for(delivery)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Relais-Webhook/1.0",
            "Relais-Delivery": str(delivery.public_id),
            SIGNATURE_HEADER: sign(secret=partner.webhook_secret, timestamp=int(time.time()), body=body),
        }
        if client is not None:
            response = client.post(partner.webhook_url, content=body, headers=headers)
        else:
            with http_client() as http:
                response = http.post(partner.webhook_url, content=body, headers=headers)
        if not 200 <= response.status_code < 300:
            raise httpx.HTTPStatusError(f"réponse {response.status_code}", request=response.request, response=response)
    except (httpx.HTTPError, UnsafeDestination) as error:
        logger.warning(
            "Webhook %s de %s : échec (tentative %s) : %s", delivery.public_id, partner, delivery.attempts, error
        )
        return _record_failure(delivery, token, error)
    WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), claim_token=None, claimed_at=None, last_error=""
    )
    return "sent"


@task()
def send_webhook(delivery_id: int) -> str:
    return deliver(delivery_id=delivery_id)


def _record_failure(delivery: WebhookDelivery, token: uuid.UUID, error: Exception) -> str:
    failed = delivery.attempts >= WEBHOOK_MAX_ATTEMPTS
    changes = {"last_error": f"{type(error).__name__} : {error}"[:2000], "claim_token": None, "claimed_at": None}
    if failed:
        changes["status"] = DeliveryStatus.FAILED
    else:
        changes["status"] = DeliveryStatus.PENDING
        changes["next_attempt_at"] = timezone.now() + BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
    WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(**changes)
    return "failed" if failed else "retry"


def send_due_webhooks(*, batch_size: int = 100) -> int:
    """Send every due delivery (new ones whose task was lost, and retries); return how many were received."""
    sent = 0
    ids = list(WebhookDelivery.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:batch_size])
    with http_client() as client:
        for delivery_id in ids:
            sent += deliver(delivery_id=delivery_id, client=client) == "sent"
    return sent

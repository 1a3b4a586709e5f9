"""Rights requests of people without an account: received on the public form, handled by the DPO within a month.

Each state change locks the request, writes a `DataRightsEvent` and an audit entry, and queues its emails in the
same transaction. The DPO acts through the same registry as "Mes données personnelles": `collect` for an access,
`erase_subject` for an erasure, the registered objections for a limitation or an opposition.
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from relais.core.ratelimit import RateLimit
from relais.core.uploads import delete_after_commit
from relais.notifications.services import queue_email

from ..enums import AuditAction, DataRight, RequestEventKind, RequestStatus
from ..models import DataRightsEvent, DataRightsRequest
from ..models.rights import REMINDER_DAYS
from ..registry import DataSubject, registry
from .audit import record
from .objections import apply_objection
from .personal_data import collect, erase_subject

# A person makes one request, rarely three in an hour; counted per IP and per address.
REQUEST_LIMIT = RateLimit("privacy-rights-request", limit=3, seconds=60 * 60)
EXPORT_SALT = "relais.privacy.rights-request-export"
EXPORT_LINK_MAX_AGE = timedelta(days=30)
EXPORT_RIGHTS = (DataRight.ACCESS, DataRight.PORTABILITY)


class TransitionError(Exception):
    pass


def _reference() -> str:
    return f"DR-{timezone.localdate():%Y}-{secrets.token_hex(3).upper()}"


def _event(rights_request, kind, *, author=None, message="", details=None, request=None) -> DataRightsEvent:
    event = DataRightsEvent.objects.create(
        request=rights_request, kind=kind, author=author, message=message, details=details or {}
    )
    record(
        action=AuditAction.DATA_RIGHTS_REQUEST,
        actor=author,
        request=request,
        target=rights_request,
        target_label=rights_request.reference,
        details={"événement": RequestEventKind(kind).label, **(details or {})},
    )
    return event


def submit_request(
    *,
    right: str,
    service: str,
    name: str,
    email: str,
    details: str,
    identity_proof,
    submission_token: uuid.UUID,
    request=None,
) -> DataRightsRequest:
    """Record the request, acknowledge it to the person and tell the DPO; a second submit returns the first."""
    existing = DataRightsRequest.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            rights_request = DataRightsRequest.objects.create(
                reference=_reference(),
                right=right,
                service=service,
                name=name.strip(),
                email=email.strip().lower(),
                details=details.strip(),
                identity_proof=identity_proof,
                submission_token=submission_token,
            )
            _event(rights_request, RequestEventKind.SUBMITTED, request=request)
            context = {"rights_request": rights_request}
            queue_email(to=[rights_request.email], template="privacy/emails/request_received", context=context)
            queue_email(to=[settings.DPO_EMAIL], template="privacy/emails/request_to_dpo", context=context)
    except IntegrityError:
        existing = DataRightsRequest.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return existing
    return rights_request


def _locked(rights_request: DataRightsRequest) -> DataRightsRequest:
    return DataRightsRequest.objects.select_for_update().get(pk=rights_request.pk)


def subject_of(rights_request: DataRightsRequest) -> DataSubject:
    """The person: the address of the request, and the account that uses it, if any."""
    user = get_user_model().objects.filter(email__iexact=rights_request.email).first()
    return DataSubject(email=rights_request.email, user=user)


def verify_identity(*, rights_request: DataRightsRequest, actor, request=None) -> DataRightsRequest:
    with transaction.atomic():
        locked = _locked(rights_request)
        if locked.status != RequestStatus.RECEIVED:
            raise TransitionError("L’identité de cette demande est déjà vérifiée, ou la demande est close.")
        locked.status = RequestStatus.IDENTITY_VERIFIED
        locked.identity_verified_at = timezone.now()
        locked.save(update_fields=["status", "identity_verified_at"])
        _event(locked, RequestEventKind.IDENTITY_VERIFIED, author=actor, request=request)
    return locked


def _verified(rights_request: DataRightsRequest) -> DataRightsRequest:
    locked = _locked(rights_request)
    if locked.status != RequestStatus.IDENTITY_VERIFIED:
        raise TransitionError("Vérifiez d’abord l’identité de la personne : rien n’est fait pour elle avant.")
    return locked


def record_export(*, rights_request: DataRightsRequest, actor, request=None):
    """What the person will receive: the sections of the export, counted in the request's trail."""
    with transaction.atomic():
        locked = _verified(rights_request)
        sections = collect(subject_of(locked))
        counts = {section.label: len(section.rows) for section in sections}
        _event(locked, RequestEventKind.DATA_EXPORTED, author=actor, details={"lignes": counts}, request=request)
    return sections


def erase_data(*, rights_request: DataRightsRequest, actor, request=None) -> dict[str, int]:
    """Erase the person through every app's eraser, their account included."""
    with transaction.atomic():
        locked = _verified(rights_request)
        counts = erase_subject(
            subject=subject_of(locked),
            actor=actor,
            reason=f"demande {locked.reference}",
            request=request,
            include_account=True,
        )
        _event(locked, RequestEventKind.DATA_ERASED, author=actor, details={"lignes": counts}, request=request)
    return counts


def apply_request_objection(*, rights_request: DataRightsRequest, actor, slug: str, request=None) -> None:
    if slug not in registry.objections:
        raise ValidationError("Traitement inconnu.")
    with transaction.atomic():
        locked = _verified(rights_request)
        apply_objection(slug=slug, subject=subject_of(locked), actor=actor, request=request)
        label = registry.objections[slug].label
        _event(locked, RequestEventKind.OBJECTION_APPLIED, author=actor, details={"traitement": label}, request=request)


def add_note(*, rights_request: DataRightsRequest, actor, message: str, request=None) -> None:
    with transaction.atomic():
        _event(_locked(rights_request), RequestEventKind.NOTE, author=actor, message=message.strip(), request=request)


def export_token(rights_request: DataRightsRequest) -> str:
    return signing.dumps({"request": str(rights_request.public_id)}, salt=EXPORT_SALT)


def request_from_export_token(token: str) -> DataRightsRequest | None:
    """The answered access request of a link, or None when the link is tampered, expired or not an access."""
    try:
        payload = signing.loads(token, salt=EXPORT_SALT, max_age=EXPORT_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    return DataRightsRequest.objects.filter(
        public_id=payload.get("request"), status=RequestStatus.ANSWERED, right__in=EXPORT_RIGHTS
    ).first()


def close_request(
    *, rights_request: DataRightsRequest, actor, outcome: RequestStatus, answer: str, request=None
) -> DataRightsRequest:
    """Send the answer and close: an answer needs a verified identity, a refusal does not. The proof of identity
    is deleted with the closure."""
    with transaction.atomic():
        locked = _locked(rights_request)
        if not locked.is_open:
            raise TransitionError("Cette demande est déjà close.")
        if outcome == RequestStatus.ANSWERED and locked.status != RequestStatus.IDENTITY_VERIFIED:
            raise TransitionError("Vérifiez d’abord l’identité de la personne avant de lui répondre.")
        locked.status = outcome
        locked.answer = answer.strip()
        locked.closed_at = timezone.now()
        if locked.identity_proof:
            delete_after_commit(locked.identity_proof)
            locked.identity_proof = ""
        locked.save(update_fields=["status", "answer", "closed_at", "identity_proof"])
        kind = RequestEventKind.ANSWERED if outcome == RequestStatus.ANSWERED else RequestEventKind.REJECTED
        _event(locked, kind, author=actor, message=locked.answer, request=request)
        export_path = ""
        if outcome == RequestStatus.ANSWERED and locked.right in EXPORT_RIGHTS:
            export_path = reverse("privacy:request_export", args=[export_token(locked)])
        queue_email(
            to=[locked.email],
            template="privacy/emails/request_answer",
            context={"rights_request": locked, "answer": locked.answer, "export_path": export_path},
            reply_to=[settings.DPO_EMAIL],
        )
    return locked


def record_export_download(*, rights_request: DataRightsRequest, request=None) -> None:
    with transaction.atomic():
        _event(rights_request, RequestEventKind.EXPORT_DOWNLOADED, request=request)


def send_reminders(*, now=None) -> list[tuple[DataRightsRequest, int]]:
    """Remind the DPO of the open requests 21 and 28 days after they came in; each reminder goes once. A request
    found late by a stopped scheduler gets only its latest reminder."""
    now = now or timezone.now()
    sent = []
    for day in sorted(REMINDER_DAYS, reverse=True):
        for rights_request in DataRightsRequest.objects.due_for_reminder(day, now=now).order_by("pk"):
            with transaction.atomic():
                locked = _locked(rights_request)
                if locked.last_reminder_day >= day or not locked.is_open:
                    continue
                locked.last_reminder_day = day
                locked.save(update_fields=["last_reminder_day"])
                _event(locked, RequestEventKind.REMINDER, details={"jours": day})
                queue_email(
                    to=[settings.DPO_EMAIL],
                    template="privacy/emails/request_reminder",
                    context={"rights_request": locked, "days": day},
                )
            sent.append((locked, day))
    return sent

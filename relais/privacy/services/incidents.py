"""Incident reports (seed 001 art. 6.2 "Transparence"): any signed-in person reports, the security team follows up.

A personal data breach must be notified to the CNIL within 72 hours of becoming aware of it (GDPR art. 33): the
deadline runs from the report and is shown until the notification is recorded.
"""

import secrets
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from relais.notifications.services import queue_email

from ..enums import INCIDENT_TRANSITIONS, AuditAction, IncidentStatus
from ..models import IncidentEvent, IncidentReport
from .audit import describe, record


class TransitionError(Exception):
    pass


def _reference() -> str:
    return f"INC-{timezone.localdate():%Y}-{secrets.token_hex(3).upper()}"


def report_incident(
    *,
    reporter,
    kind: str,
    description: str,
    occurred_at,
    personal_data_breach: bool,
    submission_token: uuid.UUID,
    request=None,
) -> IncidentReport:
    """Record the report and alert the security team; a second submit of the same form returns the first."""
    existing = IncidentReport.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            incident = IncidentReport.objects.create(
                reference=_reference(),
                kind=kind,
                description=description.strip(),
                occurred_at=occurred_at,
                personal_data_breach=personal_data_breach,
                reporter=reporter,
                reporter_label=describe(reporter),
                submission_token=submission_token,
            )
            IncidentEvent.objects.create(incident=incident, to_status=incident.status, author=reporter)
            record(action=AuditAction.INCIDENT, actor=reporter, request=request, target=incident)
            queue_email(
                to=[settings.SECURITY_EMAIL],
                template="privacy/emails/incident_reported",
                context={"incident": incident, "path": reverse("incidents:detail", args=[incident.public_id])},
                reply_to=[reporter.email],
            )
    except IntegrityError:
        existing = IncidentReport.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return existing
    return incident


def update_incident(
    *,
    incident: IncidentReport,
    actor,
    status: str,
    personal_data_breach: bool,
    cnil_notified: bool,
    note: str,
    request=None,
) -> IncidentReport:
    """One follow-up step of the security team: a status allowed from the current one, the breach qualification,
    the CNIL notification, a note. Nothing changes without a note or a change."""
    with transaction.atomic():
        locked = IncidentReport.objects.select_for_update().get(pk=incident.pk)
        from_status = locked.status
        if status != from_status and status not in INCIDENT_TRANSITIONS[IncidentStatus(from_status)]:
            target = IncidentStatus(status).label
            raise TransitionError(f"Un incident « {locked.get_status_display()} » ne peut pas passer à « {target} ».")
        changes = {}
        if status != from_status:
            changes["status"] = status
            changes["closed_at"] = timezone.now() if status == IncidentStatus.CLOSED else None
        if personal_data_breach != locked.personal_data_breach:
            changes["personal_data_breach"] = personal_data_breach
        if cnil_notified and locked.cnil_notified_at is None:
            changes["cnil_notified_at"] = timezone.now()
        if not changes and not note.strip():
            return locked
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changes))
        IncidentEvent.objects.create(
            incident=locked,
            from_status=from_status,
            to_status=locked.status,
            author=actor,
            note=note.strip(),
        )
        record(
            action=AuditAction.INCIDENT,
            actor=actor,
            request=request,
            target=locked,
            details={name: str(value) for name, value in changes.items()},
        )
    return locked

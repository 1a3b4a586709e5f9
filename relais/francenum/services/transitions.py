"""The one path of a status change: allowed transition checked, row locked, event logged, audit recorded."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.notifications.services import queue_email
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..enums import TRANSITIONS, EventKind, MemberStatus, Status
from ..models import Activator, ActivatorEvent


class TransitionError(ValidationError):
    pass


def can_change(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def log_event(*, activator: Activator, kind: EventKind, actor=None, reason: str = "", from_status="", to_status=""):
    return ActivatorEvent.objects.create(
        activator=activator,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_full_name() or actor.email) if actor is not None else "Tâche planifiée",
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )


def change_status(
    *, activator: Activator, to_status: Status, actor, kind: EventKind, reason: str = "", request=None
) -> Activator:
    """Move `activator` to `to_status` if the transition is allowed; the caller's transaction holds the lock."""
    with transaction.atomic():
        locked = Activator.objects.select_for_update().get(pk=activator.pk)
        if not can_change(locked.status, to_status):
            raise TransitionError(
                f"Impossible de passer de « {Status(locked.status).label} » à « {Status(to_status).label} »."
            )
        from_status = locked.status
        locked.status = to_status
        locked.status_reason = reason
        now = timezone.now()
        fields = ["status", "status_reason", "updated_at"]
        if to_status == Status.SUBMITTED and locked.submitted_at is None:
            locked.submitted_at = now
            fields.append("submitted_at")
        if to_status != Status.AWAITING_ANSWER and from_status == Status.AWAITING_ANSWER:
            locked.info_requested_at = None
            fields.append("info_requested_at")
        if to_status == Status.AWAITING_ANSWER:
            # The 3 months without answer (privacy rule francenum-demandes-sans-reponse) count from here.
            locked.info_requested_at = now
            fields.append("info_requested_at")
        locked.save(update_fields=fields)
        log_event(activator=locked, kind=kind, actor=actor, reason=reason, from_status=from_status, to_status=to_status)
        if actor is not None or request is not None:
            record(
                action=AuditAction.ADMIN_CHANGE,
                actor=actor,
                request=request,
                target=locked,
                target_label=f"Activateur France Num {locked.name}",
                details={"de": from_status, "vers": to_status, "evenement": str(kind)},
            )
        from .publication import after_change

        after_change(activator=locked)
    activator.refresh_from_db()
    return activator


def member_emails(activator: Activator, *, referent_only: bool = False) -> list[str]:
    members = activator.members.filter(status=MemberStatus.ACTIVE).select_related("user")
    if referent_only:
        members = members.filter(role="referent")
    return [member.user.email for member in members]


def notify_members(*, activator: Activator, template: str, context: dict | None = None) -> None:
    """One email per member (their addresses are nobody else's business)."""
    for email in member_emails(activator):
        queue_email(
            to=[email], template=f"francenum/emails/{template}", context={"activator": activator, **(context or {})}
        )

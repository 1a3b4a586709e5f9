"""Shared by the access-management workflows: validity periods, row locks, audit rows and emails."""

from datetime import timedelta

from django.core.exceptions import ValidationError

from relais.notifications.services import queue_email
from relais.privacy.enums import AuditAction as PlatformAuditAction
from relais.privacy.services.audit import record

from ..enums import AuditAction
from ..models import (
    AuditEvent,
    DigitalService,
    Membership,
    Organization,
)

INVITATION_VALIDITY = timedelta(days=7)
ACCESS_MANAGER_CODE_VALIDITY = timedelta(days=30)
# No 0/O or 1/I/L: the code is read aloud or copied from a letter. 12 characters of 32 symbols = 60 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12

EMAIL_PREFIX = "organizations/emails/"


class NoAccessManager(ValidationError):
    """The organisation has nobody to decide on an access request for this service."""


def lock_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "organization").get(pk=membership.pk)
    )


def record_audit(
    *,
    action: str,
    actor,
    organization: Organization,
    service: DigitalService | None = None,
    target=None,
    target_label: str = "",
    details: dict | None = None,
) -> AuditEvent:
    # The platform's audit log keeps every change of rights and roles, across the apps, for the administrators.
    record(
        action=PlatformAuditAction.RIGHTS_CHANGED,
        actor=actor,
        target=target,
        target_label=target_label,
        details={"opération": AuditAction(action).label, "organisation": organization.name, **(details or {})},
    )
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor.email if actor else "",
        organization=organization,
        service=service,
        target=target,
        target_label=target.email if target else target_label,
        details=details or {},
    )


def send_notification(*, to: list[str], template: str, context: dict) -> None:
    queue_email(to=to, template=EMAIL_PREFIX + template, context=context)

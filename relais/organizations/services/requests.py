"""Access requests (§6.3, §7.4)."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..enums import AccessRequestStatus, AuditAction, MembershipRole
from ..models import (
    AccessRequest,
    DigitalService,
    Membership,
    Organization,
    ServiceRight,
)
from .common import NoAccessManager, lock_membership, record_audit, send_notification
from .permissions import managers_of
from .rights import apply_rights


def request_access(
    *,
    user,
    organization: Organization,
    service: DigitalService,
    rights: Iterable[ServiceRight] = (),
    message: str = "",
) -> AccessRequest:
    """Ask the organisation's access managers for the service; a second call returns the pending request."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .filter(user=user, organization=organization, role=MembershipRole.MEMBER)
            .first()
        )
        if membership is None:
            raise PermissionDenied("Vous n'êtes pas rattaché à cette organisation.")
        pending = AccessRequest.objects.pending().filter(membership=membership, service=service).first()
        if pending:
            return pending
        managers = managers_of(organization=organization, service=service)
        if not managers:
            raise NoAccessManager(
                f"{organization.name} n'a pas encore de responsable des accès pour {service.display_name}.",
                code="no_access_manager",
            )
        rights = [right for right in rights if right.service_id == service.pk]
        access_request = AccessRequest.objects.create(membership=membership, service=service, message=message)
        access_request.requested_rights.set(rights)
        record_audit(
            action=AuditAction.REQUEST_CREATED,
            actor=user,
            organization=organization,
            service=service,
            target=user,
            details={"habilitations demandées": sorted(right.code for right in rights)},
        )
        send_notification(
            to=[manager.email for manager in managers],
            template="access_request_created",
            context={
                "requester": user,
                "organization": organization,
                "service": service,
                "rights": [right.label for right in rights],
                "message": message,
                "path": reverse("organizations:requests", args=[organization.public_id, service.slug]),
            },
        )
    return access_request


def _lock_pending_request(access_request: AccessRequest) -> AccessRequest:
    locked = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("membership__user", "membership__organization", "service")
        .get(pk=access_request.pk)
    )
    if locked.status != AccessRequestStatus.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.", code="already_decided")
    return locked


def accept_access_request(*, actor, access_request: AccessRequest, rights: Iterable[ServiceRight]) -> AccessRequest:
    """Accept, with the rights the access manager chose (those asked for, or others: "modifier" in §6.2.3)."""
    rights = list(rights)
    if not rights:
        raise ValidationError("Choisissez au moins une habilitation.", code="no_rights")
    with transaction.atomic():
        access_request = _lock_pending_request(access_request)
        # The request's email says which rights were given; no second "rights changed" email.
        apply_rights(
            actor=actor,
            membership=lock_membership(access_request.membership),
            service=access_request.service,
            rights=rights,
            replace=False,
            notify=False,
        )
        access_request.status = AccessRequestStatus.ACCEPTED
        access_request.decided_by = actor
        access_request.decided_at = timezone.now()
        access_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        record_audit(
            action=AuditAction.REQUEST_ACCEPTED,
            actor=actor,
            organization=access_request.membership.organization,
            service=access_request.service,
            target=access_request.membership.user,
            details={"habilitations": sorted(right.code for right in rights)},
        )
        send_notification(
            to=[access_request.membership.user.email],
            template="access_request_accepted",
            context={
                "organization": access_request.membership.organization,
                "service": access_request.service,
                "rights": [right.label for right in rights],
            },
        )
    return access_request


def refuse_access_request(*, actor, access_request: AccessRequest, comment: str = "") -> AccessRequest:
    with transaction.atomic():
        access_request = _lock_pending_request(access_request)
        access_request.status = AccessRequestStatus.REFUSED
        access_request.decided_by = actor
        access_request.decided_at = timezone.now()
        access_request.decision_comment = comment
        access_request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
        record_audit(
            action=AuditAction.REQUEST_REFUSED,
            actor=actor,
            organization=access_request.membership.organization,
            service=access_request.service,
            target=access_request.membership.user,
            details={"motif": comment} if comment else {},
        )
        send_notification(
            to=[access_request.membership.user.email],
            template="access_request_refused",
            context={
                "organization": access_request.membership.organization,
                "service": access_request.service,
                "comment": comment,
            },
        )
    return access_request

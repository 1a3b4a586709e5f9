"""Rights per service, and access managers."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from ..enums import AuditAction, MembershipRole
from ..models import (
    AccessRight,
    DigitalService,
    Membership,
    ServiceRight,
)
from .common import lock_membership, record_audit, send_notification


def set_access_rights(
    *, actor, membership: Membership, service: DigitalService, rights: Iterable[ServiceRight]
) -> AccessRight | None:
    """Give the person exactly these rights in the service; None when nothing is left of their access."""
    with transaction.atomic():
        membership = lock_membership(membership)
        access = apply_rights(actor=actor, membership=membership, service=service, rights=rights, replace=True)
    return access


def apply_rights(
    *,
    actor,
    membership: Membership,
    service: DigitalService,
    rights: Iterable[ServiceRight],
    replace: bool,
    notify: bool = True,
) -> AccessRight | None:
    """Caller holds the membership lock. `replace=False` adds to the rights already held."""
    rights = list(rights)
    if any(right.service_id != service.pk for right in rights):
        raise ValidationError("Ces habilitations ne relèvent pas de ce service.", code="foreign_right")
    access = AccessRight.objects.filter(membership=membership, service=service).first()
    before = sorted(right.code for right in access.rights.all()) if access else []
    wanted = {right.pk: right for right in rights}
    if not replace and access:
        wanted.update({right.pk: right for right in access.rights.all()})
    after = sorted(right.code for right in wanted.values())
    if before == after and (access or not wanted):
        return access
    if not wanted and access and not access.is_access_manager:
        # No right and no management role: nothing is left to hold, so the person no longer appears in the list.
        access.delete()
        access = None
    else:
        if access is None:
            access = AccessRight.objects.create(membership=membership, service=service)
        access.rights.set(wanted.values())
    record_audit(
        action=AuditAction.RIGHTS_CHANGED,
        actor=actor,
        organization=membership.organization,
        service=service,
        target=membership.user,
        details={"avant": before, "après": after},
    )
    if notify and membership.user != actor:
        labels = [right.label for right in sorted(wanted.values(), key=lambda right: (right.position, right.code))]
        send_notification(
            to=[membership.user.email],
            template="rights_changed",
            context={"organization": membership.organization, "service": service, "rights": labels},
        )
    return access


def appoint_access_manager(*, actor, membership: Membership, service: DigitalService) -> AccessRight:
    """Make a member of the organisation access manager for the service (§7.5)."""
    with transaction.atomic():
        membership = lock_membership(membership)
        return grant_access_manager(
            actor=actor, membership=membership, service=service, action=AuditAction.MANAGER_APPOINTED
        )


def grant_access_manager(
    *, actor, membership: Membership, service: DigitalService, action: str, details=None
) -> AccessRight:
    if membership.role != MembershipRole.MEMBER:
        raise ValidationError(
            "Seul un membre de l'organisation peut en être responsable des accès, pas un tiers déclarant.",
            code="declarant_manager",
        )
    if not membership.user.is_active:
        raise ValidationError("Ce compte est désactivé.", code="inactive")
    access, _created = AccessRight.objects.get_or_create(membership=membership, service=service)
    if access.is_access_manager:
        return access
    access.is_access_manager = True
    access.save(update_fields=["is_access_manager", "updated_at"])
    record_audit(
        action=action,
        actor=actor,
        organization=membership.organization,
        service=service,
        target=membership.user,
        details=details or {},
    )
    send_notification(
        to=[membership.user.email],
        template="access_manager_appointed",
        context={"organization": membership.organization, "service": service},
    )
    return access


def revoke_access_manager(*, actor, membership: Membership, service: DigitalService) -> None:
    with transaction.atomic():
        membership = lock_membership(membership)
        access = AccessRight.objects.filter(membership=membership, service=service, is_access_manager=True).first()
        if access is None:
            return
        access.is_access_manager = False
        access.save(update_fields=["is_access_manager", "updated_at"])
        if not access.rights.exists():
            access.delete()
        record_audit(
            action=AuditAction.MANAGER_REVOKED,
            actor=actor,
            organization=membership.organization,
            service=service,
            target=membership.user,
        )


def remove_access(*, actor, membership: Membership, service: DigitalService) -> None:
    """Take away every right in the service; a third-party declarant left with no service stops acting at all."""
    with transaction.atomic():
        membership = lock_membership(membership)
        AccessRight.objects.filter(membership=membership, service=service).delete()
        declarant_gone = membership.is_third_party_declarant and not membership.access_rights.exists()
        record_audit(
            action=AuditAction.DECLARANT_REMOVED if declarant_gone else AuditAction.ACCESS_REMOVED,
            actor=actor,
            organization=membership.organization,
            service=service,
            target=membership.user,
            details={"organisation du tiers déclarant": str(membership.declarant_organization)}
            if membership.is_third_party_declarant
            else {},
        )
        send_notification(
            to=[membership.user.email],
            template="access_removed",
            context={"organization": membership.organization, "service": service},
        )
        if declarant_gone:
            membership.delete()

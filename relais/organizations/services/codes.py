"""Single-use, expiring access-manager codes (§7)."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..enums import AuditAction
from ..models import (
    AccessManagerCode,
    AccessRight,
    DigitalService,
    Organization,
    hash_secret,
)
from .common import ACCESS_MANAGER_CODE_VALIDITY, CODE_ALPHABET, CODE_LENGTH, lock_membership, record_audit
from .memberships import get_or_create_membership
from .permissions import can_administer_service
from .rights import grant_access_manager


def generate_access_manager_code(*, actor, organization: Organization, service: DigitalService) -> str:
    """Return a new code, shown once to the administrator who hands it over; only its hash is kept."""
    if not can_administer_service(user=actor, service=service):
        raise PermissionDenied
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    with transaction.atomic():
        AccessManagerCode.objects.create(
            organization=organization,
            service=service,
            code_hash=hash_secret(code),
            expires_at=timezone.now() + ACCESS_MANAGER_CODE_VALIDITY,
            created_by=actor,
        )
        record_audit(action=AuditAction.CODE_GENERATED, actor=actor, organization=organization, service=service)
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def redeem_access_manager_code(*, user, code: str) -> AccessRight:
    """Whoever enters a valid code becomes access manager of its organisation for its service, once."""
    compact = code.replace("-", "").replace(" ", "")
    with transaction.atomic():
        manager_code = (
            AccessManagerCode.objects.select_for_update()
            .select_related("organization", "service")
            .filter(code_hash=hash_secret(compact))
            .first()
        )
        if manager_code is None or manager_code.used_at:
            raise ValidationError("Ce code n'est pas valide ou a déjà été utilisé.", code="invalid")
        if manager_code.expires_at <= timezone.now():
            raise ValidationError(
                "Ce code a expiré : demandez-en un nouveau à l'administrateur du service.", code="expired"
            )
        membership, created = get_or_create_membership(user=user, organization=manager_code.organization)
        if created:
            record_audit(action=AuditAction.JOINED, actor=user, organization=manager_code.organization, target=user)
        membership = lock_membership(membership)
        access = grant_access_manager(
            actor=user,
            membership=membership,
            service=manager_code.service,
            action=AuditAction.CODE_REDEEMED,
        )
        manager_code.used_at = timezone.now()
        manager_code.used_by = user
        manager_code.save(update_fields=["used_at", "used_by", "updated_at"])
    return access

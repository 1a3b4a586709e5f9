"""Single-use, expiring access-manager codes (§7)."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from relais.core.ratelimit import RateLimit

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

CODE_FAILURES_PER_USER = RateLimit("access-manager-code-user", limit=5, seconds=60 * 60)
CODE_FAILURES_PER_IP = RateLimit("access-manager-code-ip", limit=20, seconds=60 * 60)


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


def redeem_access_manager_code(*, user, code: str, ip: str = "") -> AccessRight:
    """Whoever enters a valid code becomes access manager of its organisation for its service, once.

    Wrong codes are counted per person and per IP address, like the sign-up code: a code is short enough to be
    guessed by a robot that could try without end.
    """
    user_key = str(user.public_id)
    if CODE_FAILURES_PER_USER.exceeded(user_key) or CODE_FAILURES_PER_IP.exceeded(ip):
        raise ValidationError(
            f"Trop d'essais avec des codes erronés. Par sécurité, réessayez dans {CODE_FAILURES_PER_USER.minutes} "
            "minutes, et vérifiez le code auprès de l'administrateur du service.",
            code="throttled",
        )
    try:
        return _redeem(user=user, code=code)
    except ValidationError as error:
        if error.code == "invalid":
            CODE_FAILURES_PER_USER.hit(user_key)
            CODE_FAILURES_PER_IP.hit(ip)
            left = CODE_FAILURES_PER_USER.remaining(user_key)
            raise ValidationError(
                f"{error.message} ({left} essai{'s' if left > 1 else ''} restant{'s' if left > 1 else ''})."
                if left
                else f"{error.message} Trop d'essais : réessayez dans {CODE_FAILURES_PER_USER.minutes} minutes.",
                code="invalid",
            ) from None
        raise


def _redeem(*, user, code: str) -> AccessRight:
    compact = code.replace("-", "").replace(" ", "")
    with transaction.atomic():
        manager_code = (
            AccessManagerCode.objects.select_for_update(of=("self",))
            .select_related("organization", "service")
            .filter(code_hash=hash_secret(compact))
            .first()
        )
        if manager_code is None or manager_code.used_at:
            raise ValidationError("Ce code n'est pas valide ou a déjà été utilisé", code="invalid")
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

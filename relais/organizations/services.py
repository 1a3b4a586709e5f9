"""Workflows of organisations and access management.

Each change locks the row it changes, writes an `AuditEvent` and queues its emails in the same transaction.
Who may call what is decided by the `can_*` functions, which the views check before calling a workflow.
"""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from relais.companies.registry import RegistryUnavailable, get_registry
from relais.companies.validators import validate_siren
from relais.notifications.services import queue_email

from .enums import AccessRequestStatus, AuditAction, MembershipRole
from .models import (
    AccessManagerCode,
    AccessRequest,
    AccessRight,
    AuditEvent,
    DigitalService,
    Invitation,
    Membership,
    Organization,
    ServiceRight,
    hash_secret,
    new_token,
)

INVITATION_VALIDITY = timedelta(days=7)
ACCESS_MANAGER_CODE_VALIDITY = timedelta(days=30)
# No 0/O or 1/I/L: the code is read aloud or copied from a letter. 12 characters of 32 symbols = 60 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12

EMAIL_PREFIX = "organizations/emails/"


class NoAccessManager(ValidationError):
    """The organisation has nobody to decide on an access request for this service."""


# ---------------------------------------------------------------------------------------------------------------
# Reads that decide permissions


def can_manage_access(*, user, organization: Organization, service: DigitalService) -> bool:
    """Access managers of this organisation for this service, and them only (§6.2.3)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return AccessRight.objects.filter(
        membership__user=user,
        membership__organization=organization,
        membership__role=MembershipRole.MEMBER,
        service=service,
        is_access_manager=True,
    ).exists()


def can_administer_service(*, user, service: DigitalService) -> bool:
    """Administrators (superusers) and the service's application administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or service.application_administrators.filter(pk=user.pk).exists()


def is_access_manager(user) -> bool:
    """Access manager of at least one organisation for at least one service."""
    if not user.is_authenticated or not user.is_active:
        return False
    return AccessRight.objects.filter(membership__user=user, is_access_manager=True).exists()


def organizations_claims(user) -> list[dict]:
    """What the OpenID Connect provider tells the services about the organisations a person acts for."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .prefetch_related("access_rights__service", "access_rights__rights")
        .order_by("organization__name", "organization__siren")
    )
    return [
        {
            "siren": membership.organization.siren,
            "name": membership.organization.name,
            "role": membership.role,
            "services": {
                access.service.slug: {
                    "rights": sorted(right.code for right in access.rights.all()),
                    "access_manager": access.is_access_manager,
                }
                for access in membership.access_rights.all()
            },
        }
        for membership in memberships
    ]


def managers_of(*, organization: Organization, service: DigitalService) -> list:
    """The active access managers of the organisation for the service (users)."""
    return [
        access.membership.user
        for access in AccessRight.objects.managers()
        .filter(membership__organization=organization, service=service)
        .select_related("membership__user")
        .order_by("membership__user__email")
    ]


# ---------------------------------------------------------------------------------------------------------------
# Organisations and memberships


def get_or_create_organization(*, siren: str) -> Organization:
    """The organisation of this SIREN, created from the company registry the first time; French errors."""
    siren = validate_siren(siren)
    organization = Organization.objects.filter(siren=siren).first()
    if organization is not None:
        return organization
    # Outside any lock: the registry may be a remote API.
    try:
        company = get_registry().get_company(siren)
    except RegistryUnavailable as error:
        raise ValidationError(str(error), code="registry_unavailable") from None
    if company is None:
        raise ValidationError(
            "Aucune entreprise ne correspond à ce SIREN dans le répertoire des entreprises : vérifiez les chiffres.",
            code="siren_unknown",
        )
    head_office = company.head_office
    organization, _created = Organization.objects.get_or_create(
        siren=siren,
        defaults={
            "name": company.name,
            "address": head_office.address if head_office else "",
            "postal_code": head_office.postal_code if head_office else "",
            "commune_name": head_office.commune_name if head_office else "",
        },
    )
    return organization


def join_organization(*, user, siren: str) -> Membership:
    """Attach the person to the organisation of this SIREN, with no rights; calling it again changes nothing."""
    organization = get_or_create_organization(siren=siren)
    with transaction.atomic():
        membership, created = _get_or_create_membership(user=user, organization=organization)
        if created:
            _audit(action=AuditAction.JOINED, actor=user, organization=organization, target=user)
    return membership


def _get_or_create_membership(
    *, user, organization: Organization, declarant_organization: Organization | None = None
) -> tuple[Membership, bool]:
    defaults = (
        {"role": MembershipRole.THIRD_PARTY_DECLARANT, "declarant_organization": declarant_organization}
        if declarant_organization
        else {"role": MembershipRole.MEMBER}
    )
    try:
        with transaction.atomic():
            return Membership.objects.get_or_create(user=user, organization=organization, defaults=defaults)
    except IntegrityError:
        # Two requests of the same person raced (double submit): the other one created it.
        return Membership.objects.get(user=user, organization=organization), False


# ---------------------------------------------------------------------------------------------------------------
# Rights and access managers


def set_access_rights(
    *, actor, membership: Membership, service: DigitalService, rights: Iterable[ServiceRight]
) -> AccessRight | None:
    """Give the person exactly these rights in the service; None when nothing is left of their access."""
    with transaction.atomic():
        membership = _lock_membership(membership)
        access = _apply_rights(actor=actor, membership=membership, service=service, rights=rights, replace=True)
    return access


def _apply_rights(
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
    _audit(
        action=AuditAction.RIGHTS_CHANGED,
        actor=actor,
        organization=membership.organization,
        service=service,
        target=membership.user,
        details={"avant": before, "après": after},
    )
    if notify and membership.user != actor:
        labels = [right.label for right in sorted(wanted.values(), key=lambda right: (right.position, right.code))]
        _email(
            to=[membership.user.email],
            template="rights_changed",
            context={"organization": membership.organization, "service": service, "rights": labels},
        )
    return access


def appoint_access_manager(*, actor, membership: Membership, service: DigitalService) -> AccessRight:
    """Make a member of the organisation access manager for the service (§7.5)."""
    with transaction.atomic():
        membership = _lock_membership(membership)
        return _appoint(actor=actor, membership=membership, service=service, action=AuditAction.MANAGER_APPOINTED)


def _appoint(*, actor, membership: Membership, service: DigitalService, action: str, details=None) -> AccessRight:
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
    _audit(
        action=action,
        actor=actor,
        organization=membership.organization,
        service=service,
        target=membership.user,
        details=details or {},
    )
    _email(
        to=[membership.user.email],
        template="access_manager_appointed",
        context={"organization": membership.organization, "service": service},
    )
    return access


def revoke_access_manager(*, actor, membership: Membership, service: DigitalService) -> None:
    with transaction.atomic():
        membership = _lock_membership(membership)
        access = AccessRight.objects.filter(membership=membership, service=service, is_access_manager=True).first()
        if access is None:
            return
        access.is_access_manager = False
        access.save(update_fields=["is_access_manager", "updated_at"])
        if not access.rights.exists():
            access.delete()
        _audit(
            action=AuditAction.MANAGER_REVOKED,
            actor=actor,
            organization=membership.organization,
            service=service,
            target=membership.user,
        )


def remove_access(*, actor, membership: Membership, service: DigitalService) -> None:
    """Take away every right in the service; a third-party declarant left with no service stops acting at all."""
    with transaction.atomic():
        membership = _lock_membership(membership)
        AccessRight.objects.filter(membership=membership, service=service).delete()
        declarant_gone = membership.is_third_party_declarant and not membership.access_rights.exists()
        _audit(
            action=AuditAction.DECLARANT_REMOVED if declarant_gone else AuditAction.ACCESS_REMOVED,
            actor=actor,
            organization=membership.organization,
            service=service,
            target=membership.user,
            details={"organisation du tiers déclarant": str(membership.declarant_organization)}
            if membership.is_third_party_declarant
            else {},
        )
        _email(
            to=[membership.user.email],
            template="access_removed",
            context={"organization": membership.organization, "service": service},
        )
        if declarant_gone:
            membership.delete()


# ---------------------------------------------------------------------------------------------------------------
# Access requests (§6.3, §7.4)


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
            Membership.objects.select_for_update()
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
        _audit(
            action=AuditAction.REQUEST_CREATED,
            actor=user,
            organization=organization,
            service=service,
            target=user,
            details={"habilitations demandées": sorted(right.code for right in rights)},
        )
        _email(
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
        AccessRequest.objects.select_for_update()
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
        _apply_rights(
            actor=actor,
            membership=_lock_membership(access_request.membership),
            service=access_request.service,
            rights=rights,
            replace=False,
            notify=False,
        )
        access_request.status = AccessRequestStatus.ACCEPTED
        access_request.decided_by = actor
        access_request.decided_at = timezone.now()
        access_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        _audit(
            action=AuditAction.REQUEST_ACCEPTED,
            actor=actor,
            organization=access_request.membership.organization,
            service=access_request.service,
            target=access_request.membership.user,
            details={"habilitations": sorted(right.code for right in rights)},
        )
        _email(
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
        _audit(
            action=AuditAction.REQUEST_REFUSED,
            actor=actor,
            organization=access_request.membership.organization,
            service=access_request.service,
            target=access_request.membership.user,
            details={"motif": comment} if comment else {},
        )
        _email(
            to=[access_request.membership.user.email],
            template="access_request_refused",
            context={
                "organization": access_request.membership.organization,
                "service": access_request.service,
                "comment": comment,
            },
        )
    return access_request


# ---------------------------------------------------------------------------------------------------------------
# Invitations (§7.4) and third-party declarants (§2)


def invite_user(
    *,
    actor,
    organization: Organization,
    service: DigitalService,
    email: str,
    rights: Iterable[ServiceRight],
    declarant_siren: str = "",
) -> Invitation:
    """Invite someone, with an account or not, to act for the organisation in the service.

    With `declarant_siren` the person will act as a third-party declarant from that other organisation.
    The link's token is only in the email: the table keeps its hash.
    """
    rights = [right for right in rights if right.service_id == service.pk]
    declarant_organization = None
    if declarant_siren:
        declarant_organization = get_or_create_organization(siren=declarant_siren)
        if declarant_organization == organization:
            raise ValidationError(
                "Un tiers déclarant appartient à une autre organisation que la vôtre.", code="same_organization"
            )
    email = email.strip().lower()
    token = new_token()
    with transaction.atomic():
        # A new invitation replaces the previous one: only the last link sent works.
        Invitation.objects.pending().filter(organization=organization, service=service, email=email).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            organization=organization,
            service=service,
            email=email,
            declarant_organization=declarant_organization,
            token_hash=hash_secret(token),
            expires_at=timezone.now() + INVITATION_VALIDITY,
            invited_by=actor,
        )
        invitation.rights.set(rights)
        _audit(
            action=AuditAction.INVITATION_SENT,
            actor=actor,
            organization=organization,
            service=service,
            target_label=email,
            details={
                "habilitations": sorted(right.code for right in rights),
                **({"organisation du tiers déclarant": str(declarant_organization)} if declarant_organization else {}),
            },
        )
        _email(
            to=[email],
            template="invitation",
            context={
                "inviter": actor,
                "organization": organization,
                "service": service,
                "declarant_organization": declarant_organization,
                "rights": [right.label for right in rights],
                "expires_at": invitation.expires_at,
                "path": reverse("organizations:invitation", args=[token]),
            },
        )
    return invitation


def find_invitation(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization", "service", "declarant_organization", "invited_by")
        .filter(token_hash=hash_secret(token))
        .first()
    )


def check_invitation_usable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise ValidationError("Ce lien d'invitation n'est pas valide.", code="invalid")
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError("Cette invitation a déjà été utilisée ou a été annulée.", code="used")
    if invitation.is_expired:
        raise ValidationError(
            "Cette invitation a expiré : demandez une nouvelle invitation à la personne qui vous l'a envoyée.",
            code="expired",
        )


def accept_invitation(*, user, token: str) -> Membership:
    """The logged-in person accepts: they act for the organisation with the rights of the invitation."""
    with transaction.atomic():
        invitation = find_invitation(token=token)
        if invitation is not None:
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_invitation_usable(invitation)
        if invitation.email != user.email:
            raise ValidationError(
                f"Cette invitation a été envoyée à {invitation.email} : connectez-vous avec ce compte pour l'accepter.",
                code="other_email",
            )
        if invitation.declarant_organization_id:
            _get_or_create_membership(user=user, organization=invitation.declarant_organization)
        membership, _created = _get_or_create_membership(
            user=user,
            organization=invitation.organization,
            declarant_organization=invitation.declarant_organization,
        )
        membership = _lock_membership(membership)
        _apply_rights(
            actor=invitation.invited_by,
            membership=membership,
            service=invitation.service,
            rights=invitation.rights.all(),
            replace=False,
            notify=False,
        )
        # An invitation with no right still lets the person appear in the service's list, for rights to come.
        AccessRight.objects.get_or_create(membership=membership, service=invitation.service)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        _audit(
            action=AuditAction.INVITATION_ACCEPTED,
            actor=user,
            organization=invitation.organization,
            service=invitation.service,
            target=user,
            details={"rôle": membership.get_role_display()},
        )
    return membership


def revoke_invitation(*, actor, invitation: Invitation) -> None:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            return
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        _audit(
            action=AuditAction.INVITATION_REVOKED,
            actor=actor,
            organization=invitation.organization,
            service=invitation.service,
            target_label=invitation.email,
        )


# ---------------------------------------------------------------------------------------------------------------
# Access-manager codes (§7)


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
        _audit(action=AuditAction.CODE_GENERATED, actor=actor, organization=organization, service=service)
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
        membership, created = _get_or_create_membership(user=user, organization=manager_code.organization)
        if created:
            _audit(action=AuditAction.JOINED, actor=user, organization=manager_code.organization, target=user)
        membership = _lock_membership(membership)
        access = _appoint(
            actor=user,
            membership=membership,
            service=manager_code.service,
            action=AuditAction.CODE_REDEEMED,
        )
        manager_code.used_at = timezone.now()
        manager_code.used_by = user
        manager_code.save(update_fields=["used_at", "used_by", "updated_at"])
    return access


# ---------------------------------------------------------------------------------------------------------------


def _lock_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("user", "organization").get(pk=membership.pk)


def _audit(
    *,
    action: str,
    actor,
    organization: Organization,
    service: DigitalService | None = None,
    target=None,
    target_label: str = "",
    details: dict | None = None,
) -> AuditEvent:
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


def _email(*, to: list[str], template: str, context: dict) -> None:
    queue_email(to=to, template=EMAIL_PREFIX + template, context=context)

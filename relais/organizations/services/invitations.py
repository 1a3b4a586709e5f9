"""Invitations (§7.4) and third-party declarants (§2)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..enums import AuditAction
from ..models import (
    AccessRight,
    DigitalService,
    Invitation,
    Membership,
    Organization,
    ServiceRight,
    hash_secret,
    new_token,
)
from .common import INVITATION_VALIDITY, lock_membership, record_audit, send_notification
from .memberships import get_or_create_membership, get_or_create_organization
from .rights import apply_rights


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
        record_audit(
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
        send_notification(
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
            invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
        check_invitation_usable(invitation)
        if invitation.email != user.email:
            raise ValidationError(
                f"Cette invitation a été envoyée à {invitation.email} : connectez-vous avec ce compte pour l'accepter.",
                code="other_email",
            )
        if invitation.declarant_organization_id:
            get_or_create_membership(user=user, organization=invitation.declarant_organization)
        membership, _created = get_or_create_membership(
            user=user,
            organization=invitation.organization,
            declarant_organization=invitation.declarant_organization,
        )
        membership = lock_membership(membership)
        apply_rights(
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
        record_audit(
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
        invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            return
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        record_audit(
            action=AuditAction.INVITATION_REVOKED,
            actor=actor,
            organization=invitation.organization,
            service=invitation.service,
            target_label=invitation.email,
        )

"""Sanctions (seed 002 art. 8): suspend or lift a structure or a member, delete definitively; all logged."""

from django.core.exceptions import ValidationError
from django.db import transaction

from relais.accounts.services import delete_account, suspend_account
from relais.notifications.services import queue_email
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..enums import EventKind, MemberStatus, Status
from ..models import Activator, ActivatorMember
from .publication import after_change
from .transitions import change_status, log_event, notify_members


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError("Indiquez le motif : il est communiqué à la structure.")
    return reason.strip()


def suspend_structure(*, activator: Activator, actor, reason: str, request=None) -> Activator:
    reason = _reason(reason)
    with transaction.atomic():
        activator = change_status(
            activator=activator,
            to_status=Status.SUSPENDED,
            actor=actor,
            kind=EventKind.SUSPENDED,
            reason=reason,
            request=request,
        )
        notify_members(activator=activator, template="structure_suspended", context={"reason": reason})
    return activator


def lift_structure(*, activator: Activator, actor, request=None) -> Activator:
    with transaction.atomic():
        activator = change_status(
            activator=activator,
            to_status=Status.VALIDATED,
            actor=actor,
            kind=EventKind.SUSPENSION_LIFTED,
            request=request,
        )
        notify_members(activator=activator, template="structure_lifted")
    return activator


def delete_structure(*, activator: Activator, actor, reason: str, kind=EventKind.CANCELLED, request=None) -> int:
    """Status cancelled, profile unpublished, the members' accounts deleted (art. 6 and 8); return how many
    accounts were deleted. The structure goes with its last member's data (privacy.py); the decision stays in the
    audit log."""
    reason = _reason(reason)
    with transaction.atomic():
        if activator.status != Status.CANCELLED:
            change_status(
                activator=activator, to_status=Status.CANCELLED, actor=actor, kind=kind, reason=reason, request=request
            )
        members = list(activator.members.exclude(status=MemberStatus.LEFT).select_related("user"))
        for member in members:
            record(
                action=AuditAction.ACCOUNT_DELETED,
                actor=actor,
                request=request,
                target=member.user,
                details={"motif": "France Num : " + reason[:200]},
            )
            delete_account(user=member.user, request=request)
        # Written after the erasure of each person's data (which takes their pending emails along), and forgotten
        # once sent, like the goodbye email of the accounts app.
        for member in members:
            queue_email(
                to=[member.user.email],
                template="francenum/emails/structure_deleted",
                context={"activator": activator, "reason": reason},
                forget_after_sending=True,
            )
    return len(members)


def suspend_member(
    *, member: ActivatorMember, actor, reason: str, suspend_relais_account: bool = False, request=None
) -> ActivatorMember:
    """The member is hidden from the profile and loses the activator space; with `suspend_relais_account` the
    person's whole Relais account is suspended too (accounts.suspend_account: every sign-in refused)."""
    reason = _reason(reason)
    with transaction.atomic():
        ActivatorMember.objects.filter(pk=member.pk).update(status=MemberStatus.SUSPENDED, suspension_reason=reason)
        log_event(activator=member.activator, kind=EventKind.MEMBER_SUSPENDED, actor=actor, reason=reason)
        record(
            action=AuditAction.ACCOUNT_SUSPENDED,
            actor=actor,
            request=request,
            target=member.user,
            details={"france_num": str(member.activator.public_id)},
        )
        if suspend_relais_account:
            suspend_account(user=member.user, actor=actor, reason=reason)
        else:
            queue_email(
                to=[member.user.email],
                template="francenum/emails/member_suspended",
                context={"activator": member.activator, "reason": reason},
            )
        after_change(activator=member.activator)
    member.refresh_from_db()
    return member


def lift_member(*, member: ActivatorMember, actor, request=None) -> ActivatorMember:
    if member.status != MemberStatus.SUSPENDED:
        raise ValidationError("Cet adhérent n'est pas suspendu.")
    with transaction.atomic():
        ActivatorMember.objects.filter(pk=member.pk).update(status=MemberStatus.ACTIVE, suspension_reason="")
        log_event(activator=member.activator, kind=EventKind.MEMBER_LIFTED, actor=actor)
        record(action=AuditAction.ACCOUNT_SUSPENSION_LIFTED, actor=actor, request=request, target=member.user)
        queue_email(
            to=[member.user.email], template="francenum/emails/member_lifted", context={"activator": member.activator}
        )
        after_change(activator=member.activator)
    member.refresh_from_db()
    return member

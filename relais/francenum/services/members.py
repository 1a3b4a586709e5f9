"""The people of a structure (seed 002 art. 2.6 and 4): invitations, leaving, the referent's role handed over,
self-unsubscription of a member or of the whole structure."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import UserManager
from relais.notifications.services import queue_email

from ..enums import EventKind, MemberRole, MemberStatus, Status
from ..models import Activator, ActivatorMember, Invitation, ThreadMessage
from ..permissions import reviewer_emails
from .publication import after_change
from .transitions import change_status, log_event


def invite(*, activator: Activator, actor, email: str) -> Invitation:
    email = UserManager.normalize_email(email)
    if activator.members.filter(user__email__iexact=email).exclude(status=MemberStatus.LEFT).exists():
        raise ValidationError("Cette personne est déjà adhérente de la structure.")
    with transaction.atomic():
        invitation = Invitation.objects.create(activator=activator, email=email, invited_by=actor)
        queue_email(
            to=[email],
            template="francenum/emails/invitation",
            context={
                "activator": activator,
                "inviter": actor,
                "path": reverse("activateurs:invitation", args=[invitation.public_id]),
            },
        )
    return invitation


def accept_invitation(*, invitation: Invitation, user) -> ActivatorMember:
    if invitation.email.lower() != user.email.lower():
        raise ValidationError("Cette invitation a été envoyée à une autre adresse électronique.")
    if invitation.accepted_at is not None:
        raise ValidationError("Cette invitation a déjà été utilisée.")
    with transaction.atomic():
        member, _created = ActivatorMember.objects.update_or_create(
            activator=invitation.activator,
            user=user,
            defaults={"status": MemberStatus.ACTIVE, "role": MemberRole.MEMBER, "left_at": None},
        )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    return member


def leave(*, member: ActivatorMember, message: str = "") -> ActivatorMember:
    """A member leaves the structure (art. 4: change of situation); a message to the administration is kept."""
    if member.is_referent and member.activator.members.active().exclude(pk=member.pk).exists():
        raise ValidationError("Confiez d'abord le rôle de référent à un autre adhérent.")
    with transaction.atomic():
        member.status, member.left_at, member.role = MemberStatus.LEFT, timezone.now(), MemberRole.MEMBER
        member.save(update_fields=["status", "left_at", "role", "updated_at"])
        log_event(activator=member.activator, kind=EventKind.MEMBER_LEFT, actor=member.user, reason=message)
        _tell_administration(
            member=member, text=f"{member.user.get_full_name()} se désinscrit du programme.", message=message
        )
        if not member.activator.members.active().exists() and member.activator.status in (
            Status.VALIDATED,
            Status.SUBMITTED,
            Status.AWAITING_ANSWER,
            Status.DRAFT,
        ):
            change_status(
                activator=member.activator,
                to_status=Status.CANCELLED,
                actor=member.user,
                kind=EventKind.CANCELLED,
                reason="Dernier adhérent désinscrit.",
            )
        else:
            after_change(activator=member.activator)
    return member


def unsubscribe_structure(*, member: ActivatorMember, message: str = "") -> Activator:
    """The referent withdraws the whole structure: its profile disappears at once."""
    if not member.is_referent:
        raise ValidationError("Seul le référent peut désinscrire toute la structure.")
    activator = member.activator
    with transaction.atomic():
        _tell_administration(member=member, text="Le référent désinscrit la structure du programme.", message=message)
        change_status(
            activator=activator,
            to_status=Status.CANCELLED,
            actor=member.user,
            kind=EventKind.CANCELLED,
            reason=message or "Désinscription par le référent.",
        )
    return activator


def hand_over(*, member: ActivatorMember, to: ActivatorMember) -> ActivatorMember:
    if not member.is_referent:
        raise ValidationError("Seul le référent peut confier son rôle.")
    if to.activator_id != member.activator_id or to.status != MemberStatus.ACTIVE or to.pk == member.pk:
        raise ValidationError("Choisissez un autre adhérent actif de la structure.")
    with transaction.atomic():
        ActivatorMember.objects.filter(pk=member.pk).update(role=MemberRole.MEMBER)
        ActivatorMember.objects.filter(pk=to.pk).update(role=MemberRole.REFERENT)
        log_event(
            activator=member.activator,
            kind=EventKind.REFERENT_CHANGED,
            actor=member.user,
            reason=f"Nouveau référent : {to.user.get_full_name() or to.user.email}",
        )
    to.refresh_from_db()
    return to


def _tell_administration(*, member: ActivatorMember, text: str, message: str) -> None:
    body = f"{text}\n\n{message}".strip()
    ThreadMessage.objects.create(activator=member.activator, author=member.user, from_administration=False, body=body)
    for email in reviewer_emails(member.activator):
        queue_email(
            to=[email],
            template="francenum/emails/unsubscribed",
            context={"activator": member.activator, "body": body},
        )


def update_member_profile(*, member: ActivatorMember, data: dict) -> ActivatorMember:
    for name, value in data.items():
        setattr(member, name, value)
    member.save()
    after_change(activator=member.activator)
    return member

"""Advisor accounts by invitation (seed 001 §4.3 A).

Support, or an antenne manager for the teams of their antennes, invites an agent by professional email; the
emailed link (single use, valid INVITATION_VALIDITY) lets the agent choose a password, or log in when an account
already uses the address, and attaches that account to the teams. Agents may also ask for an account on a public
form: support validates the request (which sends an invitation) or refuses it.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User, UserManager
from relais.core.ratelimit import EmailCap
from relais.notifications.services import queue_email

from ..enums import AccountRequestStatus
from ..models import AccountRequest, AdvisorInvitation, Expert
from ..models.advisors import hash_token
from ..permissions import is_support

INVITATION_VALIDITY = timedelta(days=7)
# The public request form emails support for each request: capped per address and per IP.
ACCOUNT_REQUEST_EMAILS = EmailCap("advisor-account-request", per_address=3, per_ip=10)


class InvitationError(Exception):
    """The link cannot be used; the message, meant for the agent, says why and whom to ask."""


def invitable_experts(user):
    """The active teams `user` may invite agents to: all for support, those of their antennes for a manager."""
    experts = Expert.objects.filter(is_active=True).select_related("antenne__institution")
    if is_support(user):
        return experts
    return experts.filter(antenne__managers=user)


def may_invite(user) -> bool:
    return is_support(user) or user.managed_antennes.exists()


def invitations_visible_to(user):
    """The invitations support sees (all), or a manager sees (those to a team of their antennes)."""
    invitations = AdvisorInvitation.objects.all()
    if is_support(user):
        return invitations
    return invitations.filter(experts__antenne__managers=user).distinct()


def invitations_manageable_by(user):
    """The invitations `user` may change (send again, add teams to): all for support; for a manager, those whose every
    team belongs to one of their antennes. Seeing an invitation is not enough to change it. `None` is the platform
    itself (imports, demo data)."""
    invitations = AdvisorInvitation.objects.all()
    if user is None or is_support(user):
        return invitations
    foreign_team = AdvisorInvitation.experts.through.objects.filter(advisorinvitation=OuterRef("pk")).exclude(
        expert__antenne__managers=user
    )
    return invitations.filter(pk__in=invitations_visible_to(user).values("pk")).exclude(Exists(foreign_team))


def invite_advisor(
    *, email: str, experts: list[Expert], invited_by, first_name: str = "", last_name: str = ""
) -> AdvisorInvitation:
    """Email an invitation to join `experts`.

    An invitation still waiting for the same address that the inviter may manage is reused and sent again with the
    teams added, so that an agent never holds two valid links from one inviter. One from another antenne is left
    alone (its link keeps working, its teams stay unknown to this inviter): this one is separate.
    """
    if not experts:
        raise ValidationError("Choisissez au moins une équipe.")
    email = UserManager.normalize_email(email)
    with transaction.atomic():
        invitation = (
            AdvisorInvitation.objects.select_for_update(of=("self",))
            .filter(email=email, accepted_at__isnull=True, pk__in=invitations_manageable_by(invited_by).values("pk"))
            .first()
        )
        if invitation is None:
            invitation = AdvisorInvitation(email=email)
        invitation.first_name = first_name or invitation.first_name
        invitation.last_name = last_name or invitation.last_name
        invitation.invited_by = invited_by
        token = _send(invitation)
        invitation.experts.add(*experts)
        _queue_invitation_email(invitation, token)
    return invitation


def resend_invitation(*, invitation: AdvisorInvitation, author) -> AdvisorInvitation:
    """Send the invitation again with a new token and a new deadline; the earlier link stops working."""
    if not invitations_manageable_by(author).filter(pk=invitation.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        locked = AdvisorInvitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ValidationError("Cette invitation a déjà été acceptée.")
        locked.invited_by = author
        _queue_invitation_email(locked, _send(locked))
    invitation.refresh_from_db()
    return invitation


def _send(invitation: AdvisorInvitation) -> str:
    """Draw a new token and deadline, save the invitation and return the token, which only the email will hold."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + INVITATION_VALIDITY
    invitation.save()
    return token


def _queue_invitation_email(invitation: AdvisorInvitation, token: str) -> None:
    experts = list(invitation.experts.select_related("antenne__institution").order_by("name"))
    institutions = sorted({expert.antenne.institution.name for expert in experts})
    queue_email(
        to=[invitation.email],
        template="conseillers_entreprises/emails/advisor_invitation",
        context={
            "invitation": invitation,
            "experts": experts,
            "institutions": ", ".join(institutions),
            "inviter": invitation.invited_by,
            "link_path": reverse(
                "conseillers_entreprises:advisor_invitation_accept",
                kwargs={"public_id": invitation.public_id, "token": token},
            ),
            "validity_days": INVITATION_VALIDITY.days,
        },
        reply_to=[invitation.invited_by.email] if invitation.invited_by else None,
    )


def whom_to_ask(invitation: AdvisorInvitation | None) -> str:
    inviter = invitation.invited_by if invitation else None
    if inviter:
        return (
            f"Demandez à {inviter.get_full_name() or inviter.email} ({inviter.email}) ou à l’équipe support "
            f"({settings.SUPPORT_EMAIL}) de vous envoyer une nouvelle invitation."
        )
    return f"Demandez à l’équipe support ({settings.SUPPORT_EMAIL}) de vous envoyer une nouvelle invitation."


def check_invitation(*, public_id, token: str) -> AdvisorInvitation:
    """The invitation of an emailed link, if it can still be accepted; InvitationError otherwise."""
    invitation = AdvisorInvitation.objects.select_related("invited_by").filter(public_id=public_id).first()
    _check_usable(invitation, token)
    return invitation


def _check_usable(invitation: AdvisorInvitation | None, token: str) -> None:
    if invitation is None:
        raise InvitationError(f"Ce lien d’invitation n’est pas valable. {whom_to_ask(None)}")
    if invitation.accepted_at is not None:
        raise InvitationError(
            "Ce lien d’invitation a déjà servi : votre compte est créé. Connectez-vous avec votre adresse "
            f"{invitation.email}, ou, si vous avez oublié votre mot de passe, choisissez-en un nouveau."
        )
    if not invitation.matches_token(token):
        raise InvitationError(
            "Ce lien d’invitation a été remplacé par un plus récent : utilisez le dernier courriel reçu. "
            + whom_to_ask(invitation)
        )
    if invitation.is_expired:
        raise InvitationError(
            f"Ce lien d’invitation a expiré le {timezone.localtime(invitation.expires_at):%d/%m/%Y à %H:%M}. "
            + whom_to_ask(invitation)
        )


def existing_account(invitation: AdvisorInvitation) -> User | None:
    return User.objects.filter(email=invitation.email).first()


def accept_invitation(
    *, invitation: AdvisorInvitation, token: str, user: User | None = None, password: str = ""
) -> User:
    """Attach the agent's account to the invited teams, creating it with `password` when there is none.

    `user` is the logged-in owner of the invited address when an account already exists.
    """
    with transaction.atomic():
        locked = (
            AdvisorInvitation.objects.select_for_update(of=("self",)).select_related("invited_by").get(pk=invitation.pk)
        )
        _check_usable(locked, token)
        now = timezone.now()
        if user is None:
            if existing_account(locked) is not None:
                raise InvitationError("Un compte existe déjà pour cette adresse : connectez-vous pour continuer.")
            # The link proves the address: the account is verified and, made outside the public sign-up, complete.
            user = User.objects.create_user(
                email=locked.email,
                password=password,
                first_name=locked.first_name,
                last_name=locked.last_name,
                email_verified_at=now,
            )
        elif user.email != locked.email:
            raise InvitationError(f"Cette invitation est adressée à {locked.email} : connectez-vous avec ce compte.")
        user.experts.add(*locked.experts.all())
        locked.accepted_at = now
        locked.user = user
        locked.save(update_fields=["accepted_at", "user", "updated_at"])
    return user


# Account requests ------------------------------------------------------------------------------------------------


def request_account(
    *, first_name: str, last_name: str, email: str, phone: str, institution: str, antenne: str, message: str
) -> AccountRequest:
    """Record the request and tell the support team, which decides on it."""
    account_request = AccountRequest.objects.create(
        first_name=first_name,
        last_name=last_name,
        email=UserManager.normalize_email(email),
        phone=phone,
        institution=institution,
        antenne=antenne,
        message=message,
    )
    queue_email(
        to=[settings.SUPPORT_EMAIL],
        template="conseillers_entreprises/emails/advisor_account_request",
        context={
            "account_request": account_request,
            "request_path": reverse(
                "conseillers_entreprises:advisor_account_request_detail",
                kwargs={"public_id": account_request.public_id},
            ),
        },
        reply_to=[account_request.email],
    )
    return account_request


def _locked_pending(account_request: AccountRequest) -> AccountRequest:
    locked = AccountRequest.objects.select_for_update(of=("self",)).get(pk=account_request.pk)
    if locked.status != AccountRequestStatus.PENDING:
        raise ValidationError(f"Cette demande a déjà été traitée ({locked.get_status_display().lower()}).")
    return locked


def validate_account_request(*, account_request: AccountRequest, experts: list[Expert], author) -> AdvisorInvitation:
    """Accept the request: the agent is invited to `experts`."""
    with transaction.atomic():
        locked = _locked_pending(account_request)
        invitation = invite_advisor(
            email=locked.email,
            experts=experts,
            invited_by=author,
            first_name=locked.first_name,
            last_name=locked.last_name,
        )
        locked.status = AccountRequestStatus.VALIDATED
        locked.decided_at = timezone.now()
        locked.decided_by = author
        locked.invitation = invitation
        locked.save(update_fields=["status", "decided_at", "decided_by", "invitation", "updated_at"])
    account_request.refresh_from_db()
    return invitation


def refuse_account_request(*, account_request: AccountRequest, reason: str, author) -> AccountRequest:
    """Refuse the request and tell the agent why."""
    with transaction.atomic():
        locked = _locked_pending(account_request)
        locked.status = AccountRequestStatus.REFUSED
        locked.decided_at = timezone.now()
        locked.decided_by = author
        locked.refusal_reason = reason.strip()
        locked.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason", "updated_at"])
        queue_email(
            to=[locked.email],
            template="conseillers_entreprises/emails/advisor_request_refused",
            context={"account_request": locked, "support_email": settings.SUPPORT_EMAIL},
            reply_to=[settings.SUPPORT_EMAIL],
        )
    account_request.refresh_from_db()
    return account_request


def search_experts(experts, query: str):
    """The teams among `experts` whose name, antenne or institution contains every word of `query`."""
    for word in query.split():
        experts = experts.filter(
            Q(name__icontains=word) | Q(antenne__name__icontains=word) | Q(antenne__institution__name__icontains=word)
        )
    return experts

"""Account workflows: sign-up (seed 003 §6.1.1), email change (§6.2.1), deletion, deactivation and suspension
(§6.4; seed 001 art. 6.1, seed 002 art. 8, seed 004), password incidents (§8) and two-factor authentication."""

import functools
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.core import prepared
from relais.notifications.services import queue_email
from relais.privacy.enums import AuditAction
from relais.privacy.registry import DataSubject
from relais.privacy.services.audit import record
from relais.privacy.services.personal_data import erase_subject

from .enums import RevocationReason, VerificationPurpose
from .models import (
    MAX_CODE_ATTEMPTS,
    VERIFICATION_VALIDITY,
    AccountSuspension,
    EmailVerification,
    User,
    UserManager,
    until_label,
)
from .signals import access_revoked
from .tokens import password_reset_token_generator

logger = logging.getLogger(__name__)

# Seed 003 §6.1.1 step 3: at most this many verification emails per address and purpose in an hour, so that
# nobody can flood an inbox through our form.
MAX_VERIFICATION_EMAILS_PER_HOUR = 3
# Between the verified address (step 4) and the password (step 5).
VERIFIED_EMAIL_VALIDITY = timedelta(minutes=60)
BACKUP_CODES_COUNT = 10
COMPROMISED_LINK_MAX_AGE = timedelta(days=30)
_COMPROMISED_SALT = "relais.accounts.compromised-password"


class VerificationError(Exception):
    """The message is meant for users."""


class EmailTaken(Exception):
    """An account already uses this address."""


@dataclass(frozen=True)
class SentVerification:
    verification: EmailVerification
    code: str
    token: str


# Email verification (sign-up step 3-4, change of address) ------------------------------------------------------


def send_verification(
    *, email: str, purpose: VerificationPurpose, user: User | None = None, link_name: str | None = None
) -> EmailVerification:
    """Email a new code and link to `email`; raise VerificationError beyond the hourly limit. `link_name` is the URL
    name (taking `public_id` and `token`) the link opens, for a service whose own sign-up goes on after the address
    is verified; by default, the accounts app's."""
    email = UserManager.normalize_email(email)
    now = timezone.now()
    sent_last_hour = EmailVerification.objects.filter(
        email=email, purpose=purpose, created_at__gt=now - timedelta(hours=1)
    ).order_by("created_at")
    if len(recent := list(sent_last_hour.values_list("created_at", flat=True))) >= MAX_VERIFICATION_EMAILS_PER_HOUR:
        wait = recent[0] + timedelta(hours=1) - now
        minutes = max(1, int(wait.total_seconds() // 60) + 1)
        raise VerificationError(
            f"Vous avez déjà demandé {MAX_VERIFICATION_EMAILS_PER_HOUR} codes en une heure pour cette adresse. "
            f"Par sécurité, attendez {minutes} minute{'s' if minutes > 1 else ''} avant d'en demander un nouveau, "
            "et pensez à regarder dans vos courriers indésirables."
        )
    code = f"{secrets.randbelow(10**6):06d}"
    token = secrets.token_urlsafe(32)
    verification = EmailVerification(
        email=email, purpose=purpose, user=user, created_at=now, expires_at=now + VERIFICATION_VALIDITY
    )
    verification.set_secrets(code=code, token=token)
    verification.save()
    if link_name is None:
        link_name = (
            "accounts:signup_verify_link" if purpose == VerificationPurpose.SIGNUP else "accounts:email_verify_link"
        )
    queue_email(
        to=[email],
        template=f"accounts/emails/verify_{purpose}",
        context={
            "code": code,
            "link_path": reverse(link_name, kwargs={"public_id": verification.public_id, "token": token}),
            "validity_minutes": int(VERIFICATION_VALIDITY.total_seconds() // 60),
        },
    )
    return verification


def check_code(*, verification: EmailVerification, code: str) -> EmailVerification:
    """Mark the verification as done if `code` is right; raise VerificationError with the reason otherwise."""
    with transaction.atomic():
        verification = EmailVerification.objects.select_for_update(of=("self",)).get(pk=verification.pk)
        if verification.verified_at is not None:
            return verification
        _check_usable(verification)
        if verification.attempts >= MAX_CODE_ATTEMPTS:
            raise VerificationError("Trop d'essais avec ce code. Demandez un nouveau code.")
        right = verification.matches_code(code.strip())
        if right:
            verification.verified_at = timezone.now()
            verification.save(update_fields=["verified_at"])
        else:
            # Saved before raising: an exception inside the block would roll the count back.
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
    if not right:
        left = MAX_CODE_ATTEMPTS - verification.attempts
        if not left:
            raise VerificationError("Ce code n'est pas le bon. Trop d'essais : demandez un nouveau code.")
        raise VerificationError(
            f"Ce code n'est pas le bon. Vérifiez le dernier courriel reçu ({left} essai{'s' if left > 1 else ''} "
            f"restant{'s' if left > 1 else ''})."
        )
    return verification


def check_link(*, public_id, token: str, purpose: VerificationPurpose) -> EmailVerification:
    """The verification of an emailed link, marked as done; VerificationError if the link is not valid."""
    with transaction.atomic():
        verification = (
            EmailVerification.objects.select_for_update(of=("self",))
            .filter(public_id=public_id, purpose=purpose)
            .first()
        )
        if verification is None or not verification.matches_token(token):
            raise VerificationError("Ce lien n'est pas valable. Copiez-le en entier depuis le courriel reçu.")
        if verification.verified_at is None:
            _check_usable(verification)
            verification.verified_at = timezone.now()
            verification.save(update_fields=["verified_at"])
    return verification


def _check_usable(verification: EmailVerification) -> None:
    if verification.is_expired:
        raise VerificationError(
            "Ce code a expiré : il n'est valable qu'une heure. Demandez un nouveau code ci-dessous."
        )


# Sign-up ---------------------------------------------------------------------------------------------------------


def email_is_taken(*, email: str) -> bool:
    return User.objects.filter(email=UserManager.normalize_email(email)).exists()


def create_account(*, verification: EmailVerification, password: str) -> User:
    """Step 5: the address is verified, the password chosen; the account now exists and the email is reserved."""
    if verification.purpose != VerificationPurpose.SIGNUP or verification.verified_at is None:
        raise VerificationError("Votre adresse électronique n'est pas encore vérifiée.")
    if timezone.now() - verification.verified_at > VERIFIED_EMAIL_VALIDITY:
        raise VerificationError(
            "La vérification de votre adresse date de plus d'une heure : recommencez l'inscription."
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=verification.email,
                password=password,
                email_verified_at=verification.verified_at,
                signup_completed_at=None,
            )
            EmailVerification.objects.filter(email=verification.email, purpose=VerificationPurpose.SIGNUP).delete()
    except IntegrityError:
        raise EmailTaken from None
    return user


def update_identity(*, user: User, civility: str, last_name: str, first_name: str, phone: str) -> User:
    user.civility = civility
    user.last_name = last_name
    user.first_name = first_name
    user.phone = phone
    user.save(update_fields=["civility", "last_name", "first_name", "phone"])
    return user


def complete_signup(*, user: User, siren: str):
    """Step 6: attach the account to its company (created from the registry if needed); the account is ready.

    The portal terms, accepted with this last step, are recorded at once: no blocking page right after sign-up.
    """
    from relais.legal.services import accept_terms, current_terms
    from relais.organizations.services import join_organization

    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        membership = join_organization(user=user, siren=siren)
        portal_terms = current_terms("portail")
        if portal_terms is not None:
            accept_terms(user=user, versions=[portal_terms])
        if user.signup_completed_at is None:
            user.signup_completed_at = timezone.now()
            user.save(update_fields=["signup_completed_at"])
    return membership


# Email change ----------------------------------------------------------------------------------------------------


def request_email_change(*, user: User, new_email: str) -> EmailVerification:
    new_email = UserManager.normalize_email(new_email)
    if email_is_taken(email=new_email):
        raise EmailTaken
    return send_verification(email=new_email, purpose=VerificationPurpose.EMAIL_CHANGE, user=user)


def confirm_email_change(*, user: User, verification: EmailVerification) -> User:
    """Replace the address once the new one is verified, and tell the old one."""
    if (
        verification.purpose != VerificationPurpose.EMAIL_CHANGE
        or verification.user_id != user.pk
        or verification.verified_at is None
    ):
        raise VerificationError("Cette vérification ne correspond pas à votre compte.")
    old_email = user.email
    try:
        with transaction.atomic():
            user.email = verification.email
            user.email_verified_at = verification.verified_at
            user.save(update_fields=["email", "email_verified_at"])
            EmailVerification.objects.filter(user=user, purpose=VerificationPurpose.EMAIL_CHANGE).delete()
            _security_email(user=user, to=old_email, template="email_changed", context={"new_email": user.email})
    except IntegrityError:
        raise EmailTaken from None
    return user


# Password incidents and security emails --------------------------------------------------------------------------


def compromised_link_path(*, user: User) -> str:
    signed = signing.dumps(str(user.public_id), salt=_COMPROMISED_SALT, compress=True)
    return reverse("accounts:report_compromised_link", kwargs={"signed": signed})


def user_from_compromised_link(*, signed: str) -> User | None:
    try:
        public_id = signing.loads(signed, salt=_COMPROMISED_SALT, max_age=COMPROMISED_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return User.objects.filter(public_id=public_id).first()


def _security_email(*, user: User, to: str, template: str, context: dict | None = None) -> None:
    queue_email(
        to=[to],
        template=f"accounts/emails/security_{template}",
        context={
            "user_name": user.get_short_name(),
            "compromised_path": compromised_link_path(user=user),
            "support_email": settings.SUPPORT_EMAIL,
            **(context or {}),
        },
    )


def notify_password_changed(*, user: User) -> None:
    _security_email(user=user, to=user.email, template="password_changed")


def send_password_reset(*, user: User) -> None:
    queue_email(
        to=[user.email],
        template="accounts/emails/password_reset",
        context={
            "reset_path": reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": password_reset_token_generator.make_token(user),
                },
            ),
            "user_name": user.get_short_name(),
        },
    )


def report_compromised_password(*, user: User, ip: str) -> None:
    """Seed 003 §8: alert support, make the password unusable (which ends every session), email a reset link."""
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
        # Sessions and secure links carry a hash of the password: changing it logs the user out everywhere.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        access_revoked.send(sender=User, user=user, reason=RevocationReason.PASSWORD_COMPROMISED)
        queue_email(
            to=[settings.SUPPORT_EMAIL],
            template="accounts/emails/compromised_support",
            context={
                "email": user.email,
                "public_id": user.public_id,
                "ip": ip or "inconnue",
                "reported_at": timezone.now(),
            },
        )
        send_password_reset(user=user)


# Deletion and deactivation ---------------------------------------------------------------------------------------


def delete_account(*, user: User, request=None) -> str:
    """Seed 003 §6.4: delete the account, which frees its address; return the address, for the goodbye message.

    Every app first erases what it holds about the person through the privacy registry (the same path as the
    DPO's erasures); then the row is deleted rather than anonymised: nothing needs it afterwards (authored records
    of the services keep an empty author), and the address is free at once without any special case in the
    unique index. The goodbye email is forgotten once sent, so that nothing of the person stays in the outbox.
    """
    email = user.email
    with transaction.atomic():
        access_revoked.send(sender=User, user=user, reason=RevocationReason.DELETED)
        erase_subject(subject=DataSubject.of_user(user), actor=user, reason="suppression du compte", request=request)
        user.delete()
        queue_email(to=[email], template="accounts/emails/account_deleted", context={}, forget_after_sending=True)
    return email


def revoke_access(*, user: User, reason: RevocationReason) -> None:
    """End every session, secure link and connected-service token of `user` (whose row the caller has locked)."""
    user.credentials_revoked_at = timezone.now()
    User.objects.filter(pk=user.pk).update(credentials_revoked_at=user.credentials_revoked_at)
    access_revoked.send(sender=User, user=user, reason=reason)


def deactivate_users(*, users, reason: str, actor: User | None = None) -> int:
    """Deactivate (reversible): sessions, secure links and connected-service tokens end at once."""
    count = 0
    with transaction.atomic():
        for user in users.filter(is_active=True).select_for_update():
            user.is_active = False
            user.deactivated_at = timezone.now()
            user.deactivation_reason = reason[:255]
            user.save(update_fields=["is_active", "deactivated_at", "deactivation_reason"])
            revoke_access(user=user, reason=RevocationReason.DEACTIVATED)
            logger.info("Compte %s désactivé par %s : %s", user.public_id, actor.public_id if actor else "-", reason)
            count += 1
    return count


def reactivate_users(*, users) -> int:
    return users.filter(is_active=False).update(is_active=True, deactivated_at=None, deactivation_reason="")


def suspend_account(*, user: User, actor: User | None, reason: str, until: datetime | None = None) -> AccountSuspension:
    """Suspend the account until `until` (None: until lifted); sign-in is refused and every access ends at once.

    Distinct from deactivation (the person's own or an administrator's, no reason owed) and deletion: a suspension
    is a sanction with a reason told to the person, an end, and a history. A suspension in force is replaced.
    """
    reason = reason.strip()
    now = timezone.now()
    if not reason:
        raise ValidationError("Indiquez le motif de la suspension : il est communiqué à la personne.")
    if until is not None and until <= now:
        raise ValidationError("La fin de la suspension doit être une date à venir.")
    if actor is not None and actor.pk == user.pk:
        raise ValidationError("Vous ne pouvez pas suspendre votre propre compte.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.suspensions.in_force(now).update(
            lifted_at=now, lifted_by=actor, lift_reason="Remplacée par une nouvelle suspension."
        )
        suspension = AccountSuspension.objects.create(
            user=locked, reason=reason, starts_at=now, ends_at=until, suspended_by=actor
        )
        locked.suspended_at, locked.suspended_until = now, until
        locked.save(update_fields=["suspended_at", "suspended_until"])
        revoke_access(user=locked, reason=RevocationReason.SUSPENDED)
        queue_email(
            to=[locked.email],
            template="accounts/emails/account_suspended",
            context={"suspension": suspension, "support_email": settings.SUPPORT_EMAIL},
        )
        record(
            action=AuditAction.ACCOUNT_SUSPENDED,
            actor=actor,
            target=locked,
            details={"jusqu_au": until.isoformat() if until else None},
        )
        logger.info(
            "Compte %s suspendu par %s %s",
            locked.public_id,
            _who(actor),
            until_label(until),
        )
    user.refresh_from_db()
    return suspension


def lift_suspension(*, user: User, actor: User | None, reason: str = "") -> AccountSuspension:
    """End the suspension in force before its term; the person may sign in again and is told so."""
    now = timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        suspension = locked.suspensions.in_force(now).select_for_update().first()
        if suspension is None:
            raise ValidationError("Ce compte n'est pas suspendu.")
        suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = now, actor, reason.strip()
        suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        locked.suspended_at = locked.suspended_until = None
        locked.save(update_fields=["suspended_at", "suspended_until"])
        queue_email(
            to=[locked.email],
            template="accounts/emails/account_suspension_lifted",
            context={"login_path": reverse("accounts:login")},
        )
        record(action=AuditAction.ACCOUNT_SUSPENSION_LIFTED, actor=actor, target=locked)
        logger.info("Suspension du compte %s levée par %s", locked.public_id, _who(actor))
    user.refresh_from_db()
    return suspension


def suspension_message(*, user: User) -> str:
    """What a suspended person reads when signing in: until when, why, whom to ask."""
    suspension = user.suspensions.in_force().first()
    reason = f" Motif : {suspension.reason.strip().rstrip('.')}." if suspension else ""
    return (
        f"Votre compte est suspendu {until_label(user.suspended_until)} : vous ne pouvez pas vous connecter.{reason} "
        f"Pour toute question, écrivez au support ({settings.SUPPORT_EMAIL})."
    )


def _who(actor: User | None) -> str:
    return str(actor.public_id) if actor else "le système"


# Two-factor authentication ---------------------------------------------------------------------------------------


# The permissions that open other people's personal data beyond one's own organisation: whoever holds one of them
# (through a group) must use a second factor, as staff do. Named as strings: accounts imports none of those apps.
TWO_FACTOR_PERMISSIONS = (
    "privacy.handle_datarightsrequest",  # data protection officers
    "privacy.handle_incidentreport",  # security team
)


def two_factor_required(*, user: User) -> bool:
    """Staff, access managers and the holders of TWO_FACTOR_PERMISSIONS must use a second factor; for everyone else
    it is a choice. The permissions read as Django's ModelBackend grants them: to an active person, directly or
    through a group; all of them to an active superuser.

    Asked on every page of a session that has not passed a second factor (accounts.middleware): one query, prepared
    once per connection on PostgreSQL (relais/core/prepared.py). Built by the ORM, the same question cost 1.8 ms of
    compiling and 1.8 ms of planning for 0.2 ms of execution, on every page."""
    if user.is_staff or (user.is_active and user.is_superuser):
        return True
    if not user.is_active:
        return False
    sql, permissions = _two_factor_statement()
    with connection.cursor() as cursor:
        prepared.execute(cursor, "accounts_two_factor_required", sql, [user.pk, *permissions] * 2 + [user.pk])
        (required,) = cursor.fetchone()
    return bool(required)


@functools.cache
def _two_factor_statement() -> tuple[str, list[str]]:
    """The query of `two_factor_required` (parameters: the person, then the (app, codename) pairs of
    TWO_FACTOR_PERMISSIONS; twice; then the person again) and those pairs, flattened."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from relais.organizations.models import AccessRight, Membership

    direct = User._meta.get_field("user_permissions")
    groups = User._meta.get_field("groups")
    granted = Group._meta.get_field("permissions")
    named = " OR ".join(["(t.app_label = %s AND p.codename = %s)"] * len(TWO_FACTOR_PERMISSIONS))
    to_permission = (
        f"JOIN {Permission._meta.db_table} p ON p.id = g.{{column}} "
        f"JOIN {ContentType._meta.db_table} t ON t.id = p.content_type_id"
    )
    sql = f"""SELECT EXISTS (
            SELECT 1 FROM {direct.m2m_db_table()} g {to_permission.format(column=direct.m2m_reverse_name())}
            WHERE g.{direct.m2m_column_name()} = %s AND ({named})
        ) OR EXISTS (
            SELECT 1 FROM {groups.m2m_db_table()} u
            JOIN {granted.m2m_db_table()} g ON g.{granted.m2m_column_name()} = u.{groups.m2m_reverse_name()}
            {to_permission.format(column=granted.m2m_reverse_name())}
            WHERE u.{groups.m2m_column_name()} = %s AND ({named})
        ) OR EXISTS (
            -- the rights of organizations.services.permissions.access_manager_rights
            SELECT 1 FROM {AccessRight._meta.db_table} r
            JOIN {Membership._meta.db_table} m ON m.id = r.{AccessRight._meta.get_field("membership").column}
            WHERE m.{Membership._meta.get_field("user").column} = %s AND r.is_access_manager
        )"""
    return sql, [part for permission in TWO_FACTOR_PERMISSIONS for part in permission.split(".")]


def has_two_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The device being enrolled (its secret is shown as a QR code until the first good code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)


def confirm_totp_device(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if `token` is right and return fresh backup codes; None if the token is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update(of=("self",)).get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(token.strip().replace(" ", "")):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = replace_backup_codes(user=user)
        _security_email(user=user, to=user.email, template="two_factor_enabled")
    return codes


def replace_backup_codes(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def disable_two_factor(*, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _security_email(user=user, to=user.email, template="two_factor_disabled")

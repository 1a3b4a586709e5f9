"""Workflows of the OpenID Connect provider: consents, sign-ins to services, ends of sessions (back-channel logout),
revocation of tokens, client secrets."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.hashers import identify_hasher, make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from relais.accounts.models import User

from .enums import Acr, BackchannelStatus
from .models import BackchannelLogout, ClientProfile, Consent, SignIn

logger = logging.getLogger(__name__)

# The Relais session's identifier as the services know it (`sid` of the ID and logout tokens).
SESSION_ID_KEY = "sso_session_id"


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class AuthenticationContext:
    """How the person proved who they are in this session: what the ID token's acr, amr and auth_time say."""

    acr: str
    amr: tuple[str, ...]
    auth_time: datetime
    session_id: str


def authentication_context(request) -> AuthenticationContext:
    user = request.user
    second_factor = user.is_verified()
    session_id = request.session.get(SESSION_ID_KEY)
    if not session_id:
        session_id = request.session[SESSION_ID_KEY] = secrets.token_urlsafe(24)
    return AuthenticationContext(
        # RFC 8176 method references: a password, then a one-time code for those who gave one.
        acr=Acr.MFA if second_factor else Acr.PASSWORD,
        amr=("pwd", "otp", "mfa") if second_factor else ("pwd",),
        auth_time=user.last_login or timezone.now(),
        session_id=session_id,
    )


# Consents --------------------------------------------------------------------------------------------------------


def has_consent(*, user: User, application, scopes) -> bool:
    consent = Consent.objects.filter(user=user, application=application).first()
    return consent is not None and consent.covers(scopes)


def record_consent(*, user: User, application, scopes) -> Consent:
    """The person allowed the service these scopes; those allowed before are kept."""
    with transaction.atomic():
        consent, created = Consent.objects.select_for_update().get_or_create(
            user=user, application=application, defaults={"scope": " ".join(sorted(set(scopes)))}
        )
        if not created:
            consent.scope = " ".join(sorted(set(consent.scope.split()) | set(scopes)))
            consent.last_used_at = timezone.now()
            consent.save(update_fields=["scope", "last_used_at"])
    return consent


def withdraw_consent(*, user: User, application) -> None:
    """From "Services connectés": the service loses the person's tokens and their sessions there end."""
    with transaction.atomic():
        Consent.objects.filter(user=user, application=application).delete()
        revoke_tokens(user=user, application=application)
        end_sessions(SignIn.objects.open().filter(user=user, application=application))
        logger.info("Consentement de %s retiré au service %s", user.public_id, application.client_id)


def connected_services(*, user: User):
    return (
        Consent.objects.filter(user=user)
        .select_related("application__relais_profile__digital_service")
        .order_by("application__name")
    )


# Sign-ins and tokens ---------------------------------------------------------------------------------------------


def record_sign_in(*, user: User, application, code: str, context: AuthenticationContext) -> SignIn:
    Consent.objects.filter(user=user, application=application).update(last_used_at=timezone.now())
    return SignIn.objects.create(
        user=user,
        application=application,
        session_id=context.session_id,
        code_hash=hash_code(code),
        acr=context.acr,
        amr=" ".join(context.amr),
        auth_time=context.auth_time,
    )


def sign_in_for_code(code: str) -> SignIn | None:
    return SignIn.objects.filter(code_hash=hash_code(code)).first()


def mark_code_redeemed(*, code: str, token_family) -> None:
    SignIn.objects.filter(code_hash=hash_code(code), redeemed_at__isnull=True).update(
        redeemed_at=timezone.now(), token_family=token_family
    )


def revoke_replayed_code(*, code: str) -> bool:
    """A code presented again after it was redeemed: the tokens issued from it are revoked (RFC 6749 §4.1.2)."""
    sign_in = SignIn.objects.filter(code_hash=hash_code(code), redeemed_at__isnull=False).first()
    if sign_in is None:
        return False
    get_refresh_token_model().revoke_family(sign_in.token_family)
    logger.warning("Code rejoué pour %s : jetons révoqués", sign_in.application_id)
    return True


def access_token_for(token_value: str):
    checksum = hashlib.sha256(token_value.encode()).hexdigest()
    return get_access_token_model().objects.select_related("user").filter(token_checksum=checksum).first()


def revoke_tokens(*, user: User, application=None) -> None:
    """End every access and refresh token (and pending code) of the person, for one service or all."""
    scope = {"user": user} if application is None else {"user": user, "application": application}
    get_refresh_token_model().objects.filter(revoked__isnull=True, **scope).update(
        revoked=timezone.now(), access_token=None
    )
    get_access_token_model().objects.filter(**scope).delete()
    get_grant_model().objects.filter(**scope).delete()


# Ends of sessions (OpenID Connect Back-Channel Logout 1.0) ------------------------------------------------------


def end_sessions(sign_ins) -> int:
    """Close these sign-ins and queue a logout token to each service that registered a back-channel address."""
    from .tasks import send_backchannel_logout

    now = timezone.now()
    sessions = set(
        sign_ins.filter(application__relais_profile__backchannel_logout_uri__gt="", ended_at__isnull=True).values_list(
            "application_id", "user__public_id", "session_id"
        )
    )
    sign_ins.filter(ended_at__isnull=True).update(ended_at=now)
    notices = BackchannelLogout.objects.bulk_create(
        BackchannelLogout(application_id=application_id, subject=str(subject), session_id=session_id)
        for application_id, subject, session_id in sorted(sessions, key=str)
    )
    for notice in notices:
        transaction.on_commit(partial(send_backchannel_logout.enqueue, notice.pk))
    return len(notices)


def due_backchannel_logouts():
    return BackchannelLogout.objects.filter(status=BackchannelStatus.PENDING, next_attempt_at__lte=timezone.now())


def stale_oidc_records(now=None):
    """Sign-ins of no more use (ended, or whose tokens are all gone, a day on), and logout notices settled for a
    month. An open sign-in whose refresh tokens still live is kept: its service must hear when the session ends."""
    now = now or timezone.now()
    live_families = get_refresh_token_model().objects.filter(revoked__isnull=True).values("token_family")
    sign_ins = SignIn.objects.filter(created_at__lt=now - timedelta(days=1)).filter(
        Q(ended_at__isnull=False) | ~Q(token_family__in=live_families)
    )
    notices = BackchannelLogout.objects.exclude(status=BackchannelStatus.PENDING).filter(
        created_at__lt=now - timedelta(days=30)
    )
    return sign_ins, notices


# Reactions to the accounts app -----------------------------------------------------------------------------------


def on_access_revoked(sender, *, user: User, reason, **kwargs) -> None:
    """Password changed or compromised, account deactivated, suspended or deleted: the services lose access now."""
    revoke_tokens(user=user)
    end_sessions(SignIn.objects.filter(user=user))
    logger.info("Accès aux services connectés révoqués pour %s (%s)", user.public_id, reason)


def on_logged_out(sender, request, user, **kwargs) -> None:
    """The Relais session ends: the services signed into from it are told to end theirs."""
    session_id = request.session.get(SESSION_ID_KEY) if request is not None else None
    if user is None or not session_id:
        return
    end_sessions(SignIn.objects.filter(user=user, session_id=session_id))


# Client secrets --------------------------------------------------------------------------------------------------


def rotate_client_secret(*, application, overlap: timedelta) -> str:
    """Draw a new secret, shown once; the previous one stays accepted for `overlap`, time to deploy the new one."""
    secret = generate_client_secret()
    with transaction.atomic():
        profile, _ = ClientProfile.objects.select_for_update().get_or_create(application=application)
        profile.previous_secret_hash = _hashed(application.client_secret)
        profile.previous_secret_expires_at = timezone.now() + overlap
        profile.save(update_fields=["previous_secret_hash", "previous_secret_expires_at"])
        # The toolkit hashes the secret when the application is saved.
        application.client_secret = secret
        application.save(update_fields=["client_secret", "updated"])
    return secret


def _hashed(secret: str) -> str:
    # Secrets are stored hashed unless a client was made with hash_client_secret off.
    try:
        identify_hasher(secret)
    except ValueError:
        return make_password(secret)
    return secret


def accepts_previous_secret(*, stored_secret: str, provided_secret: str) -> bool:
    profile = (
        ClientProfile.objects.filter(
            application__client_secret=stored_secret, previous_secret_expires_at__gt=timezone.now()
        )
        .only("previous_secret_hash", "previous_secret_expires_at")
        .first()
    )
    return profile is not None and profile.accepts_previous_secret(provided_secret)

"""Login throttling: failed attempts counted per account and per IP address in the cache.

The cache rather than django-axes: two counters with an expiry are all we need, they cost no database write
on each failure, and axes would bring its own tables, backend, middleware and lockout views to style. With
several web processes the cache must be shared (CACHE_URL=redis://…): with the per-process default, each
process counts on its own, which only makes the limits looser, never wrongly stricter.

A counter starts at the first failure and expires WINDOW later (a fixed window): a locked account is
free again at most WINDOW after its first failure. Attempts are counted whatever the address typed, so the
lock reveals nothing about which accounts exist.
"""

from datetime import timedelta

from relais.core.ratelimit import RateLimit, client_ip

WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = RateLimit("login-failures-account", limit=5, seconds=int(WINDOW.total_seconds()))
IP_FAILURES = RateLimit("login-failures-ip", limit=20, seconds=int(WINDOW.total_seconds()))

# Second-factor codes typed after the password (or at enrolment): django-otp slows each device down after a failure;
# this also stops the attempts, like the sign-up code.
SECOND_FACTOR_FAILURES = RateLimit("second-factor-failures", limit=5, seconds=int(WINDOW.total_seconds()))

__all__ = ["SECOND_FACTOR_FAILURES", "client_ip", "clear_account", "lock_message", "record_failure"]

ACCOUNT_LOCKED_MESSAGE = (
    "Trop de tentatives de connexion ont échoué pour ce compte. Par sécurité, réessayez dans 15 minutes ou "
    "choisissez un nouveau mot de passe avec « Mot de passe oublié ? »."
)
IP_LOCKED_MESSAGE = (
    "Trop de tentatives de connexion ont échoué depuis votre connexion internet. Par sécurité, réessayez dans "
    "15 minutes."
)


def record_failure(*, email: str, ip: str) -> None:
    ACCOUNT_FAILURES.hit(email)
    IP_FAILURES.hit(ip)


def lock_message(*, email: str, ip: str) -> str | None:
    """Why a login attempt must be refused before the password is even checked, or None."""
    if ACCOUNT_FAILURES.exceeded(email):
        return ACCOUNT_LOCKED_MESSAGE
    if IP_FAILURES.exceeded(ip):
        return IP_LOCKED_MESSAGE
    return None


def clear_account(*, email: str) -> None:
    ACCOUNT_FAILURES.reset(email)


def on_login_failed(sender, credentials, request=None, **kwargs):
    record_failure(email=credentials.get("username", ""), ip=client_ip(request))


def on_logged_in(sender, request, user, **kwargs):
    clear_account(email=user.email)

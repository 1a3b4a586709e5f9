"""Login throttling: failed attempts counted per account and per IP address in the cache.

The cache rather than django-axes: two counters with an expiry are all we need, they cost no database write
on each failure, and axes would bring its own tables, backend, middleware and lockout views to style. With
several web processes the cache must be shared (CACHE_URL=redis://…): with the per-process default, each
process counts on its own, which only makes the limits looser, never wrongly stricter.

A counter starts at the first failure and expires WINDOW later (a fixed window): a locked account is
free again at most WINDOW after its first failure. Attempts are counted whatever the address typed, so the
lock reveals nothing about which accounts exist.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 20

ACCOUNT_LOCKED_MESSAGE = (
    "Trop de tentatives de connexion ont échoué pour ce compte. Par sécurité, réessayez dans 15 minutes ou "
    "choisissez un nouveau mot de passe avec « Mot de passe oublié ? »."
)
IP_LOCKED_MESSAGE = (
    "Trop de tentatives de connexion ont échoué depuis votre connexion internet. Par sécurité, réessayez dans "
    "15 minutes."
)


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or the header set by our reverse proxy when CLIENT_IP_HEADER says so."""
    if request is None:
        return ""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        # X-Forwarded-For lists the client first, then the proxies.
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(kind: str, value: str) -> str:
    return f"accounts:login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _normalized(email: str) -> str:
    return (email or "").strip().lower()


def record_failure(*, email: str, ip: str) -> None:
    for key in (_key("account", _normalized(email)), _key("ip", ip)):
        # add() starts the window only if no counter runs yet; incr() keeps the counter's expiry.
        cache.add(key, 0, int(WINDOW.total_seconds()))
        try:
            cache.incr(key)
        except ValueError:
            # The counter expired between add() and incr(): this failure opens a new window.
            cache.set(key, 1, int(WINDOW.total_seconds()))


def lock_message(*, email: str, ip: str) -> str | None:
    """Why a login attempt must be refused before the password is even checked, or None."""
    if cache.get(_key("account", _normalized(email)), 0) >= MAX_FAILURES_PER_ACCOUNT:
        return ACCOUNT_LOCKED_MESSAGE
    if ip and cache.get(_key("ip", ip), 0) >= MAX_FAILURES_PER_IP:
        return IP_LOCKED_MESSAGE
    return None


def clear_account(*, email: str) -> None:
    cache.delete(_key("account", _normalized(email)))


def on_login_failed(sender, credentials, request=None, **kwargs):
    record_failure(email=credentials.get("username", ""), ip=client_ip(request))


def on_logged_in(sender, request, user, **kwargs):
    clear_account(email=user.email)

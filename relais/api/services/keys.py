"""API keys: creation (the secret is shown once), revocation, rotation with an overlap, lookup of a call's key.

A key is `rls_` followed by 43 random URL-safe characters. Only its HMAC-SHA256 digest is stored, keyed with
API_KEY_HMAC_SECRET (not SECRET_KEY, so that rotating the one does not void every partner's keys): a stolen
database does not give working keys, and the lookup is one indexed equality on the digest.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.notifications.services import queue_email

from ..enums import Scope
from ..models import KEY_VALIDITY, ApiKey, Partner

logger = logging.getLogger(__name__)

KEY_PREFIX = "rls_"
DISPLAYED_CHARACTERS = 12
ROTATION_OVERLAP = timedelta(days=7)
# Last use is written at most once per key and per this delay (a cache marker per key): not a write per call.
LAST_USE_PRECISION_SECONDS = 60
KEY_CACHE_SECONDS = 30


def digest(secret: str) -> str:
    return hmac.new(settings.API_KEY_HMAC_SECRET.encode(), secret.encode(), hashlib.sha256).hexdigest()


def _check_scopes(partner: Partner, scopes: list[str]) -> list[str]:
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": "Choisissez au moins un droit pour cette clé."})
    refused = [scope for scope in scopes if scope not in partner.allowed_scopes or scope not in Scope.values]
    if refused:
        raise ValidationError({"scopes": f"Ce partenaire n’a pas le droit : {', '.join(refused)}."})
    return scopes


def _new_key(*, partner: Partner, name: str, scopes: list[str], actor: User | None, **fields) -> tuple[ApiKey, str]:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        partner=partner,
        name=name.strip(),
        prefix=secret[:DISPLAYED_CHARACTERS],
        digest=digest(secret),
        scopes=scopes,
        created_by=actor,
        **fields,
    )
    return key, secret


@transaction.atomic
def create_key(
    *, partner: Partner, name: str, scopes: list[str], actor: User | None, quota: int | None = None
) -> tuple[ApiKey, str]:
    """A new key valid 18 months; returns it with its secret, which nobody can read again."""
    scopes = _check_scopes(partner, scopes)
    key, secret = _new_key(
        partner=partner, name=name, scopes=scopes, actor=actor, quota=quota, expires_at=timezone.now() + KEY_VALIDITY
    )
    logger.info("Clé d’API %s créée pour %s par %s", key.prefix, partner, actor)
    return key, secret


def _locked(key: ApiKey) -> ApiKey:
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is not None:
        raise ValidationError("Cette clé est déjà révoquée.")
    return locked


@transaction.atomic
def revoke_key(*, key: ApiKey, actor: User | None) -> ApiKey:
    """Refuse the key from now on."""
    locked = _locked(key)
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    forget_cached(locked)
    logger.info("Clé d’API %s de %s révoquée par %s", locked.prefix, locked.partner_id, actor)
    return locked


@transaction.atomic
def rotate_key(*, key: ApiKey, actor: User | None, overlap: timedelta = ROTATION_OVERLAP) -> tuple[ApiKey, str]:
    """A new key with the same name, rights and quota; the old one keeps working for `overlap`, then expires."""
    locked = _locked(key)
    now = timezone.now()
    if locked.expires_at <= now:
        raise ValidationError("Cette clé a expiré : créez-en une nouvelle.")
    if hasattr(locked, "replaced_by"):
        raise ValidationError("Cette clé a déjà été remplacée.")
    scopes = [scope for scope in locked.scopes if scope in locked.partner.allowed_scopes]
    new_key, secret = _new_key(
        partner=locked.partner,
        name=locked.name,
        scopes=_check_scopes(locked.partner, scopes),
        actor=actor,
        quota=locked.quota,
        expires_at=now + KEY_VALIDITY,
        rotated_from=locked,
    )
    locked.expires_at = min(locked.expires_at, now + overlap)
    locked.save(update_fields=["expires_at", "updated_at"])
    forget_cached(locked)
    logger.info("Clé d’API %s remplacée par %s (par %s)", locked.prefix, new_key.prefix, actor)
    return new_key, secret


def _cache_key(key_digest: str) -> str:
    return f"api:key:{key_digest}"


def find_key(secret: str) -> ApiKey | None:
    """The key with this secret, revoked and expired ones included (the caller says why it refuses them).

    Kept KEY_CACHE_SECONDS in the shared cache: every call needs it. Revoking or replacing a key clears it at once;
    a change made to the partner in the admin (deactivation, rights) shows within that delay.
    """
    if not secret.startswith(KEY_PREFIX) or len(secret) > 100:
        return None
    key_digest = digest(secret)
    key = cache.get(_cache_key(key_digest))
    if key is None:
        key = ApiKey.objects.select_related("partner__institution").filter(digest=key_digest).first()
        if key is not None:
            cache.set(_cache_key(key_digest), key, KEY_CACHE_SECONDS)
    return key


def forget_cached(key: ApiKey) -> None:
    # Now, and again after commit: a call between the two could have cached the row as it was before.
    cache.delete(_cache_key(key.digest))
    transaction.on_commit(lambda: cache.delete(_cache_key(key.digest)))


def record_use(key: ApiKey) -> None:
    if cache.add(f"api:key-used:{key.pk}", 1, LAST_USE_PRECISION_SECONDS):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())


EXPIRY_NOTICE = timedelta(days=30)


def announce_expiring_keys(*, now=None) -> int:
    """Email each partner's administrators (and technical address) about its keys expiring within 30 days."""
    now = now or timezone.now()
    announced = 0
    expiring = (
        ApiKey.objects.expiring_unannounced(within=EXPIRY_NOTICE, now=now)
        .filter(replaced_by__isnull=True, partner__is_active=True)
        .select_related("partner")
        .prefetch_related("partner__administrators")
    )
    for key in expiring:
        partner = key.partner
        recipients = {user.email for user in partner.administrators.all() if user.is_active and user.email}
        recipients = sorted(recipients | ({partner.contact_email} if partner.contact_email else set()))
        with transaction.atomic():
            if recipients:
                queue_email(
                    to=recipients,
                    template="api/emails/key_expiring",
                    context={
                        "key_name": key.name,
                        "key_prefix": key.prefix,
                        "partner_name": partner.name,
                        "expires_at": timezone.localtime(key.expires_at),
                        "keys_path": reverse("api:partner_keys", args=[partner.public_id]),
                        "support_email": settings.SUPPORT_EMAIL,
                    },
                )
            ApiKey.objects.filter(pk=key.pk).update(expiry_notice_sent_at=now)
        announced += 1
    return announced

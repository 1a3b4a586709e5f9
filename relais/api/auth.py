"""Who calls: a partner's key (bearer token) with the scope the operation needs, or, on open data, anyone within
the per-IP quota. Each call counts against its quota before the operation runs; the state of the quota is kept on
the request for the RateLimit headers (added by `urls.with_quota_headers`).
"""

from dataclasses import dataclass

from django.utils import formats, timezone
from ninja.security import HttpBearer

from relais.core.ratelimit import client_ip

from . import quotas
from .enums import Scope
from .errors import ApiError
from .models import ApiKey
from .services import keys

MISSING = "Clé d’API manquante : envoyez l’en-tête « Authorization: Bearer <votre clé> »."


@dataclass(frozen=True)
class AnonymousCaller:
    ip: str


def _check_quota(request, state: quotas.QuotaState) -> None:
    request.api_quota = state
    if state.exceeded:
        raise ApiError(
            429,
            f"Quota dépassé : {state.limit} requêtes par {state.window // 60} minutes. "
            f"Réessayez dans {state.reset} secondes.",
            headers=state.headers(),
        )


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y à H:i")


def _usable_key(token: str) -> ApiKey:
    key = keys.find_key(token.strip())
    if key is None:
        raise ApiError(401, "Clé d’API inconnue.", source="Authorization")
    if key.revoked_at is not None:
        raise ApiError(401, f"Cette clé d’API a été révoquée le {_when(key.revoked_at)}.", source="Authorization")
    if key.expires_at <= timezone.now():
        raise ApiError(
            401,
            f"Cette clé d’API a expiré le {_when(key.expires_at)} : créez-en une nouvelle depuis votre espace.",
            source="Authorization",
        )
    if not key.partner.is_active:
        raise ApiError(401, "Le partenaire de cette clé n’a plus accès à l’API.", source="Authorization")
    return key


class CleApi(HttpBearer):
    """`Authorization: Bearer rls_…`, with the scope the operation needs (None: any valid key).

    With `anonymous=True` the header is optional (open data): without it the call counts against its IP's quota.
    """

    def __init__(self, scope: Scope | None = None, *, anonymous: bool = False):
        super().__init__()
        self.scope = scope
        self.anonymous = anonymous

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            if self.anonymous:
                return self._anonymous(request)
            raise ApiError(401, MISSING, source="Authorization")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, MISSING, source="Authorization")
        return self.authenticate(request, token)

    def authenticate(self, request, token: str) -> ApiKey:
        key = _usable_key(token)
        if self.scope and self.scope not in key.scopes:
            raise ApiError(
                403,
                f"Cette clé n’a pas le droit « {self.scope.value} » ({self.scope.label}).",
                source="Authorization",
            )
        _check_quota(request, quotas.consume(scope="key", key=str(key.pk), limit=key.limit))
        keys.record_use(key)
        return key

    def _anonymous(self, request) -> AnonymousCaller:
        ip = client_ip(request)
        limit, window = quotas.anonymous_limit()
        _check_quota(request, quotas.consume(scope="ip", key=ip, limit=limit, window=window))
        return AnonymousCaller(ip=ip)


def partner_key(scope: Scope) -> CleApi:
    return CleApi(scope)


def open_data() -> CleApi:
    return CleApi(anonymous=True)

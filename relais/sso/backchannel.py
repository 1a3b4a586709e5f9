"""Delivery of logout tokens to the services (OpenID Connect Back-Channel Logout 1.0).

The logout token is a JWT signed with the provider's key, POSTed to the address the service registered. A notice is
claimed by one conditional UPDATE before the HTTP call, so two workers never post it at the same time; a failure is
retried with a growing delay, then abandoned (the service's session then ends at its own expiry).
"""

import json
import logging
import uuid
from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone
from jwcrypto import jwt
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem

from .enums import BackchannelStatus
from .models import BackchannelLogout

logger = logging.getLogger(__name__)

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
TIMEOUT_SECONDS = 5
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
# Tests replace it with an httpx.MockTransport; None is the real network.
transport: httpx.BaseTransport | None = None


def logout_token(notice: BackchannelLogout) -> str:
    key = jwk_from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY)
    now = int(timezone.now().timestamp())
    claims = {
        "iss": oauth2_settings.OIDC_ISS_ENDPOINT,
        "aud": notice.application.client_id,
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
        "sub": notice.subject,
        "events": {LOGOUT_EVENT: {}},
    }
    if notice.session_id:
        claims["sid"] = notice.session_id
    token = jwt.JWT(
        header=json.dumps({"alg": "RS256", "kid": key.thumbprint(), "typ": "logout+jwt"}), claims=json.dumps(claims)
    )
    token.make_signed_token(key)
    return token.serialize()


def deliver(notice_id: int) -> str:
    """Post the notice if it is due and still pending; return its status afterwards."""
    notice = BackchannelLogout.objects.select_related("application__relais_profile").filter(pk=notice_id).first()
    if notice is None or notice.status != BackchannelStatus.PENDING:
        return notice.status if notice else "missing"
    now = timezone.now()
    delay = BACKOFF[min(notice.attempts, len(BACKOFF) - 1)]
    claimed = BackchannelLogout.objects.filter(
        pk=notice.pk, status=BackchannelStatus.PENDING, attempts=notice.attempts, next_attempt_at__lte=now
    ).update(attempts=notice.attempts + 1, next_attempt_at=now + delay)
    if not claimed:
        return notice.status
    error = _post(notice)
    if error is None:
        BackchannelLogout.objects.filter(pk=notice.pk).update(
            status=BackchannelStatus.SENT, sent_at=timezone.now(), last_error=""
        )
        return BackchannelStatus.SENT
    status = BackchannelStatus.FAILED if notice.attempts + 1 >= MAX_ATTEMPTS else BackchannelStatus.PENDING
    BackchannelLogout.objects.filter(pk=notice.pk).update(status=status, last_error=error[:255])
    logger.warning("Déconnexion non transmise à %s : %s", notice.application.name, error)
    return status


def _post(notice: BackchannelLogout) -> str | None:
    uri = notice.application.relais_profile.backchannel_logout_uri
    if settings.SSO_BACKCHANNEL_LOGOUT_BACKEND == "offline":
        logger.info(
            "Déconnexion de %s pour %s (hors ligne : rien n'est envoyé à %s)",
            notice.subject,
            notice.application.name,
            uri,
        )
        return None
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, transport=transport, follow_redirects=False) as client:
            response = client.post(
                uri, data={"logout_token": logout_token(notice)}, headers={"Cache-Control": "no-store"}
            )
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    if response.status_code in (200, 204):
        return None
    return f"HTTP {response.status_code}"

"""Request quotas of the API: per key (300 requests per 5 minutes unless the key says otherwise), per IP address
for calls without a key (open data).

Counted in the shared cache like relais.core.ratelimit (Redis in production, CACHE_URL=redis://…: every web
process must count in the same place), with windows aligned on the clock: the window's end is known without
storing it, which gives the `RateLimit-Reset` header for free. The price of fixed windows is that a client may
send up to twice its quota across the boundary of two windows; the quota is a protection, not a billing meter.
"""

import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .models import QUOTA_WINDOW_SECONDS


@dataclass(frozen=True)
class QuotaState:
    limit: int
    remaining: int
    reset: int  # seconds until the window ends
    window: int
    exceeded: bool

    def headers(self) -> dict[str, str]:
        """The IETF draft's RateLimit headers (draft-ietf-httpapi-ratelimit-headers), plus Retry-After when over."""
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit};w={self.window}",
        }
        if self.exceeded:
            headers["Retry-After"] = str(self.reset)
        return headers


def consume(*, scope: str, key: str, limit: int, window: int = QUOTA_WINDOW_SECONDS) -> QuotaState:
    """Count one request of `key` in `scope` and say where it stands."""
    now = time.time()
    index = int(now // window)
    hashed = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"api:quota:{scope}:{hashed}:{index}"
    # add() creates the counter only if this window has none; incr() is atomic on Redis.
    cache.add(cache_key, 0, window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, window + 5)
        count = 1
    reset = max(1, math.ceil((index + 1) * window - now))
    return QuotaState(limit=limit, remaining=max(0, limit - count), reset=reset, window=window, exceeded=count > limit)


def anonymous_limit() -> tuple[int, int]:
    """Requests allowed per IP without a key, from settings.API_ANONYMOUS_RATE_LIMIT ("120/300")."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(settings.API_ANONYMOUS_RATE_LIMIT))
    return (int(match.group(1)), int(match.group(2))) if match else (120, QUOTA_WINDOW_SECONDS)

"""The shared cache (Redis) with a per-process fallback, so that a Redis outage never becomes a server error.

Rate limits, login throttling and quotas count in the cache: with Redis they are counted once across every web
process and machine. When Redis does not answer, each process counts in its own memory until Redis is back (the
limits become per-process, hence looser, never stricter) and says so once in the logs. Short socket timeouts keep
a request from waiting on a dead server; after a failure Redis is tried again every RETRY_SECONDS only.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0
_CACHE_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        local_params = {key: value for key, value in params.items() if key not in ("LOCATION", "OPTIONS")}
        self._local = LocMemCache(f"relais-fallback-{id(self)}", local_params)
        self._down_since: float | None = None
        self._retry_at = 0.0

    @property
    def degraded(self) -> bool:
        """True while this process counts in its own memory because Redis did not answer."""
        return self._down_since is not None

    def _redis_worth_trying(self) -> bool:
        return self._down_since is None or time.monotonic() >= self._retry_at

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        self._retry_at = now + RETRY_SECONDS
        if self._down_since is None:
            self._down_since = now
            logger.warning(
                "Redis injoignable (%s) : le cache, les limites de fréquence et de connexion sont comptés par "
                "processus jusqu'à son retour.",
                type(error).__name__,
            )

    def _recovered(self) -> None:
        if self._down_since is not None:
            logger.warning(
                "Redis de nouveau joignable après %.0f s : les limites sont de nouveau communes à tous les processus.",
                time.monotonic() - self._down_since,
            )
            self._down_since = None


def _with_fallback(name: str):
    def method(self, *args, **kwargs):
        if self._redis_worth_trying():
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except REDIS_UNREACHABLE as error:
                self._failed(error)
            else:
                self._recovered()
                return result
        return getattr(self._local, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or the process's own memory while Redis does not answer."
    return method


for _name in _CACHE_METHODS:
    setattr(FallbackRedisCache, _name, _with_fallback(_name))

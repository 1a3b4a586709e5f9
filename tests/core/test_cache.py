import logging
import os
import uuid

import pytest
import redis

from relais.core import cache as shared_cache
from relais.core.cache import FallbackRedisCache
from relais.core.ratelimit import RateLimit

# Database 5 of the local Redis (127.0.0.1:6379) is this suite's; CI has Redis running, a laptop may not.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def redis_cache(location: str = REDIS_URL) -> FallbackRedisCache:
    # A prefix per test: tests running in parallel share the Redis database.
    return FallbackRedisCache(location, {"OPTIONS": OPTIONS, "KEY_PREFIX": uuid.uuid4().hex})


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, **OPTIONS).ping()
    except redis.exceptions.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_available() and not os.environ.get("CI"), reason="Redis ne répond pas sur 127.0.0.1:6379"
)


def test_without_redis_the_cache_keeps_working_per_process_and_says_so(caplog):
    # Port 1: nothing listens, the connection is refused at once.
    cache = redis_cache("redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING, logger="relais.core.cache"):
        cache.set("cle", 1, 60)
        assert cache.get("cle") == 1
        assert cache.incr("cle") == 2
        assert cache.add("autre", 5, 60)
        assert cache.get_many(["cle", "autre"]) == {"cle": 2, "autre": 5}
    assert cache.degraded
    warnings = [record for record in caplog.records if "Redis injoignable" in record.getMessage()]
    assert len(warnings) == 1


def test_a_rate_limit_degrades_to_per_process_counting_without_redis(monkeypatch):
    cache = redis_cache("redis://127.0.0.1:1/0")
    monkeypatch.setattr("relais.core.ratelimit.cache", cache)
    limit = RateLimit("test", limit=2, seconds=60)
    limit.hit("1.2.3.4")
    assert not limit.exceeded("1.2.3.4")
    limit.hit("1.2.3.4")
    assert limit.exceeded("1.2.3.4")


def test_redis_is_tried_again_after_a_pause_and_its_return_is_logged(caplog, monkeypatch):
    cache = redis_cache("redis://127.0.0.1:1/0")
    cache.get("cle")
    calls = []
    monkeypatch.setattr(shared_cache.RedisCache, "get", lambda self, *args, **kwargs: calls.append(args) or "redis")
    assert cache.get("cle") is None  # within the pause, the local memory answers without trying Redis
    assert calls == []
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0)
    cache._retry_at = 0
    with caplog.at_level(logging.WARNING, logger="relais.core.cache"):
        assert cache.get("cle") == "redis"
    assert not cache.degraded
    assert "Redis de nouveau joignable" in caplog.text


@needs_redis
def test_with_redis_a_limit_is_counted_once_across_processes(monkeypatch):
    """Two web processes are two cache objects on the same Redis: the hits of both count together."""
    prefix = uuid.uuid4().hex
    first, second = (FallbackRedisCache(REDIS_URL, {"OPTIONS": OPTIONS, "KEY_PREFIX": prefix}) for _ in range(2))
    limit = RateLimit("test-partage", limit=3, seconds=60)
    for cache in (first, second, first):
        monkeypatch.setattr("relais.core.ratelimit.cache", cache)
        assert not limit.exceeded("5.6.7.8")
        limit.hit("5.6.7.8")
    monkeypatch.setattr("relais.core.ratelimit.cache", second)
    assert limit.exceeded("5.6.7.8")
    assert not first.degraded and not second.degraded
    first.clear()

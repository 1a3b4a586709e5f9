import time_machine
from django.test import RequestFactory, override_settings

from relais.core.ratelimit import RateLimit, client_ip


def test_a_key_is_limited_after_its_hits_then_free_when_the_window_ends():
    limit = RateLimit("test-window", limit=2, seconds=60)
    with time_machine.travel("2026-03-02 10:00", tick=False) as clock:
        limit.hit("Anne@Example.fr")
        assert not limit.exceeded("anne@example.fr")
        limit.hit("anne@example.fr ")
        assert limit.exceeded("ANNE@example.fr")
        assert not limit.exceeded("bruno@example.fr")
        clock.shift(61)
        assert not limit.exceeded("anne@example.fr")


def test_any_exceeded_key_limits_and_empty_keys_are_ignored():
    limit = RateLimit("test-any", limit=1, seconds=60)
    limit.hit("", "192.0.2.1")
    assert limit.exceeded("someone@example.fr", "192.0.2.1")
    assert not limit.exceeded("", "")
    limit.reset("192.0.2.1")
    assert not limit.exceeded("192.0.2.1")


def test_a_zero_limit_switches_the_limit_off():
    limit = RateLimit("test-off", limit=0, seconds=60)
    limit.hit("x")
    assert not limit.exceeded("x")


def test_client_ip_trusts_the_proxy_header_only_when_configured():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    assert client_ip(request) == "10.0.0.1"
    with override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR"):
        assert client_ip(request) == "203.0.113.9"

import pytest

from relais.api.models import ApiKey

pytestmark = pytest.mark.django_db

LANDINGS = "/api/v1/landings"
STATS = "/api/v1/stats/conseillers-entreprises"


def test_every_answer_carries_the_ratelimit_headers(client, landing, auth):
    response = client.get(LANDINGS, **auth)
    assert response["RateLimit-Limit"] == "300"
    assert response["RateLimit-Remaining"] == "299"
    assert 0 < int(response["RateLimit-Reset"]) <= 300
    assert response["RateLimit-Policy"] == "300;w=300"


def test_exhausted_quota_is_429_with_retry_after(client, landing, api_key, auth):
    ApiKey.objects.filter(pk=api_key.pk).update(quota=3)
    for remaining in ("2", "1", "0"):
        assert client.get(LANDINGS, **auth)["RateLimit-Remaining"] == remaining
    response = client.get(LANDINGS, **auth)
    assert response.status_code == 429
    assert response.json()["errors"][0]["message"].startswith("Quota dépassé : 3 requêtes par 5 minutes.")
    assert 0 < int(response["Retry-After"]) <= 300
    assert response["RateLimit-Remaining"] == "0"


def test_quota_is_per_key(client, landing, api_key, auth, other_partner):
    ApiKey.objects.filter(pk=api_key.pk).update(quota=1)
    client.get(LANDINGS, **auth)
    assert client.get(LANDINGS, **auth).status_code == 429
    assert client.get(LANDINGS, **other_partner).status_code == 200


def test_open_data_without_key_is_limited_per_ip(client, db, settings):
    settings.API_ANONYMOUS_RATE_LIMIT = "2/300"
    assert client.get(STATS).status_code == 200
    assert client.get(STATS)["RateLimit-Remaining"] == "0"
    response = client.get(STATS)
    assert response.status_code == 429 and "Retry-After" in response
    assert client.get(STATS, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_open_data_with_a_key_counts_against_the_key(client, landing, auth, settings):
    settings.API_ANONYMOUS_RATE_LIMIT = "1/300"
    client.get(STATS)
    response = client.get(STATS, **auth)
    assert response.status_code == 200 and response["RateLimit-Limit"] == "300"

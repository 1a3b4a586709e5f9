import json

import pytest

pytestmark = pytest.mark.django_db


def test_openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content[:500]
    print(json.dumps(response.json()["paths"]["/api/v1/landings"], indent=1)[:1500])


def test_landings(client, landing, auth):
    response = client.get("/api/v1/landings", **auth)
    print(response.status_code, response.content[:600], dict(response.headers))
    assert response.status_code == 200

"""The API's own refusals: 429 over the per-address limit, 405 for a method
an endpoint does not take; both JSON, neither a 500."""

import pytest

from tests.conftest import clear_rate_limits

pytestmark = pytest.mark.django_db


def test_too_many_requests_get_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = 3
    clear_rate_limits()
    statuses = [client.get("/api/v3/locales/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v3/countries/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429
    # Another address has its own allowance.
    assert client.get("/api/v3/locales/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_limit_can_be_turned_off(client, settings):
    settings.API_RATE_LIMIT = 0
    clear_rate_limits()
    assert {client.get("/api/v3/locales/").status_code for _ in range(5)} == {200}


def test_every_project_endpoint_documents_429(client):
    schema = client.get("/api/v3/openapi.json").json()
    news = schema["paths"]["/api/v3/news/"]["get"]["responses"]
    assert "429" in news
    assert news["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


def test_a_method_an_endpoint_does_not_take_gets_405(client):
    response = client.delete("/api/v3/news/")
    assert response.status_code == 405

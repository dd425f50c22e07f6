"""/healthz: 200 when database, broker and cache answer, 503 naming what does not."""

import pytest
from celery import current_app

pytestmark = pytest.mark.django_db


def test_all_services_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "broker", "cache"}
    assert "no-cache" in response["Cache-Control"]


def test_broker_down_is_503_naming_the_broker(client, monkeypatch):
    # Nothing listens on port 1: a Redis broker that does not answer.
    monkeypatch.setitem(current_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(
        current_app.conf,
        "broker_transport_options",
        {"socket_connect_timeout": 1},
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert "127.0.0.1" not in response.content.decode()


def test_embedded_broker_folder_missing_is_503(client, monkeypatch, tmp_path):
    monkeypatch.setitem(current_app.conf, "broker_url", "filesystem://")
    monkeypatch.setitem(
        current_app.conf,
        "broker_transport_options",
        {
            "data_folder_in": str(tmp_path / "gone"),
            "data_folder_out": str(tmp_path / "gone"),
        },
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_cache_down_is_503_naming_the_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_only_safe_methods(client):
    assert client.post("/healthz").status_code == 405

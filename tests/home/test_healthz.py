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
    assert set(body["checks"]) == {
        "database",
        "broker",
        "cache",
        "media",
        "private_files",
    }
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


def test_a_media_folder_that_cannot_be_made_is_503(client, settings, tmp_path):
    """MEDIA_ROOT under a plain file (a mount gone wrong): no folder can be
    made there, whoever the process runs as."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["media"]


def test_an_object_store_that_does_not_answer_is_503(client, settings):
    """Private files on S3 whose endpoint nobody answers: named, in seconds
    (the bounded connect timeout of cms.settings.storage), no address shown."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "home.s3.BoundedS3Storage",
            "OPTIONS": {
                "bucket_name": "private-files",
                "endpoint_url": "http://127.0.0.1:1",
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "connect_timeout": 1,
                "max_attempts": 1,
            },
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["private_files"]
    assert body["checks"]["private_files"]["ms"] < 5000
    assert "127.0.0.1" not in response.content.decode()

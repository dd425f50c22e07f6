"""Each settings mode loads; production refuses to start half-configured."""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

PRODUCTION_ENV = {
    "SECRET_KEY": "k7#Qv9!mZ2@xL5$wR8^tY1&uI4*oP6(aS3)dF0_gH-jK+lB=nM",
    "ALLOWED_HOSTS": "cms.example.org",
    "BASE_URL": "https://cms.example.org",
    "DATABASE_URL": "postgres://cms:secret@db.internal:5432/cms",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+starttls://mailer:secret@smtp.internal:587",
    "NUM_PROXIES": "1",
}


def run_manage(settings_module, *args, extra_env=None, drop=()):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV
        and key not in drop
        and key not in {"CELERY_BROKER_URL", "CACHE_URL", "VAR_DIR"}
    }
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("mode", ["dev", "test"])
def test_settings_load_in_each_embedded_mode(mode):
    result = run_manage(f"cms.settings.{mode}", "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_check_deploy_is_clean():
    result = run_manage(
        "cms.settings.production",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra_env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_names_every_missing_variable():
    result = run_manage("cms.settings.production", "check")
    assert result.returncode != 0
    message = result.stderr
    for name in (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "BASE_URL",
        "DATABASE_URL",
        "EMAIL_URL",
        "NUM_PROXIES",
    ):
        assert name in message
    assert "Traceback" in message and "ImproperlyConfigured" in message


def test_production_without_redis_asks_for_broker_and_cache():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = run_manage("cms.settings.production", "check", extra_env=env)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "CELERY_BROKER_URL, CACHE_URL." in message
    assert "SECRET_KEY" not in message


def test_production_reads_services_from_the_environment():
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL,"
        " s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.EMAIL_DELIVERY_BACKEND,"
        " s.EMAIL_PORT,"
        " s.EMAIL_USE_TLS, s.DEBUG, s.CORS_ALLOWED_ORIGINS)"
    )
    result = run_manage(
        "cms.settings.production",
        "shell",
        "--verbosity=0",
        "-c",
        script,
        extra_env={**PRODUCTION_ENV, "WEBSITE_ORIGINS": "https://www.example.org"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://redis.internal:6379/0",
        "home.api_cache.RedisCache",
        "home.mail.QueuedEmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        "587",
        "True",
        "False",
        "['https://www.example.org']",
    ]


def test_bad_boolean_is_a_clear_error():
    result = run_manage(
        "cms.settings.production",
        "check",
        extra_env={**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "maybe"},
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be one of" in result.stderr


def test_embedded_default_needs_no_server(tmp_path):
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL,"
        " s.CACHES['default']['BACKEND'], s.EMAIL_DELIVERY_BACKEND)"
    )
    result = run_manage(
        "cms.settings.dev",
        "shell",
        "--verbosity=0",
        "-c",
        script,
        extra_env={"VAR_DIR": str(tmp_path)},
        drop={"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "CELERY_RESULT_BACKEND"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.cache.backends.filebased.FileBasedCache",
        "cms.mail.EmlFileBackend",
    ]


def test_broker_and_cache_use_separate_redis_databases():
    """Clearing or evicting the cache never drops queued tasks."""
    result = run_manage(
        "cms.settings.production",
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'],"
        " s.RATELIMIT_REDIS_URL, s.CACHES['ratelimit']['LOCATION'])",
        extra_env={**PRODUCTION_ENV, "REDIS_URL": "redis://redis.internal:6379/4"},
    )
    assert result.returncode == 0, result.stderr
    broker, cache, limits, limits_cache = result.stdout.splitlines()[-1].split()
    assert broker == "redis://redis.internal:6379/4"
    assert cache == "redis://redis.internal:6379/5"
    assert limits == limits_cache == "redis://redis.internal:6379/6"


@pytest.mark.parametrize("role", ["CACHE_URL", "RATELIMIT_REDIS_URL"])
def test_no_store_that_is_cleared_may_be_the_brokers_database(role):
    result = run_manage(
        "cms.settings.production",
        "check",
        extra_env={
            **PRODUCTION_ENV,
            "CELERY_BROKER_URL": "redis://redis.internal:6379/3",
            role: "redis://redis.internal/3",
        },
    )
    assert result.returncode != 0
    assert f"{role} names the Celery broker's Redis database" in result.stderr


def test_production_accepts_no_proxy_when_said_explicitly():
    script = "from django.conf import settings as s; print(s.NUM_PROXIES)"
    result = run_manage(
        "cms.settings.production",
        "shell",
        "--verbosity=0",
        "-c",
        script,
        extra_env={**PRODUCTION_ENV, "NUM_PROXIES": "0"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0"]
    missing = {k: v for k, v in PRODUCTION_ENV.items() if k != "NUM_PROXIES"}
    result = run_manage("cms.settings.production", "check", extra_env=missing)
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(
            "Missing required environment variable(s) for production: NUM_PROXIES. "
            "See README.md, 'Production configuration'."
        )
    )


def test_hsts_preload_is_off_unless_asked_for():
    script = "from django.conf import settings as s; print(s.SECURE_HSTS_PRELOAD)"

    def preload(**env):
        result = run_manage(
            "cms.settings.production",
            "shell",
            "--verbosity=0",
            "-c",
            script,
            extra_env={**PRODUCTION_ENV, **env},
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert preload() == "False"
    assert preload(SECURE_HSTS_PRELOAD="true") == "True"

"""Under CI the suite must run on the real services, never quietly on fallbacks."""

from celery import current_app
from django.conf import settings
from django.db import connection

from tests.conftest import skip_unless_ci


def test_ci_runs_on_postgresql_redis_and_smtp():
    skip_unless_ci("the embedded defaults are in use on this machine")
    assert connection.vendor == "postgresql"
    assert str(current_app.conf.broker_url).startswith("redis://")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"

"""Under CI the suite must run on the real services, never quietly on fallbacks."""

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection

from tests.conftest import skip_unless_ci


def test_ci_runs_on_postgresql_redis_and_smtp():
    skip_unless_ci("the embedded defaults are in use on this machine")
    assert connection.vendor == "postgresql"
    assert str(current_app.conf.broker_url).startswith("redis://")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    # pytest-django swaps EMAIL_BACKEND for locmem; EMAIL_URL's server must
    # still be there and accept a message.
    assert settings.EMAIL_URL.startswith("smtp://")
    smtp = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=settings.EMAIL_HOST,
        port=settings.EMAIL_PORT,
        timeout=10,
    )
    message = EmailMessage("Провера", "Ç ë ı İ", "ci@localhost", ["sink@localhost"])
    assert smtp.send_messages([message]) == 1

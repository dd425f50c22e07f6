"""Test settings: the embedded defaults unless the environment names services.

CI sets DATABASE_URL (PostgreSQL), REDIS_URL and EMAIL_URL (an SMTP server on
loopback); a developer's machine may run the same suite on SQLite and the
filesystem broker.
"""

from .base import *  # noqa: F403
from .base import env_str

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
if not env_str("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = BASE_URL = "http://testserver"

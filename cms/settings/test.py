"""Test settings: the embedded defaults unless the environment names services.

CI sets DATABASE_URL (PostgreSQL), REDIS_URL and EMAIL_URL (an SMTP server on
loopback); a developer's machine may run the same suite on SQLite and the
filesystem broker.
"""

import os
from pathlib import Path

from .env import redis_database

# pytest-xdist: each worker process has its own test database (pytest-django
# names it), files and Redis databases; the processes a test starts (Celery
# workers) inherit these, and the marker keeps them from moving them again.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and os.environ.get("CMS_TEST_PROCESS") != XDIST_WORKER:
    os.environ["CMS_TEST_PROCESS"] = XDIST_WORKER
    if os.environ.get("REDIS_URL"):
        # Three databases each: broker and results, cache, rate limits.
        os.environ["REDIS_URL"] = redis_database(
            os.environ["REDIS_URL"], 3 * int(XDIST_WORKER.removeprefix("gw"))
        )

# Tests keep their files (SQLite, filesystem broker, results) apart from a
# running `make run`; set before base.py reads it.
os.environ.setdefault(
    "VAR_DIR",
    str(Path(__file__).resolve().parents[2] / "var" / "test" / XDIST_WORKER),
)

from .base import *  # noqa: E402, F403
from .env import env_str  # noqa: E402

SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
if not env_str("EMAIL_URL"):
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = BASE_URL = "http://testserver"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that worker processes started by tests see it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405

LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests read search and reference indexes right after a save: Wagtail's tasks
# run inline here (tests/home/test_task_backend.py runs them on a worker).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The schema fuzzer sends thousands of requests a minute from one address;
# the API limit itself is tested with a low value (tests/news/test_api_limits.py).
API_RATE_LIMIT = 100_000

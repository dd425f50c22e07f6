"""P7 (tests/bench/run_admin.py): the development settings on PostgreSQL,
plus the baseline's plain page model (tests/bench/baseline)."""

from cms.settings.dev import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench.baseline"]  # noqa: F405
ALLOWED_HOSTS = ["*"]

"""Production settings plus the benchmark baselines' URL (tests/bench/urls.py)."""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"

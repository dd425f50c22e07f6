"""Production settings plus the benchmark baselines' URL (tests/bench/urls.py)."""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
# wrk sends thousands of requests a second from one address.
API_RATE_LIMIT = 0

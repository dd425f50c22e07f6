"""A rate limit keeps its whole window on every cache backend the project uses.

Django's generic ``incr`` (used by the file cache of the embedded default) is a
get and a set, and the set resets the entry's expiry to the cache's default
timeout (300 s): an hourly limit then lapsed after five idle minutes.
"""

import time_machine
from django.core.cache import caches
from django.test import override_settings

from home import ratelimit

HOUR = 3600


def _file_cache(tmp_path):
    store = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache"),
    }
    return override_settings(CACHES={"default": store, "ratelimit": store})


def _locmem_cache():
    store = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit-window-test",
    }
    return override_settings(CACHES={"default": store, "ratelimit": store})


def _exhaust_then_wait(minutes):
    # Early in an hour window, so the window does not end during the wait.
    with time_machine.travel("2026-03-02 10:00:05 +0000", tick=False) as clock:
        verdicts = [ratelimit.hit("test-hourly", "a@example.org", 3, HOUR)]
        clock.shift(60)
        verdicts += [ratelimit.hit("test-hourly", "a@example.org", 3, HOUR)]
        verdicts += [ratelimit.hit("test-hourly", "a@example.org", 3, HOUR)]
        clock.shift(minutes * 60)
        verdicts += [ratelimit.hit("test-hourly", "a@example.org", 3, HOUR)]
        clock.shift(HOUR)
        verdicts += [ratelimit.hit("test-hourly", "a@example.org", 3, HOUR)]
    return [v.allowed for v in verdicts]


def test_hourly_limit_holds_after_six_idle_minutes_on_the_file_cache(tmp_path):
    with _file_cache(tmp_path):
        caches["ratelimit"].clear()
        # Three allowed, the fourth (six minutes later) refused, the next
        # window allowed again.
        assert _exhaust_then_wait(6) == [True, True, True, False, True]


def test_hourly_limit_holds_after_six_idle_minutes_in_memory():
    with _locmem_cache():
        caches["ratelimit"].clear()
        assert _exhaust_then_wait(6) == [True, True, True, False, True]


def test_retry_after_counts_to_the_end_of_the_window(tmp_path):
    with _file_cache(tmp_path), time_machine.travel("2026-03-02 10:59:00 +0000"):
        caches["ratelimit"].clear()
        for _ in range(3):
            ratelimit.hit("test-retry", "b@example.org", 3, HOUR)
        verdict = ratelimit.hit("test-retry", "b@example.org", 3, HOUR)
    assert not verdict.allowed
    assert 55 <= verdict.retry_after <= 60

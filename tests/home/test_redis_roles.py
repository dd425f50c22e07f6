"""The cache's Redis database is not the broker's: the suite clears the cache
before every test, and that must leave queued tasks alone."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from home.ratelimit import hit
from newsletters.delivery import throttle
from tests.conftest import clear_rate_limits, skip_unless_ci

pytestmark = pytest.mark.services


def test_clearing_the_cache_keeps_the_brokers_messages():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_unless_ci("needs REDIS_URL (the broker on Redis)")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.lpush("test-queue-probe", "a task")
    try:
        cache.set("probe", 1)
        cache.clear()
        assert cache.get("probe") is None
        assert broker.lrange("test-queue-probe", 0, -1) == [b"a task"]
    finally:
        broker.delete("test-queue-probe")


def test_rate_limits_count_in_their_own_database():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        skip_unless_ci("needs REDIS_URL (the broker on Redis)")
    urls = {
        settings.CELERY_BROKER_URL,
        settings.CACHES["default"]["LOCATION"],
        settings.RATELIMIT_REDIS_URL,
    }
    assert len(urls) == 3
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    limits = redis.Redis.from_url(settings.RATELIMIT_REDIS_URL)
    broker.lpush("test-queue-probe", "a task")
    try:
        hit("probe-scope", "203.0.113.7", 5, 60)
        assert limits.keys("*ratelimit:probe-scope:*")
        # Clearing the cache leaves the counts; clearing the limits, the broker.
        cache.clear()
        assert limits.keys("*ratelimit:probe-scope:*")
        assert not hit("probe-scope", "203.0.113.7", 1, 60).allowed
        clear_rate_limits()
        assert not limits.keys("*ratelimit:probe-scope:*")
        assert broker.lrange("test-queue-probe", 0, -1) == [b"a task"]
    finally:
        broker.delete("test-queue-probe")


def test_the_send_throttle_reads_its_own_url_not_redis_url(monkeypatch):
    monkeypatch.setattr(throttle, "_throttle", None)
    with override_settings(
        REDIS_URL=None,
        RATELIMIT_REDIS_URL="redis://127.0.0.1:1/7",
        NEWSLETTERS_SEND_RATE=50,
        NEWSLETTERS_SEND_PROCESSES=5,
    ):
        bucket = throttle.get_throttle()
    assert bucket.redis is not None
    assert bucket.redis.connection_pool.connection_kwargs["db"] == 7
    # Were Redis to fail, this process would keep to a fifth of the rate.
    assert bucket.local.rate == 10

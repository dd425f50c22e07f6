"""The cache's Redis database is not the broker's: the suite clears the cache
before every test, and that must leave queued tasks alone."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from tests.conftest import skip_unless_ci

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

"""Fixed-window rate limits in the shared rate-limit store (the "ratelimit"
cache: RATELIMIT_REDIS_URL in production, a Redis database apart from the
cache's and the broker's).

Counting in Redis, not in a process, makes a limit hold across every web
process and host. Identifiers (addresses, emails) are hashed into the key.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def store():
    """Where the counters live: the "ratelimit" cache (cms.settings.base)."""
    return caches["ratelimit"]


def hit(scope, identifier, limit, window_seconds):
    """Count one attempt; refuse once ``limit`` attempts fall in the window."""
    now = int(time.time())
    window = now // window_seconds
    digest = hashlib.sha256(str(identifier).strip().lower().encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window}"
    cache = store()
    # One round trip in the common case: the window's counter exists.
    try:
        count = cache.incr(key)
    except ValueError:
        # A new window; another process may have started it meanwhile.
        started = cache.add(key, 1, timeout=window_seconds + 5)
        count = 1 if started else cache.incr(key)
    if count > 1 and type(cache).incr is BaseCache.incr:
        # Django's generic incr (the embedded file cache) is a get and a set,
        # and the set gives the key the default timeout (300 s): put the
        # window's expiry back. Redis and local memory keep it.
        cache.touch(key, timeout=(window + 1) * window_seconds - now + 5)
    retry_after = (window + 1) * window_seconds - now
    return Verdict(allowed=count <= limit, retry_after=max(retry_after, 1))

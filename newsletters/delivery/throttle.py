"""A global messages-per-second limit shared by every sending worker.

With RATELIMIT_REDIS_URL (by default a database of REDIS_URL apart from the
broker's and the cache's), one token bucket in Redis, updated by a Lua script with the
server's clock, so workers on any host draw from the same rate. A worker
reserves a token and sleeps until it is due (the bucket may go below zero),
which keeps the order fair without polling.

Without Redis the process's own bucket keeps the rate (one machine, one
sending process). While a configured Redis is down (it may restart
mid-campaign) each process keeps to a conservative share of the rate,
``rate / NEWSLETTERS_SEND_PROCESSES`` (the number of processes that consume the
sending queue across all hosts), so that all of them together stay at or under
the configured rate; Redis is tried again every few seconds, and the outage is
logged once, when it starts and when it ends.
"""

import logging
import threading
import time

import redis
from django.conf import settings

from ..conf import app_settings

log = logging.getLogger(__name__)

RETRY_REDIS_SECONDS = 5

KEY = "newsletters:throttle"
SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
tokens = tokens - n
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 60)
if tokens >= 0 then return '0' end
return tostring(-tokens / rate)
"""


class LocalBucket:
    def __init__(self, rate, burst):
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.ts = time.monotonic()
        self.lock = threading.Lock()

    def reserve(self, n=1):
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.ts) * self.rate)
            self.ts = now
            self.tokens -= n
            return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Throttle:
    def __init__(self, rate, redis_url=None, processes=1):
        self.rate = rate
        self.redis_url = redis_url
        self.burst = max(1, rate // 10)
        self.redis = None
        self.script = None
        self.down_until = 0.0
        self.down = False
        if rate > 0 and redis_url:
            self.redis = redis.Redis.from_url(
                redis_url, socket_connect_timeout=1, socket_timeout=1
            )
            self.script = self.redis.register_script(SCRIPT)
            share = rate / max(1, processes)
            self.local = LocalBucket(share, max(1, self.burst // max(1, processes)))
        else:
            self.local = LocalBucket(rate, self.burst) if rate > 0 else None

    def reserve(self, n=1):
        """Seconds to wait before sending ``n`` messages."""
        if self.rate <= 0:
            return 0.0
        if self.script is not None and time.monotonic() >= self.down_until:
            try:
                delay = float(self.script(keys=[KEY], args=[self.rate, self.burst, n]))
            except Exception as exc:  # noqa: BLE001 (Redis down: a share of the rate)
                self.down_until = time.monotonic() + RETRY_REDIS_SECONDS
                if not self.down:
                    self.down = True
                    log.warning(
                        "throttle: Redis unavailable (%s); this process keeps to "
                        "%.1f messages/s until it is back",
                        exc,
                        self.local.rate,
                    )
            else:
                if self.down:
                    self.down = False
                    log.warning("throttle: Redis is back; the shared rate applies")
                return delay
        return self.local.reserve(n)

    def wait(self, n=1):
        delay = self.reserve(n)
        if delay > 0:
            time.sleep(delay)


_throttle = None


def get_throttle():
    """One per process, built from settings on first use."""
    global _throttle
    rate = app_settings.NEWSLETTERS_SEND_RATE
    url = settings.RATELIMIT_REDIS_URL
    if _throttle is None or _throttle.rate != rate or _throttle.redis_url != url:
        _throttle = Throttle(
            rate,
            settings.RATELIMIT_REDIS_URL,
            app_settings.NEWSLETTERS_SEND_PROCESSES,
        )
    return _throttle

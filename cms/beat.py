"""A Celery beat scheduler of which only one schedules at a time.

Every beat process (two for redundancy, or a second started by mistake on
another host) runs ``LockedScheduler``; the one holding a lock in Redis sends
the periodic tasks, the others wait. The lock has a time to live
(BEAT_LOCK_SECONDS) and its holder renews it on every tick, ticking at
least three times per lifetime, so a beat that dies (SIGKILL, a lost host)
hands over within that time and a stalled one cannot keep it.

The lock lives in the broker's Redis (BEAT_LOCK_URL to choose another),
the one store nothing clears or evicts. Without Redis (the embedded demo's
filesystem broker, one machine) there is no lock: run one beat.
"""

import contextlib
import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)

KEY = "cms:beat:lock"

# Renew only our own lock; release only our own lock.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def lock_url():
    url = getattr(settings, "BEAT_LOCK_URL", None)
    if url:
        return url
    broker = str(settings.CELERY_BROKER_URL or "")
    return broker if broker.startswith(("redis://", "rediss://")) else None


class LockedScheduler(PersistentScheduler):
    """PersistentScheduler (the schedule's last runs kept in a local file)
    that sends tasks only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self.lock_seconds = max(2, int(getattr(settings, "BEAT_LOCK_SECONDS", 60)))
        url = lock_url()
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        self.holding = False
        self.redis = None
        if url:
            self.redis = redis.Redis.from_url(
                url, socket_connect_timeout=2, socket_timeout=2
            )
            self._renew = self.redis.register_script(RENEW)
            self._release = self.redis.register_script(RELEASE)
        super().__init__(*args, **kwargs)
        if self.redis is not None:
            # Tick (and so renew) at least three times per lock lifetime.
            self.max_interval = min(self.max_interval, self.lock_seconds / 3)

    def hold_lock(self):
        """Take or renew the lock; whether this beat may send tasks now."""
        if self.redis is None:
            return True
        ttl_ms = self.lock_seconds * 1000
        try:
            if self.holding:
                held = bool(self._renew(keys=[KEY], args=[self.token, ttl_ms]))
            else:
                held = bool(self.redis.set(KEY, self.token, nx=True, px=ttl_ms))
        except redis.RedisError as exc:
            # Another beat may take over once the lock expires: stop sending.
            held = False
            if self.holding:
                log.warning("beat: lock store unavailable (%s); not scheduling", exc)
        if held and not self.holding:
            log.warning("beat: holding the beat lock (%s); scheduling", self.token)
        elif self.holding and not held:
            log.warning("beat: lost the beat lock; waiting")
        elif not held and not getattr(self, "_said_waiting", False):
            log.warning("beat: another beat holds the beat lock; waiting")
            self._said_waiting = True
        self.holding = held
        return held

    def tick(self, *args, **kwargs):
        if not self.hold_lock():
            # Try again well before the holder's lock could expire.
            return self.lock_seconds / 3
        return min(super().tick(*args, **kwargs), self.lock_seconds / 3)

    def close(self):
        try:
            super().close()
        finally:
            if self.redis is not None and self.holding:
                # On a Redis error it expires by itself.
                with contextlib.suppress(redis.RedisError):
                    self._release(keys=[KEY], args=[self.token])
                self.holding = False

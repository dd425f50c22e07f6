"""Site-wide tasks: liveness of the worker and beat."""

import os
import socket

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "worker:heartbeat"


@shared_task(name="home.tasks.ping")
def ping(token):
    """Echo a token with the worker's identity: proof a real worker ran it."""
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname()}


@shared_task(name="home.tasks.heartbeat", ignore_result=True)
def heartbeat():
    """Run by beat; /healthz reports how long ago a worker last ran it."""
    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat(), timeout=24 * 3600)

"""Site-wide tasks: liveness of the worker and beat, scheduled publishing."""

import os
import socket

from celery import shared_task
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "worker:heartbeat"
PUBLISH_SCHEDULED_LOCK = "lock:publish-scheduled"


@shared_task(name="home.tasks.ping")
def ping(token):
    """Echo a token with the worker's identity: proof a real worker ran it."""
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname()}


@shared_task(name="home.tasks.heartbeat", ignore_result=True)
def heartbeat():
    """Run by beat; /healthz reports how long ago a worker last ran it."""
    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat(), timeout=24 * 3600)


@shared_task(name="home.tasks.publish_scheduled", ignore_result=True)
def publish_scheduled():
    """Run by beat every minute: Wagtail's ``publish_scheduled`` command
    publishes revisions whose go-live time has come and unpublishes expired
    pages, through the same actions and signals as the admin (review guards,
    read model, API content version). One run at a time: a run still going
    when the next starts would publish the same revisions twice."""
    if not cache.add(PUBLISH_SCHEDULED_LOCK, os.getpid(), timeout=10 * 60):
        return
    try:
        call_command("publish_scheduled")
    finally:
        cache.delete(PUBLISH_SCHEDULED_LOCK)

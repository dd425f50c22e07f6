"""Site-wide tasks: liveness of the worker and beat, scheduled publishing,
transactional mail."""

import logging
import os
import smtplib
import socket

from celery import shared_task
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from . import mail
from .conf import app_settings

log = logging.getLogger(__name__)

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


@shared_task(
    name="home.tasks.send_email",
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def send_email(self, data):
    """Deliver one transactional message queued by home.mail; while the mail
    server is away, try again with backoff, EMAIL_RETRY_LIMIT times at most.
    A permanent refusal of every recipient (5xx) is final."""
    try:
        mail.deliver(data)
    except smtplib.SMTPRecipientsRefused as exc:
        if all(code >= 500 for code, _reply in exc.recipients.values()):
            log.warning("mail to %s refused: %s", data["to"], exc.recipients)
            return
        _retry(self, data, exc)
    except Exception as exc:  # noqa: BLE001 - any outage: retry, bounded
        _retry(self, data, exc)


def _retry(task, data, exc):
    attempt = task.request.retries or 0
    if attempt >= app_settings.EMAIL_RETRY_LIMIT:
        log.error("mail to %s given up after %s attempts: %s", data["to"], attempt, exc)
        return
    delay = min(app_settings.EMAIL_RETRY_SECONDS * 2**attempt, 3600)
    log.warning("mail to %s not sent (%s); retry in %ss", data["to"], exc, delay)
    raise task.retry(countdown=delay, exc=exc)


@shared_task(name="home.tasks.run_task", ignore_result=True)
def run_task(path, args, kwargs):
    """Run a django-tasks task queued by home.task_backend.CeleryBackend
    (Wagtail's search and reference indexing). An object deleted meanwhile
    needs no indexing."""
    task = import_string(path)
    try:
        task.call(*args, **kwargs)
    except ObjectDoesNotExist:
        log.info("%s: object gone before its task ran (%s)", path, args)

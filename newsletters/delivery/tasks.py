"""The sending engine's Celery tasks.

They run on the "sending" queue, acknowledged late and handed back if their
worker dies (cms.celery.SendingQueueAnnotation); they take ids only and are
safe to run twice. The domain enqueues them by name (delivery.enqueue), so
these entry points import the domain and not the reverse.
"""

import logging

from celery import shared_task

from ..conf import app_settings
from . import enqueue, lifecycle, sending
from .transports import ConnectionLost

log = logging.getLogger(__name__)


@shared_task(name=enqueue.SEND_CAMPAIGN, ignore_result=True)
def send_campaign(campaign_id):
    """Prepare a campaign (editions, deliveries) and dispatch its chunks."""
    lifecycle.prepare(campaign_id)


@shared_task(
    name=enqueue.DELIVER_CHUNK,
    bind=True,
    ignore_result=True,
    max_retries=None,
)
def deliver_chunk(self, campaign_id, first_id, last_id):
    """Send one chunk. A broken connection retries the task (same id, so it
    takes back its rows); rows count their own attempts, so this ends."""
    try:
        report = sending.run_chunk(campaign_id, first_id, last_id, self.request.id)
    except ConnectionLost as exc:
        retries = self.request.retries or 0
        delay = min(app_settings.NEWSLETTERS_SEND_RETRY_SECONDS * 2**retries, 600)
        log.warning("chunk %s-%s: %s; retry in %ss", first_id, last_id, exc, delay)
        raise self.retry(countdown=delay, exc=exc) from exc
    if report.retry_in is not None:
        deliver_chunk.apply_async(
            (campaign_id, first_id, last_id), countdown=report.retry_in
        )
    lifecycle.finish_if_done(campaign_id)


@shared_task(name=enqueue.RECONCILE_SENDING, ignore_result=True)
def reconcile_sending():
    done = sending.reconcile()
    if done["released"] or done["redispatched"] or done["prepared"]:
        log.warning("reconciler: %s", done)


@shared_task(name=enqueue.START_SCHEDULED_CAMPAIGNS, ignore_result=True)
def start_scheduled_campaigns():
    lifecycle.start_due()

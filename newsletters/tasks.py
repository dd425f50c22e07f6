"""Background work: CSV imports, and the sending engine's tasks.

Sending tasks (send_*, deliver_*) run on the "sending" queue, acknowledged
late and handed back if their worker dies (cms.celery.SendingQueueAnnotation);
they take ids only and are safe to run twice.
"""

import logging

from celery import shared_task
from django.conf import settings

from . import imports

log = logging.getLogger(__name__)


@shared_task(name="newsletters.tasks.import_subscribers", ignore_result=True)
def import_subscribers(job_id):
    """Run one queued import; the job row carries its progress and report."""
    imports.run(job_id)


@shared_task(name="newsletters.tasks.reconcile_imports", ignore_result=True)
def reconcile_imports():
    """Fail imports whose worker died; queue again those whose task was lost."""
    done = imports.reconcile()
    for job_id in done["requeue"]:
        import_subscribers.delay(job_id)
    if done["failed"] or done["requeue"]:
        log.warning("import reconciler: %s", done)


@shared_task(name="newsletters.tasks.send_campaign", ignore_result=True)
def send_campaign(campaign_id):
    """Prepare a campaign (editions, deliveries) and dispatch its chunks."""
    from . import preparation

    preparation.prepare(campaign_id)


@shared_task(
    name="newsletters.tasks.deliver_chunk",
    bind=True,
    ignore_result=True,
    max_retries=None,
)
def deliver_chunk(self, campaign_id, first_id, last_id):
    """Send one chunk. A broken connection retries the task (same id, so it
    takes back its rows); rows count their own attempts, so this ends."""
    from . import preparation, sending
    from .backends import ConnectionLost

    try:
        report = sending.run_chunk(campaign_id, first_id, last_id, self.request.id)
    except ConnectionLost as exc:
        retries = self.request.retries or 0
        delay = min(settings.NEWSLETTERS_SEND_RETRY_SECONDS * 2**retries, 600)
        log.warning("chunk %s-%s: %s; retry in %ss", first_id, last_id, exc, delay)
        raise self.retry(countdown=delay, exc=exc) from exc
    if report.retry_in is not None:
        deliver_chunk.apply_async(
            (campaign_id, first_id, last_id), countdown=report.retry_in
        )
    preparation.finish_if_done(campaign_id)


@shared_task(name="newsletters.tasks.reconcile_sending", ignore_result=True)
def reconcile_sending():
    from . import sending

    done = sending.reconcile()
    if done["released"] or done["redispatched"] or done["prepared"]:
        log.warning("reconciler: %s", done)


@shared_task(name="newsletters.tasks.start_scheduled_campaigns", ignore_result=True)
def start_scheduled_campaigns():
    from . import preparation

    preparation.start_due()

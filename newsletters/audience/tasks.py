"""Background work of the audience: CSV imports, and their reconciler."""

import logging

from celery import shared_task

from . import imports

log = logging.getLogger(__name__)


# Task names are those of the old newsletters.tasks module, kept so that
# queued tasks and beat entries still find them.
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

"""Background work of the subscription side: CSV imports."""

from celery import shared_task

from . import imports


@shared_task(name="newsletters.tasks.import_subscribers", ignore_result=True)
def import_subscribers(job_id):
    """Run one queued import; the job row carries its progress and report."""
    imports.run(job_id)

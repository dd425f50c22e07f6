"""Handing the sending tasks to Celery by their stable names.

The life cycle and the reconciler enqueue work without importing the tasks
module (the tasks import them). A signature by name runs the task registered
in this process (newsletters.apps registers them; eagerly where a test sets
``task_always_eager``), or goes to the broker by name.
"""

from celery import current_app

# The names the tasks had as newsletters.tasks.*: queued tasks, beat entries
# and the routes to the sending queue (CELERY_TASK_ROUTES) use them.
SEND_CAMPAIGN = "newsletters.tasks.send_campaign"
DELIVER_CHUNK = "newsletters.tasks.deliver_chunk"
RECONCILE_SENDING = "newsletters.tasks.reconcile_sending"
START_SCHEDULED_CAMPAIGNS = "newsletters.tasks.start_scheduled_campaigns"


def send_campaign(campaign_id):
    """Prepare the campaign (editions, deliveries) and dispatch its chunks."""
    current_app.signature(SEND_CAMPAIGN, args=(campaign_id,)).delay()


def deliver_chunk(campaign_id, first_id, last_id):
    """Send the pending deliveries of ``campaign_id`` from ``first_id`` to
    ``last_id``."""
    current_app.signature(DELIVER_CHUNK, args=(campaign_id, first_id, last_id)).delay()

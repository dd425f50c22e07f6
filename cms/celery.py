"""The Celery app: configured from Django settings (``CELERY_*``)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class SendingQueueAnnotation:
    """Late acknowledgement for every task routed to the sending queue.

    A sending task is acknowledged only after it returns, and handed back to the
    broker if its worker process dies (SIGKILL, OOM, a deploy), so a chunk of
    recipients is never lost between the broker and the SMTP server. Other
    queues keep early acknowledgement: re-running them after a crash is not
    worth the duplicate work.
    """

    def annotate(self, task):
        sending_queue = getattr(task.app.conf, "sending_queue", None) or "sending"
        queue = getattr(task, "queue", None)
        if not queue:
            route = task.app.amqp.router.route({}, task.name)
            queue = getattr(route.get("queue"), "name", route.get("queue"))
        if queue == sending_queue:
            return {"acks_late": True, "reject_on_worker_lost": True}
        return None


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs):
    """The filesystem broker, file result store and beat expect their folders."""
    options = sender.conf.broker_transport_options or {}
    if str(sender.conf.broker_url).startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
    schedule = sender.conf.beat_schedule_filename
    if schedule:
        Path(schedule).parent.mkdir(parents=True, exist_ok=True)
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend[len("file://") :]).mkdir(parents=True, exist_ok=True)

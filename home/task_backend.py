"""Wagtail's background tasks (django-tasks) on Celery.

Wagtail 8 and modelsearch queue their work as django-tasks tasks: search
indexing of every saved page and snippet, the reference index, file
deletion, image focal points. django-tasks' default backend runs each one
inline, inside the officer's request (a Publish waited for the search index
and the reference index of the page and its revision). ``CeleryBackend``
sends them instead to the "default" queue once the transaction commits (the
worker must see what the request wrote), where ``home.tasks.run_task`` runs
them. The TASKS setting picks it (cms/settings/base.py); the test settings
keep the inline backend, so tests see indexes at once.
"""

from django.db import transaction
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

from .tasks import run_task


class CeleryBackend(BaseTaskBackend):
    supports_defer = False
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        path = task.module_path
        transaction.on_commit(
            lambda: run_task.apply_async(
                args=[path, list(args), dict(kwargs)], queue=self.options.get("QUEUE")
            ),
            robust=True,
        )
        return result

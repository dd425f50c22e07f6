"""An import job never stays "running" forever.

An unexpected error (a database error, a bug) ends the job as failed with its
reason, and a job whose worker died is failed by the reconciler on beat; a
queued job whose task was lost is queued again.
"""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.utils import timezone

from newsletters.audience import imports, tasks
from newsletters.audience.models import ImportJob, Subscriber

CSV = "email,name,language\nana@example.org,Ana,sq\nbeni@example.org,Beni,sq\n"


def make_job(mailing_list, state=ImportJob.State.QUEUED):
    job = ImportJob(
        mailing_list=mailing_list,
        file_name="contacts.csv",
        encoding="utf-8",
        delimiter=",",
        header=["email", "name", "language"],
        mapping={"email": 0, "name": 1, "language": 2},
        consent_note="Sign-up sheet, CSO fair Prishtina 2024",
        state=state,
    )
    job.file.save("contacts.csv", ContentFile(CSV.encode()), save=False)
    job.save()
    return job


@pytest.fixture
def kosovo_list(lists):
    return lists["XK"]


def test_unexpected_error_fails_the_job_with_its_reason(kosovo_list):
    job = make_job(kosovo_list)
    with mock.patch.object(
        imports._Importer, "write", side_effect=IntegrityError("duplicate key")
    ):
        imports.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "unexpected error" in job.error
    assert job.finished_at is not None
    assert not job.file  # the uploaded addresses are not left behind


def test_a_bug_fails_the_job_too(kosovo_list):
    job = make_job(kosovo_list)
    with mock.patch.object(imports._Importer, "parse", side_effect=KeyError("x")):
        imports.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert Subscriber.objects.count() == 0


def test_running_job_without_progress_is_failed_by_the_reconciler(kosovo_list):
    job = make_job(kosovo_list, state=ImportJob.State.RUNNING)
    ImportJob.objects.filter(pk=job.pk).update(progress_at=timezone.now(), rows_total=2)
    assert imports.reconcile() == {"failed": [], "requeue": []}
    later = timezone.now() + timedelta(hours=1)
    with (
        time_machine.travel(later),
        mock.patch.object(tasks.import_subscribers, "delay") as enqueue,
    ):
        tasks.reconcile_imports()
    enqueue.assert_not_called()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "stopped" in job.error
    assert job.finished_at is not None


def test_queued_job_whose_task_was_lost_is_queued_again(kosovo_list):
    job = make_job(kosovo_list)
    later = timezone.now() + timedelta(hours=1)
    with (
        time_machine.travel(later),
        mock.patch.object(tasks.import_subscribers, "delay") as enqueue,
    ):
        tasks.reconcile_imports()
    enqueue.assert_called_once_with(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED


def test_a_job_failed_by_the_reconciler_is_not_resumed_by_its_late_worker(
    kosovo_list,
):
    job = make_job(kosovo_list)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED, error="stopped"
    )
    imports.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert Subscriber.objects.count() == 0


def test_a_healthy_import_still_completes(kosovo_list):
    job = make_job(kosovo_list)
    imports.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error
    assert job.imported == 2
    assert job.progress_at is not None

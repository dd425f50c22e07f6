"""Tasks go through the configured broker to a real worker process."""

import os
import uuid

from celery import current_app

from cms.celery import app
from home.tasks import ping


def test_task_is_executed_by_a_real_worker(celery_worker_process):
    token = uuid.uuid4().hex
    result = ping.delay(token)
    value = result.get(timeout=90)
    assert value["token"] == token
    assert value["pid"] != os.getpid(), "ran in the test process, not a worker"
    assert celery_worker_process.poll() is None, "worker died"


def test_configuration_is_json_only_with_time_limits():
    conf = current_app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    if not str(conf.broker_url).startswith("filesystem://"):
        assert (
            conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
        )


def test_sending_queue_tasks_are_acknowledged_late():
    @app.task(name="newsletters.tasks.send_probe", bind=False)
    def send_probe():
        return None

    @app.task(name="newsletters.tasks.other_probe", bind=False)
    def other_probe():
        return None

    assert send_probe.acks_late is True
    assert send_probe.reject_on_worker_lost is True
    assert other_probe.acks_late is False
    assert ping.acks_late is False


def test_beat_schedule_is_in_settings():
    schedule = current_app.conf.beat_schedule
    assert schedule["heartbeat"]["task"] == "home.tasks.heartbeat"
    assert "home.tasks.heartbeat" in current_app.tasks

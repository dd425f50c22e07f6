"""Two beat processes (on two hosts, or one started by mistake) never both
send the periodic tasks: the one holding the Redis lock schedules, the other
waits, and takes over when the first stops or dies (the lock's time to live)."""

import time

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from cms import beat
from cms.celery import app
from tests.conftest import skip_unless_ci, wait_until

pytestmark = pytest.mark.services


class RecordingScheduler(beat.LockedScheduler):
    """Records what it would send instead of sending it to the broker."""

    def __init__(self, *args, **kwargs):
        self.sent = []
        super().__init__(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        entry = self.reserve(entry) if advance else entry
        self.sent.append(entry.name)


@pytest.fixture
def beat_schedule():
    """Replace the app's beat schedule for a test."""
    saved = app.conf.beat_schedule

    def use(schedule):
        app.conf.beat_schedule = schedule

    try:
        yield use
    finally:
        app.conf.beat_schedule = saved


@pytest.fixture
def schedulers(tmp_path, beat_schedule):
    if not str(settings.CELERY_BROKER_URL).startswith("redis://"):
        skip_unless_ci("needs REDIS_URL (the lock lives in the broker's Redis)")
    beat_schedule({"probe": {"task": "home.tasks.heartbeat", "schedule": 0.2}})
    lock = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    lock.delete(beat.KEY)
    made = []

    def make(name):
        scheduler = RecordingScheduler(
            app, schedule_filename=str(tmp_path / f"beat-{name}")
        )
        made.append(scheduler)
        return scheduler

    try:
        yield make
    finally:
        for scheduler in made:
            scheduler.close()
        lock.delete(beat.KEY)


def run(schedulers, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for scheduler in schedulers:
            scheduler.tick()
        time.sleep(0.05)


@override_settings(BEAT_LOCK_SECONDS=30)
def test_only_the_lock_holder_sends_and_the_other_takes_over(schedulers):
    first, second = schedulers("a"), schedulers("b")
    assert first.max_interval <= 10
    run([first, second], 1.5)
    assert first.holding and not second.holding
    assert first.sent.count("probe") >= 3
    assert second.sent == []

    first.close()  # a clean stop hands the lock over at once
    run([second], 1.0)
    assert second.holding
    assert second.sent.count("probe") >= 2


@override_settings(BEAT_LOCK_SECONDS=2)
def test_a_dead_holders_lock_expires_and_a_waiting_beat_takes_over(schedulers):
    first, second = schedulers("a"), schedulers("b")
    run([first, second], 0.5)
    assert first.holding and first.sent and not second.sent
    # The first beat dies: it neither renews nor releases its lock.
    assert wait_until(lambda: second.tick() is not None and second.holding, 5, 0.1)
    run([second], 0.5)
    assert second.sent
    # The first, should it wake up, finds the lock taken and sends nothing.
    before = len(first.sent)
    run([first], 0.5)
    assert not first.holding and len(first.sent) == before


def test_without_redis_there_is_no_lock(tmp_path, beat_schedule):
    beat_schedule({})
    with override_settings(CELERY_BROKER_URL="filesystem://", BEAT_LOCK_URL=None):
        scheduler = RecordingScheduler(app, schedule_filename=str(tmp_path / "s"))
    try:
        assert scheduler.redis is None and scheduler.hold_lock()
    finally:
        scheduler.close()


def test_beat_uses_the_locked_scheduler():
    assert app.conf.beat_scheduler == "cms.beat:LockedScheduler"

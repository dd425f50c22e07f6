"""Recovery after a crash: rows a dead worker held go back and are handed out
again within the stale timeout plus one reconciler run, whatever other chunks
are doing; a chunk task handed out twice (a broker reconnect restores a task
that is still running) never takes rows its first run still holds."""

from datetime import timedelta
from unittest import mock

import time_machine
from django.utils import timezone

from newsletters.delivery import enqueue, lifecycle, sending
from newsletters.delivery.models import Campaign, Delivery
from tests.newsletters.compose import intro, newsletter
from tests.newsletters.test_campaigns import make_campaign, run, subscribe

D = Delivery.Status


def prepare(campaign_id):
    lifecycle.prepare(campaign_id)


def started_campaign(programme, team_lists, capture, recipients=6):
    issue = newsletter(
        programme, "XK", "sq", [intro("<p>Shoqëria civile.</p>")], subject="Buletini"
    )
    for number in range(recipients):
        subscribe(f"reader{number}@example.org", "sq", team_lists["XK"])
    campaign = make_campaign(issue, team_lists["XK"])
    with (
        mock.patch.object(enqueue, "send_campaign", side_effect=prepare),
        mock.patch.object(enqueue, "deliver_chunk"),
    ):
        assert run(campaign, capture)
    assert campaign.status == Campaign.Status.SENDING
    ids = list(campaign.deliveries.order_by("pk").values_list("pk", flat=True))
    return campaign, ids


def test_a_second_run_of_a_running_chunk_takes_none_of_its_rows(
    programme, team_lists, django_capture_on_commit_callbacks, settings
):
    settings.NEWSLETTERS_SEND_STALE_SECONDS = 60
    campaign, ids = started_campaign(
        programme, team_lists, django_capture_on_commit_callbacks
    )
    first_run = sending.claim(campaign.pk, ids[0], ids[-1], "task-1")
    assert first_run == ids
    # The same task id again while the first run is alive: nothing to take.
    assert sending.claim(campaign.pk, ids[0], ids[-1], "task-1") == []
    # After a SIGKILL the rows go stale, and the redelivered task takes them.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert sending.claim(campaign.pk, ids[0], ids[-1], "task-1") == ids


def test_released_rows_are_handed_out_again_while_other_chunks_progress(
    programme, team_lists, django_capture_on_commit_callbacks, settings
):
    settings.NEWSLETTERS_SEND_STALE_SECONDS = 60
    settings.NEWSLETTERS_SEND_CHUNK_SIZE = 4
    campaign, ids = started_campaign(
        programme, team_lists, django_capture_on_commit_callbacks
    )
    dead = sending.claim(campaign.pk, ids[0], ids[-1], "dead-worker")
    assert dead == ids
    later = timezone.now() + timedelta(seconds=61)
    with time_machine.travel(later):
        # Another chunk of the campaign made progress just now: the campaign
        # is not stalled, yet the dead worker's rows must not wait.
        Campaign.objects.filter(pk=campaign.pk).update(heartbeat_at=timezone.now())
        with (
            mock.patch.object(enqueue, "deliver_chunk") as enqueued,
            django_capture_on_commit_callbacks(execute=True),
        ):
            done = sending.reconcile()
    assert done["released"] == len(ids)
    assert set(campaign.deliveries.values_list("status", flat=True)) == {D.PENDING}
    covered = set()
    for call in enqueued.call_args_list:
        campaign_id, first, last = call.args
        assert campaign_id == campaign.pk
        assert last - first < 4 or len([i for i in ids if first <= i <= last]) <= 4
        covered |= {i for i in ids if first <= i <= last}
    assert covered == set(ids)


def test_the_reconciler_is_never_discarded_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["newsletters-reconcile"]
    assert "expires" not in entry.get("options", {})

"""The sending engine under faults, with real worker processes, PostgreSQL,
a private Redis and a recording SMTP server: nobody is lost, duplicates are
bounded and recognisable, the campaign status tells the truth throughout."""

import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from news.structure import section_for
from newsletters.audience.addresses import hash_normalised
from newsletters.audience.models import Subscriber, Subscription, Suppression
from newsletters.composition.models import NewsletterPage
from newsletters.conf import app_settings
from newsletters.delivery import lifecycle, sending
from newsletters.delivery.models import Campaign, Delivery

from .conftest import SENDING_ENV, until

pytestmark = pytest.mark.services
D = Delivery.Status


def issue(programme):
    section = section_for(
        programme["countries"]["XK"],
        Locale.objects.get(language_code="en"),
        key="newsletters",
    )
    page = section.add_child(
        instance=NewsletterPage(
            title="Issue",
            slug=uuid.uuid4().hex[:12],
            subject="Civil society in Kosovo: ë ç İ ı",
            body=[{"type": "intro", "value": "<p>Shoqëria civile, Ђ.</p>"}],
        )
    )
    page.save_revision().publish()
    return NewsletterPage.objects.get(pk=page.pk)


def start(programme, *lists):
    campaign = Campaign.objects.create(newsletter=issue(programme))
    campaign.lists.set(lists)
    assert lifecycle.start(campaign.pk)
    return campaign


def status(campaign):
    return Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)


class Watch:
    """Polls the campaign and checks it never reads "sent" with work left."""

    def __init__(self, campaign):
        self.campaign = campaign

    def __call__(self):
        sent = status(self.campaign) == Campaign.Status.SENT
        if sent:
            busy = Delivery.objects.filter(
                campaign=self.campaign, status__in=[D.PENDING, D.SENDING]
            )
            assert not busy.exists(), "campaign reads sent with deliveries left"
        return sent


def reconcile():
    sending.reconcile()


def test_worker_killed_mid_campaign_loses_nobody(programme, audience, workers, smtp):
    addresses = audience(300)
    first = workers.start(concurrency=2)
    campaign = start(programme, audience.lists["XK"])
    until(lambda: smtp.count() >= 80, 60, "80 messages before the kill")
    workers.kill(first)
    kill_time = timezone.now()
    at_kill = smtp.count()
    in_flight = Delivery.objects.filter(campaign=campaign, status=D.SENDING).count()
    assert status(campaign) == Campaign.Status.SENDING
    assert at_kill < 300
    # SIGKILL reaches the pool's processes a moment later.
    until(lambda: not running_in_group(first.pid), 10, "the worker's processes to end")
    killed_at = time.monotonic()
    workers.start(concurrency=2)
    # Recovery: the dead worker's rows are back in work within the stale
    # timeout plus one reconciler run (here the reconciler ticks every 0.25 s),
    # with a few seconds for the new worker to start.
    stale = float(SENDING_ENV["NEWSLETTERS_SEND_STALE_SECONDS"])
    held_at_kill = list(
        Delivery.objects.filter(campaign=campaign, status=D.SENDING).values_list(
            "pk", flat=True
        )
    )

    def recovered():
        return not Delivery.objects.filter(
            pk__in=held_at_kill, status=D.SENDING, claimed_at__lt=kill_time
        ).exists()

    until(recovered, stale + 10, "the dead worker's rows back in work", tick=reconcile)
    assert time.monotonic() - killed_at <= stale + 10
    watch = Watch(campaign)
    until(watch, 60, "the campaign to be sent", tick=reconcile)

    per_address = Counter(m.to for m in smtp.messages)
    assert set(per_address) == set(addresses), "every recipient has it"
    duplicates = [a for a, n in per_address.items() if n > 1]
    # At most the declared in-flight bound per pool process (two of them).
    bound = int(SENDING_ENV["NEWSLETTERS_SEND_IN_FLIGHT"])
    assert len(duplicates) <= 2 * bound, duplicates
    assert len(duplicates) <= in_flight  # only rows still held at the kill
    for address in duplicates:
        ids = {m.message_id for m in smtp.to(address)}
        assert len(ids) == 1, "a duplicate carries the same Message-ID"
    assert campaign.deliveries.filter(status=D.SENT).count() == 300


def test_smtp_451_then_550_and_dropped_connections(programme, audience, workers, smtp):
    addresses = audience(200)
    rejected = {addresses[7], addresses[42], addresses[150]}
    smtp.faults.reject = set(rejected)
    smtp.faults.tempfail_seconds = 2.5
    smtp.faults.drop_after_data = 2
    workers.start(concurrency=2)
    campaign = start(programme, audience.lists["XK"])
    until(Watch(campaign), 60, "the campaign to be sent", tick=reconcile)

    assert smtp.tempfailed > 0 and smtp.dropped == 2
    delivered = {m.to for m in smtp.messages}
    assert delivered == set(addresses) - rejected
    failed = campaign.deliveries.filter(status=D.FAILED)
    assert set(failed.values_list("subscriber__email", flat=True)) == rejected
    assert all(r.startswith("550") for r in failed.values_list("reason", flat=True))
    for address in rejected:
        assert Suppression.objects.filter(email_hash=hash_normalised(address)).exists()
    assert campaign.deliveries.filter(attempts__gt=1, status=D.SENT).exists()
    assert campaign.deliveries.filter(flagged=True).count() == 2
    assert campaign.deliveries.filter(flagged=True, status=D.SENT).count() == 2


def test_redis_restarted_mid_campaign_completes(
    programme, audience, workers, smtp, services
):
    addresses = audience(300)
    workers.start(concurrency=2)
    campaign = start(programme, audience.lists["XK"])
    until(lambda: smtp.count() >= 60, 60, "60 messages before the restart")
    services.stop()
    time.sleep(1)
    services.start()
    until(Watch(campaign), 90, "the campaign to be sent", tick=reconcile, every=1)
    assert {m.to for m in smtp.messages} == set(addresses)
    assert campaign.deliveries.filter(status=D.SENT).count() == 300


def running_in_group(pgid):
    """Processes of the group that still run (zombies awaiting their reaper
    do not)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            running.append(stat.parent.name)
    return running


def settled(services, campaign):
    """No chunk waits in the sending queue or in a worker (acknowledged late,
    a chunk stays in kombu's unacked hash until it ends), and no row is held."""
    broker = redis.Redis.from_url(services.url)
    return (
        not broker.llen("sending")
        and not broker.hlen("unacked")
        and not campaign.deliveries.filter(status=D.SENDING).exists()
    )


def unsubscribe_one_not_yet_claimed(campaign, exclude):
    """Unsubscribe a recipient whose row no chunk holds yet, holding the row's
    lock until the unsubscribe is committed: a chunk that claims it later
    (a claim skips locked rows) checks the subscription after its claim, so
    the message must not go. One already claimed may be in a batch checked a
    moment before, which the engine allows (RECHECK_EVERY)."""
    with transaction.atomic():
        row = (
            campaign.deliveries.select_for_update()
            .filter(status=D.PENDING)
            .exclude(subscriber=exclude)
            .order_by("-pk")
            .first()
        )
        assert row is not None, "every row was claimed before the unsubscribe"
        Subscription.objects.filter(subscriber_id=row.subscriber_id).update(
            status=Subscription.Status.UNSUBSCRIBED
        )
    return Subscriber.objects.get(pk=row.subscriber_id)


def test_double_dispatch_two_lists_unsubscribe_pause_and_resume(
    programme, audience, workers, smtp, services
):
    addresses = audience(240)
    lists = audience.lists
    both = Subscriber.objects.get(email=addresses[3])
    Subscription.objects.create(
        subscriber=both,
        mailing_list=lists["RS"],
        status=Subscription.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    workers.start(concurrency=2)
    campaign = start(programme, lists["XK"], lists["RS"])
    assert not lifecycle.start(campaign.pk), "a second click changes nothing"
    until(lambda: smtp.count() >= 20, 60, "sending to begin")
    campaign.refresh_from_db()
    lifecycle.dispatch(campaign)  # a second scheduler, a stray re-dispatch
    leaving = unsubscribe_one_not_yet_claimed(campaign, exclude=both)
    assert lifecycle.pause(campaign.pk)
    paused_at = smtp.count()
    # Settled: no chunk queued or running (the sending queue and the tasks the
    # workers hold are empty) and no row claimed; nothing can send any more.
    until(lambda: settled(services, campaign), 30, "the workers to settle")
    stopped_at = smtp.count()
    # Each running chunk stops at its next check (RECHECK_EVERY messages).
    assert stopped_at - paused_at <= 2 * app_settings.NEWSLETTERS_SEND_RECHECK_EVERY
    assert stopped_at < 240
    assert status(campaign) == Campaign.Status.PAUSED
    assert lifecycle.resume(campaign.pk)
    until(Watch(campaign), 60, "the campaign to be sent", tick=reconcile)

    per_address = Counter(m.to for m in smtp.messages)
    assert max(per_address.values()) == 1, "nobody gets two copies"
    assert set(per_address) == set(addresses) - {leaving.email}
    skipped = campaign.deliveries.get(subscriber=leaving)
    assert skipped.status == D.SKIPPED

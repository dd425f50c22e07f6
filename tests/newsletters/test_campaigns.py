"""Campaigns on the embedded stack (SQLite, tasks run in the test process):
from a NewsletterPage to messages, in each subscriber's language, once."""

import email
import email.policy

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cms.celery import app
from newsletters.audience.addresses import hash_normalised
from newsletters.audience.models import Subscriber, Subscription, Suppression
from newsletters.delivery import lifecycle, sending
from newsletters.delivery.models import Campaign, Delivery
from tests.newsletters.compose import intro, newsletter, translate

C = Subscription.Status.CONFIRMED


@pytest.fixture
def eager(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NEWSLETTERS_SEND_RATE = 0
    settings.NEWSLETTERS_SEND_CHUNK_SIZE = 3
    settings.NEWSLETTERS_SEND_RECHECK_EVERY = 2
    mail.outbox = []
    app.conf.task_always_eager = True
    yield mail.outbox
    app.conf.task_always_eager = False


def subscribe(email_address, language, *lists, status=C, name=""):
    subscriber = Subscriber.objects.create(
        email=email_address, language=language, name=name
    )
    for mailing_list in lists:
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=status,
            confirmed_at=timezone.now() if status == C else None,
        )
    return subscriber


@pytest.fixture
def issue(programme, admin_user):
    """An English issue of Kosovo with a live Albanian translation."""
    page = newsletter(
        programme,
        "XK",
        "en",
        [intro("<p>Civil society in Kosovo.</p>")],
        subject="Kosovo newsletter",
    )
    albanian = translate(page, ["sq"], admin_user)["sq"]
    albanian.subject = "Buletini i Kosovës: shoqëria civile çdo javë"
    albanian.title = "Buletini"
    albanian.body = [intro("<p>Shoqëria civile në Kosovë.</p>")]
    albanian.save_revision().publish()
    return page


def sent_to(outbox):
    found = {}
    for message in outbox:
        parsed = email.message_from_bytes(
            message.message().as_bytes(linesep="\r\n"), policy=email.policy.default
        )
        found.setdefault(message.to[0], []).append(parsed)
    return found


def run(campaign, django_capture_on_commit_callbacks, send_at=None):
    with django_capture_on_commit_callbacks(execute=True):
        started = lifecycle.start(campaign.pk, send_at)
    campaign.refresh_from_db()
    return started


def make_campaign(page, *lists):
    campaign = Campaign.objects.create(newsletter=page)
    campaign.lists.set(lists)
    return campaign


def test_campaign_reaches_each_subscriber_once_in_their_language(
    issue, team_lists, eager, django_capture_on_commit_callbacks
):
    xk, rs = team_lists["XK"], team_lists["RS"]
    subscribe("ana@example.org", "sq", xk, name="Ana Krasniqi")
    subscribe("both@example.org", "sq", xk, rs)
    subscribe("marko@example.org", "sr", xk)  # no Serbian edition: English
    subscribe("ilkay@example.org", "tr", xk)
    subscribe("john@example.org", "en", xk)
    subscribe("waiting@example.org", "sq", xk, status=Subscription.Status.PENDING)
    subscribe("left@example.org", "sq", xk, status=Subscription.Status.UNSUBSCRIBED)
    subscribe("serbia@example.org", "sr", rs)  # on the Serbian list only
    subscribe("gone@example.org", "sq", xk)
    Suppression.objects.create(
        email_hash=hash_normalised("gone@example.org"), reason="manual"
    )

    assert lifecycle.recipients_by_language(issue, [xk, rs]) == {"en": 4, "sq": 2}
    assert lifecycle.recipients_by_language(issue, [xk]) == {"en": 3, "sq": 2}

    campaign = make_campaign(issue, xk, rs)
    assert run(campaign, django_capture_on_commit_callbacks)
    assert campaign.status == Campaign.Status.SENT
    received = sent_to(eager)
    assert sorted(received) == [
        "ana@example.org",
        "both@example.org",
        "ilkay@example.org",
        "john@example.org",
        "marko@example.org",
        "serbia@example.org",
    ]
    assert all(len(messages) == 1 for messages in received.values())
    ana = received["ana@example.org"][0]
    assert ana["Subject"] == "Buletini i Kosovës: shoqëria civile çdo javë"
    assert ana["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ana["List-Unsubscribe"].startswith("<http://testserver/sq/")
    assert ana["Message-ID"].startswith(f"<newsletter.{campaign.pk}.")
    html = ana.get_body(("html",)).get_content()
    assert "Shoqëria civile në Kosovë." in html and "%%" not in html
    assert received["marko@example.org"][0]["Subject"] == "Kosovo newsletter"
    assert campaign.recipients == 6
    assert set(campaign.editions.values_list("language", flat=True)) == {"en", "sq"}
    assert not campaign.deliveries.exclude(status=Delivery.Status.SENT).exists()


def test_double_click_starts_once_and_sends_once(
    issue, team_lists, eager, django_capture_on_commit_callbacks
):
    subscribe("ana@example.org", "sq", team_lists["XK"])
    campaign = make_campaign(issue, team_lists["XK"])
    assert run(campaign, django_capture_on_commit_callbacks)
    assert not run(campaign, django_capture_on_commit_callbacks)
    campaign.status = Campaign.Status.SENDING
    campaign.save()
    lifecycle.dispatch(campaign)  # a second dispatch finds nothing to claim
    assert len(eager) == 1


def test_preparation_again_adds_only_the_missing_and_not_newcomers(
    issue, team_lists, eager
):
    xk = team_lists["XK"]
    for n in range(5):
        subscribe(f"s{n}@example.org", "sq", xk)
    campaign = make_campaign(issue, xk)
    campaign.audience_cutoff = timezone.now()
    campaign.save()
    editions = lifecycle.freeze_editions(campaign)
    assert lifecycle.materialise(campaign, editions) == 5
    campaign.deliveries.filter(subscriber__email="s3@example.org").delete()
    subscribe("late@example.org", "sq", xk)
    assert lifecycle.freeze_editions(campaign) == editions
    assert lifecycle.materialise(campaign, editions) == 1
    emails = set(campaign.deliveries.values_list("subscriber__email", flat=True))
    assert "s3@example.org" in emails and "late@example.org" not in emails
    assert campaign.deliveries.count() == 5


def test_unsubscribed_mid_campaign_gets_no_later_message(
    issue, team_lists, eager, django_capture_on_commit_callbacks
):
    xk = team_lists["XK"]
    for n in range(6):
        subscribe(f"s{n}@example.org", "sq", xk)
    campaign = make_campaign(issue, xk)
    campaign.status = Campaign.Status.PREPARING
    campaign.save()
    with django_capture_on_commit_callbacks(execute=False):
        lifecycle.prepare(campaign.pk)  # deliveries made, chunks not run
    Subscription.objects.filter(subscriber__email="s4@example.org").update(
        status=Subscription.Status.UNSUBSCRIBED
    )
    Suppression.objects.create(email_hash=hash_normalised("s5@example.org"))
    for first, last in lifecycle.chunk_ranges(campaign.pk):
        sending.run_chunk(campaign.pk, first, last, "claim-1")
    lifecycle.finish_if_done(campaign.pk)
    assert sorted(m.to[0] for m in eager) == [f"s{n}@example.org" for n in range(4)]
    skipped = campaign.deliveries.filter(status=Delivery.Status.SKIPPED)
    assert skipped.count() == 2
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_a_delivery_whose_subscriber_is_gone_is_skipped_and_the_campaign_ends(
    issue, team_lists, eager, django_capture_on_commit_callbacks
):
    """The delivery table's subscriber key has no database constraint (P6):
    an erasure that commits while materialise runs leaves a row behind."""
    xk = team_lists["XK"]
    for n in range(3):
        subscribe(f"s{n}@example.org", "sq", xk)
    campaign = make_campaign(issue, xk)
    campaign.status = Campaign.Status.PREPARING
    campaign.save()
    with django_capture_on_commit_callbacks(execute=False):
        lifecycle.prepare(campaign.pk)
    gone = Subscriber.objects.get(email="s1@example.org")
    with connection.cursor() as cursor:  # what the race leaves: no ORM cascade
        for model, key in ((Subscription, "subscriber_id"), (Subscriber, "id")):
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {table} WHERE {key} = %s", [gone.pk])  # noqa: S608
    for first, last in lifecycle.chunk_ranges(campaign.pk):
        sending.run_chunk(campaign.pk, first, last, "claim-1")
    lifecycle.finish_if_done(campaign.pk)
    assert sorted(m.to[0] for m in eager) == ["s0@example.org", "s2@example.org"]
    skipped = campaign.deliveries.get(status=Delivery.Status.SKIPPED)
    assert skipped.reason == "subscriber erased before sending"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_pause_stops_and_resume_completes(
    issue, team_lists, eager, django_capture_on_commit_callbacks
):
    xk = team_lists["XK"]
    for n in range(7):
        subscribe(f"s{n}@example.org", "sq", xk)
    campaign = make_campaign(issue, xk)
    campaign.status = Campaign.Status.PREPARING
    campaign.save()
    with django_capture_on_commit_callbacks(execute=False):
        lifecycle.prepare(campaign.pk)
    (first, last), *rest = lifecycle.chunk_ranges(campaign.pk)
    sending.run_chunk(campaign.pk, first, last, "claim-1")
    assert len(eager) == 3
    assert lifecycle.pause(campaign.pk)
    for first, last in rest:
        report = sending.run_chunk(campaign.pk, first, last, "claim-2")
        assert report.stopped == Campaign.Status.PAUSED
    assert len(eager) == 3
    assert not lifecycle.finish_if_done(campaign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.resume(campaign.pk)
    campaign.refresh_from_db()
    assert len(eager) == 7 and len({m.to[0] for m in eager}) == 7
    assert campaign.status == Campaign.Status.SENT


def test_cancel_skips_what_is_not_sent(
    issue, team_lists, eager, django_capture_on_commit_callbacks
):
    xk = team_lists["XK"]
    for n in range(4):
        subscribe(f"s{n}@example.org", "sq", xk)
    campaign = make_campaign(issue, xk)
    campaign.status = Campaign.Status.PREPARING
    campaign.save()
    with django_capture_on_commit_callbacks(execute=False):
        lifecycle.prepare(campaign.pk)
    assert lifecycle.cancel(campaign.pk)
    for first, last in lifecycle.chunk_ranges(campaign.pk) or [(0, 10**9)]:
        sending.run_chunk(campaign.pk, first, last, "claim-1")
    assert eager == []
    assert campaign.deliveries.filter(status=Delivery.Status.SKIPPED).count() == 4


def test_scheduled_campaign_starts_when_due(
    issue, team_lists, eager, django_capture_on_commit_callbacks
):
    subscribe("ana@example.org", "sq", team_lists["XK"])
    campaign = make_campaign(issue, team_lists["XK"])
    later = timezone.now() + timezone.timedelta(hours=1)
    run(campaign, django_capture_on_commit_callbacks, send_at=later)
    assert campaign.status == Campaign.Status.SCHEDULED
    assert lifecycle.start_due() == []
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.start_due() == [campaign.pk]
        assert lifecycle.start_due() == []
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and len(eager) == 1

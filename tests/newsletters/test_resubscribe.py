"""A person who unsubscribed comes back: from the unsubscribe page, the
subscribe form, the API, the preferences page and old links; and the
confirmation emails a stranger can cause stay few (issue #15, item 5)."""

import datetime
import json
import re

import pytest
import time_machine
from django.test import Client

from newsletters.audience.links import NewsletterLinks, preferences_url
from newsletters.audience.models import ConsentEvent, Subscriber, Subscription

from .conftest import HUMAN

S = Subscription.Status
API = "/api/v3/newsletter"
# 10:32 in Belgrade (the site's TIME_ZONE), a winter Monday.
MORNING = datetime.datetime(2026, 3, 2, 9, 32, tzinfo=datetime.UTC)


def form(**overrides):
    data = {
        "email": "jovana.djordjevic@example.rs",
        "name": "Јована Ђорђевић",
        "countries": ["RS"],
        "language": "sr",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def subscribe(client, capture, prefix="sr", **overrides):
    with capture(execute=True):
        return client.post(
            f"/{prefix}/newsletter/subscribe/", form(**overrides), **HUMAN
        )


def path_in(message, kind="confirm"):
    match = re.search(
        rf"http://testserver(/[\w-]+/newsletter/{kind}/\S+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def confirmed(client, capture, outbox, **overrides):
    subscribe(client, capture, **overrides)
    assert client.post(path_in(outbox[-1]), **HUMAN).status_code == 200
    subscriber = Subscriber.objects.get()
    assert set(subscriber.subscriptions.values_list("status", flat=True)) == {
        S.CONFIRMED
    }
    return subscriber


def newsletter_unsubscribe_path(subscriber, mailing_list, language="sq"):
    """The unsubscribe link of an (Albanian) issue sent to ``mailing_list``."""
    url, _preferences, _headers = NewsletterLinks(language, [mailing_list])(
        subscriber.pk
    )
    return url.removeprefix("http://testserver")


def one_click(path):
    return Client().post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def statuses(subscriber):
    return dict(
        subscriber.subscriptions.values_list(
            "mailing_list__country__iso_code", "status"
        )
    )


@pytest.mark.django_db
def test_the_unsubscribe_page_brings_the_lists_back_with_the_same_link(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscriber = confirmed(
        client, django_capture_on_commit_callbacks, outbox, countries=["RS", "XK"]
    )
    path = newsletter_unsubscribe_path(subscriber, lists["RS"])
    left = one_click(path)
    assert left.status_code == 200
    assert statuses(subscriber) == {"RS": S.UNSUBSCRIBED, "XK": S.CONFIRMED}
    page = left.content.decode()
    assert 'name="resubscribe"' in page
    assert f'action="{path}"' in page

    outbox.clear()
    back = Client().post(path, {"resubscribe": "1"}, **HUMAN)
    assert back.status_code == 200
    # The list by its name in the page's language (Serbia has no Serbian
    # row here, so its default name).
    assert "Билтен: Serbia" in back.content.decode()
    # Straight back, without another opt-in email: the link came to the
    # address while it received the list.
    assert statuses(subscriber) == {"RS": S.CONFIRMED, "XK": S.CONFIRMED}
    assert outbox == []
    events = ConsentEvent.objects.filter(subscriber_id=subscriber.pk).order_by("pk")
    assert [(e.kind, e.mailing_list.name) for e in events][-3:] == [
        ("unsubscribe", "Serbia newsletter"),
        ("subscribe", "Serbia newsletter"),
        ("confirm", "Serbia newsletter"),
    ]
    assert "resubscribe" in events.last().source_detail

    # Once back, the link offers to leave again, not to come back.
    again = Client().get(path)
    assert 'name="List-Unsubscribe"' in again.content.decode()
    assert 'name="resubscribe"' not in again.content.decode()


@pytest.mark.django_db
def test_an_old_unsubscribe_link_opened_again_offers_the_way_back(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscriber = confirmed(client, django_capture_on_commit_callbacks, outbox)
    path = newsletter_unsubscribe_path(subscriber, lists["RS"])
    one_click(path)
    later = Client().get(path)
    assert later.status_code == 200
    assert 'name="resubscribe"' in later.content.decode()
    assert statuses(subscriber) == {"RS": S.UNSUBSCRIBED}


@pytest.mark.django_db
def test_a_link_mailed_after_leaving_cannot_bring_back_what_was_left_before(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    """A link restores what the address received when the link came, no
    more: a list left long ago stays left."""
    subscriber = confirmed(
        client, django_capture_on_commit_callbacks, outbox, countries=["RS", "XK"]
    )
    with time_machine.travel(datetime.timedelta(days=-30)):
        old = newsletter_unsubscribe_path(subscriber, lists["XK"])
    one_click(old)
    with time_machine.travel(datetime.timedelta(days=10)):
        newer = newsletter_unsubscribe_path(subscriber, lists["XK"])
        answer = Client().post(newer, {"resubscribe": "1"})
    assert answer.status_code == 409
    assert statuses(subscriber)["XK"] == S.UNSUBSCRIBED
    assert Client().post(old, {"resubscribe": "1"}).status_code == 200
    assert statuses(subscriber)["XK"] == S.CONFIRMED


@pytest.mark.django_db
def test_a_bounced_or_complained_address_is_not_brought_back(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    from newsletters.audience.subscriptions import suppress

    subscriber = confirmed(client, django_capture_on_commit_callbacks, outbox)
    path = newsletter_unsubscribe_path(subscriber, lists["RS"])
    one_click(path)
    suppress(subscriber.email, "complaint")
    answer = Client().post(path, {"resubscribe": "1"})
    assert answer.status_code == 409
    assert statuses(subscriber) == {"RS": S.UNSUBSCRIBED}


@pytest.mark.django_db
def test_coming_back_through_the_form_within_the_hour_gets_a_working_link(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    """The bug: the one-email-an-hour limit swallowed the comeback's
    confirmation, the old link said "used", and the subscription sat pending."""
    subscriber = confirmed(client, django_capture_on_commit_callbacks, outbox)
    old_confirm = path_in(outbox[-1])
    one_click(newsletter_unsubscribe_path(subscriber, lists["RS"]))
    outbox.clear()

    subscribe(client, django_capture_on_commit_callbacks)
    assert statuses(subscriber) == {"RS": S.PENDING}
    assert len(outbox) == 1
    new_confirm = path_in(outbox[0])
    assert new_confirm != old_confirm
    assert client.post(new_confirm, **HUMAN).status_code == 200
    assert statuses(subscriber) == {"RS": S.CONFIRMED}


@pytest.mark.django_db
def test_asking_again_tells_when_the_email_went_and_keeps_its_link_working(
    client, lists, outbox, django_capture_on_commit_callbacks, settings
):
    settings.NEWSLETTERS_CONFIRMATION_RESEND_INTERVAL = 600
    with time_machine.travel(MORNING, tick=False):
        first = subscribe(client, django_capture_on_commit_callbacks)
    assert "10:42" in first.content.decode()  # when to ask again
    assert len(outbox) == 1
    first_link = path_in(outbox[0])

    with time_machine.travel(MORNING + datetime.timedelta(minutes=3), tick=False):
        again = subscribe(client, django_capture_on_commit_callbacks)
    text = again.content.decode()
    assert again.status_code == 200
    assert "10:32" in text and "10:42" in text
    assert len(outbox) == 1

    with time_machine.travel(MORNING + datetime.timedelta(minutes=11), tick=False):
        subscribe(client, django_capture_on_commit_callbacks)
        assert len(outbox) == 2
        second_link = path_in(outbox[1])
        # Both links work (the first was not silently replaced) until one is
        # used: confirming ends them all.
        assert client.get(first_link).status_code == 200
        assert client.get(second_link).status_code == 200
        assert client.post(first_link, **HUMAN).status_code == 200
        assert client.post(second_link, **HUMAN).status_code == 404
    assert statuses(Subscriber.objects.get()) == {"RS": S.CONFIRMED}


@pytest.mark.django_db
def test_a_stranger_cannot_flood_an_address(
    client, lists, outbox, django_capture_on_commit_callbacks, settings
):
    """Many requests for one address, over many lists and clients: a first
    email per list, resends spaced out, and a cap a day."""
    settings.NEWSLETTERS_SUBSCRIBE_RATE_PER_ADDRESS = (10_000, 3600)
    settings.NEWSLETTERS_SUBSCRIBE_RATE_PER_IP = (10_000, 3600)
    settings.NEWSLETTERS_CONFIRMATION_RESEND_INTERVAL = 600
    settings.NEWSLETTERS_CONFIRMATION_EMAILS_PER_DAY = 6
    choices = [["RS"], ["XK"], ["EU"], ["RS", "XK"]]
    with time_machine.travel(MORNING, tick=False) as clock:
        for n in range(40):
            subscribe(
                client,
                django_capture_on_commit_callbacks,
                countries=choices[n % 4],
                language="en",
            )
        assert len(outbox) == 3  # one for each list
        for _step in range(20):
            clock.shift(datetime.timedelta(minutes=11))
            subscribe(client, django_capture_on_commit_callbacks, language="en")
    assert len(outbox) == 6  # the day's cap
    assert Subscriber.objects.count() == 1


@pytest.mark.django_db
def test_api_tells_when_the_email_went_and_resubscribes_with_a_token(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    payload = {
        "email": "arber@example.al",
        "countries": ["XK"],
        "language": "sq",
        "name": "Arbër Krasniqi",
        "consent": True,
    }

    def post(path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"{API}{path}", json.dumps(data), content_type="application/json"
            )

    with time_machine.travel(MORNING, tick=False):
        first = post("/subscribe/", payload).json()
        again = post("/subscribe/", payload).json()
    assert first["emailed"] is True
    assert again["emailed"] is False
    assert again["emailed_at"].startswith("2026-03-02T09:32")
    assert again["next_email_after"] > again["emailed_at"]
    assert len(outbox) == 1

    token = re.search(r"/confirm/([^/\s]+)/", outbox[0].body).group(1)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5)):
        assert post("/confirm/", {"token": token}).status_code == 200
    subscriber = Subscriber.objects.get()
    manage = NewsletterLinks("sq", [lists["XK"]])
    unsubscribe_token = manage(subscriber.pk)[0].rstrip("/").rsplit("/", 1)[1]
    assert post("/unsubscribe/", {"token": unsubscribe_token}).status_code == 200
    back = post("/resubscribe/", {"token": unsubscribe_token})
    assert back.status_code == 200
    assert back.json() == {"status": "subscribed", "countries": ["XK"]}
    assert statuses(subscriber) == {"XK": S.CONFIRMED}
    assert post("/resubscribe/", {"token": unsubscribe_token}).status_code == 409
    assert post("/resubscribe/", {"token": "forged"}).status_code == 400


@pytest.mark.django_db
def test_preferences_page_after_leaving_everything(
    client, lists, outbox, django_capture_on_commit_callbacks
):
    subscriber = confirmed(client, django_capture_on_commit_callbacks, outbox)
    path = preferences_url(subscriber).removeprefix("http://testserver")
    left = client.post(path, {"unsubscribe_all": "1"}, **HUMAN)
    assert statuses(subscriber) == {"RS": S.UNSUBSCRIBED}
    # The answer offers the way back, with the same link...
    action = re.search(r'action="([^"]+)"', left.content.decode()).group(1)
    assert action == path.replace("/preferences/", "/unsubscribe/")
    # ...and ticking the country again mails a confirmation that works,
    # though one went less than an hour ago.
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"countries": ["RS"], "language": "sr"}, **HUMAN)
    assert statuses(subscriber) == {"RS": S.PENDING}
    assert len(outbox) == 1
    assert client.post(path_in(outbox[0]), **HUMAN).status_code == 200
    assert statuses(subscriber) == {"RS": S.CONFIRMED}


@pytest.mark.django_db
def test_a_used_confirmation_link_offers_a_new_one_while_a_request_waits(
    client, lists, outbox, django_capture_on_commit_callbacks, settings
):
    subscriber = confirmed(client, django_capture_on_commit_callbacks, outbox)
    used = path_in(outbox[-1])
    # Leaves, and asks on the form again within the resend interval (the
    # comeback's confirmation went, but is lost in a spam folder).
    one_click(newsletter_unsubscribe_path(subscriber, lists["RS"]))
    subscribe(client, django_capture_on_commit_callbacks)
    assert len(outbox) == 2
    page = client.get(used)
    assert page.status_code == 404
    assert 'name="resend"' in page.content.decode()
    assert "Билтен: Serbia" in page.content.decode()

    settings.NEWSLETTERS_CONFIRMATION_RESEND_INTERVAL = 0
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(used, {"resend": "1"}, **HUMAN)
    assert answer.status_code == 200
    assert len(outbox) == 3
    assert outbox[2].to == [subscriber.email]
    assert client.post(path_in(outbox[2]), **HUMAN).status_code == 200
    assert statuses(subscriber) == {"RS": S.CONFIRMED}
    # Nothing waits any more: the old link offers no email.
    assert 'name="resend"' not in client.get(used).content.decode()

"""A subscriber's pages are in the subscriber's language, not the issue's,
with a switch that changes it for good (issue #15, item 6)."""

import re

import pytest
from django.test import Client

from newsletters.audience.links import NewsletterLinks, confirm_url, preferences_url
from newsletters.audience.models import ConsentEvent, Subscriber, Subscription
from newsletters.delivery.message import Personaliser
from tests.newsletters.editions import make_edition

from .conftest import HUMAN


def serbian_reader(lists, language="sr", status=Subscription.Status.CONFIRMED):
    subscriber = Subscriber.objects.create(
        email="jovana@example.rs", name="Јована", language=language
    )
    for iso in ("XK", "RS"):
        Subscription.objects.create(
            subscriber=subscriber, mailing_list=lists[iso], status=status
        )
    return subscriber


def albanian_issue_links(subscriber, lists):
    """What an Albanian issue of the Kosovo list linked to before: its own
    language's pages (links already in mailboxes keep this prefix)."""
    unsubscribe, preferences, _headers = NewsletterLinks("sq", [lists["XK"]])(
        subscriber.pk
    )
    return (
        unsubscribe.removeprefix("http://testserver"),
        preferences.removeprefix("http://testserver"),
    )


def lang_of(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_albanian_issue_links_open_a_serbian_readers_pages_in_serbian(lists):
    subscriber = serbian_reader(lists)
    unsubscribe, preferences = albanian_issue_links(subscriber, lists)
    assert unsubscribe.startswith("/sq/")

    page = Client().get(unsubscribe)
    assert lang_of(page) == "sr"
    assert page["Content-Language"] == "sr"
    assert "Одјава" in page.content.decode()
    assert "Çabonohu" not in page.content.decode()

    settings_page = Client().get(preferences)
    assert lang_of(settings_page) == "sr"
    assert "Ваша подешавања" in settings_page.content.decode()

    left = Client().post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert left.status_code == 200
    assert lang_of(left) == "sr"
    assert "Одјављени сте" in left.content.decode()


@pytest.mark.django_db
def test_newsletter_links_carry_the_readers_language(lists):
    """An Albanian edition sent to a Serbian Latin reader links to Serbian
    Latin pages; the token is the same as the edition's language would give."""
    subscriber = serbian_reader(lists, language="sr-latn")
    values, headers = Personaliser(make_edition("sq"), [lists["XK"]])(subscriber)
    assert values["unsubscribe_url"].startswith(
        "http://testserver/sr-latn/newsletter/unsubscribe/"
    )
    assert values["preferences_url"].startswith(
        "http://testserver/sr-latn/newsletter/preferences/"
    )
    assert headers["List-Unsubscribe"] == f"<{values['unsubscribe_url']}>"


@pytest.mark.django_db
def test_the_language_switch_changes_the_readers_language_for_good(lists):
    subscriber = serbian_reader(lists)
    _unsubscribe, preferences = albanian_issue_links(subscriber, lists)
    client = Client()
    page = client.get(preferences).content.decode()
    switch = re.search(r'<select[^>]*name="switch_language".*?</select>', page, re.S)
    assert switch, page
    # Offered: the languages the reader's lists are sent in, each named in
    # itself; Turkish is no language of the Kosovo or Serbia list.
    assert re.findall(r'value="([^"]+)"', switch.group(0)) == [
        "en",
        "sq",
        "sr",
        "sr-latn",
    ]
    assert "Srpski (latinica)" in switch.group(0)
    assert "Shqip" in switch.group(0)
    assert re.search(r'value="sr"[^>]*selected', switch.group(0))

    moved = client.post(preferences, {"switch_language": "sr-latn"}, **HUMAN)
    assert moved.status_code == 303
    assert moved["Location"].startswith("/sr-latn/newsletter/preferences/")
    subscriber.refresh_from_db()
    assert subscriber.language == "sr-latn"
    event = ConsentEvent.objects.get(subscriber_id=subscriber.pk)
    assert (event.kind, event.language) == ("preferences", "sr-latn")

    again = client.get(preferences)  # even the old Albanian link
    assert lang_of(again) == "sr-Latn"  # BCP 47 (home.locales.html_lang)
    assert "Vaša podešavanja" in again.content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_a_language_the_lists_are_not_sent_in(lists):
    subscriber = serbian_reader(lists)
    unsubscribe, _preferences = albanian_issue_links(subscriber, lists)
    answer = Client().post(unsubscribe, {"switch_language": "tr"})
    assert answer.status_code == 400
    assert lang_of(answer) == "sr"
    subscriber.refresh_from_db()
    assert subscriber.language == "sr"
    assert subscriber.subscriptions.filter(status="confirmed").count() == 2


@pytest.mark.django_db
def test_confirmation_and_its_answer_are_in_the_readers_language(lists):
    subscriber = serbian_reader(lists, status=Subscription.Status.PENDING)
    subscriber.new_confirm_nonce()
    subscriber.save()
    # A confirmation link in Albanian (asked for on an Albanian page before
    # the reader chose Serbian on the preferences page).
    path = confirm_url(subscriber, "sq").removeprefix("http://testserver")
    client = Client()
    landing = client.get(path)
    assert lang_of(landing) == "sr"
    assert "Потврдите пријаву" in landing.content.decode()
    done = client.post(path, **HUMAN)
    assert lang_of(done) == "sr"
    assert "Пријава је потврђена" in done.content.decode()
    link = re.search(r'href="http://testserver(/[^"]+)"', done.content.decode())
    assert link.group(1).startswith("/sr/newsletter/preferences/")
    assert preferences_url(subscriber).startswith("http://testserver/sr/")

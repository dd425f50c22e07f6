"""Scheduled publishing: beat runs Wagtail's publish_scheduled every minute,
and nothing the public reads (HTML pages, API, feeds, cached responses and
their HTTP lifetime) outlives an item's expiry or misses its go-live."""

import datetime
import re

import pytest
import time_machine
from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from home import tasks
from home.tasks import publish_scheduled
from news.models import NewsListingRow, NewsPage
from news.structure import section_for
from tests.news.test_api import locale

START = datetime.datetime(2026, 11, 2, 10, 0, 0, tzinfo=datetime.UTC)
LIST = "/api/v3/news/?locale=en&limit=100"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.API_CACHE_SECONDS = 600
    settings.API_CACHE_CONTROL = "public, max-age=300"


def page(programme, slug, title, *, go_live_at=None, expire_at=None):
    section = section_for(programme["countries"]["XK"], locale("en"))
    news_page = section.add_child(
        instance=NewsPage(
            title=title,
            slug=slug,
            date=datetime.date(2026, 11, 1),
            lead="Lead",
            live=go_live_at is None,
            go_live_at=go_live_at,
            expire_at=expire_at,
        )
    )
    news_page.save_revision().publish()
    news_page.refresh_from_db()
    return news_page


def titles(client, url=LIST):
    response = client.get(url)
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def max_age(response):
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))


def test_beat_runs_publish_scheduled_every_minute():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "home.tasks.publish_scheduled"
    ]
    assert len(entries) == 1
    schedule = maybe_schedule(entries[0]["schedule"])
    last_run = timezone.now()
    assert schedule.remaining_estimate(last_run) <= datetime.timedelta(seconds=60)
    # A run that a busy worker starts late is dropped, not stacked up.
    assert entries[0]["options"]["expires"] <= 60


def test_go_live_fires_and_reaches_api_read_model_and_cache(client, programme, clock):
    page(programme, "today", "Already out")
    later = page(
        programme,
        "later",
        "Goes live at half past",
        go_live_at=START.replace(minute=30),
    )
    assert not later.live
    response = client.get(LIST)
    assert [i["title"] for i in response.json()["items"]] == ["Already out"]
    # Browsers and CDNs may keep it no later than the go-live.
    assert max_age(response) == 300
    clock.move_to(START.replace(minute=28))
    assert max_age(client.get(LIST)) <= 120

    clock.move_to(START.replace(minute=30, second=1))
    publish_scheduled()
    later.refresh_from_db()
    assert later.live
    assert NewsListingRow.objects.filter(page_id=later.pk).exists()
    assert titles(client) == ["Goes live at half past", "Already out"]
    assert client.get(f"/api/v3/news/{later.pk}/").status_code == 200


def test_expired_pages_leave_api_cache_and_feeds_at_their_expiry(
    client, programme, clock
):
    page(programme, "lasting", "Lasting item")
    expiring = page(
        programme,
        "closing",
        "Call closes at ten past",
        expire_at=START.replace(minute=10),
    )
    feed = "/feeds/news/en.rss"
    assert titles(client) == ["Call closes at ten past", "Lasting item"]
    assert "Call closes" in client.get(feed).content.decode()
    first = client.get(LIST)
    assert first.wsgi_request.resolver_match is None  # served from the cache
    assert max_age(first) <= 600 and max_age(first) <= 300

    clock.move_to(START.replace(minute=9, second=30))
    assert max_age(client.get(LIST)) <= 30
    # Past the expiry, before beat has run: the cache must not hold it.
    clock.move_to(START.replace(minute=10, second=1))
    assert titles(client) == ["Lasting item"]
    assert "Call closes" not in client.get(feed).content.decode()
    assert client.get(f"/api/v3/news/{expiring.pk}/").status_code == 404

    publish_scheduled()
    expiring.refresh_from_db()
    assert not expiring.live and expiring.expired
    assert not NewsListingRow.objects.filter(page_id=expiring.pk).exists()
    assert titles(client) == ["Lasting item"]


def test_an_expired_page_is_not_served_as_html_before_beat_runs(
    client, programme, clock
):
    expiring = page(
        programme, "closing", "Call closes", expire_at=START.replace(minute=10)
    )
    url = expiring.get_url()
    assert client.get(url).status_code == 200
    clock.move_to(START.replace(minute=10, second=1))
    assert client.get(url).status_code == 404


def test_publish_scheduled_runs_once_at_a_time(monkeypatch):
    """Two workers picking up overlapping runs must not publish twice."""
    calls = []
    monkeypatch.setattr(tasks, "call_command", lambda *a, **k: calls.append(a))
    cache.add(tasks.PUBLISH_SCHEDULED_LOCK, "other worker", timeout=60)
    tasks.publish_scheduled()
    assert calls == []
    cache.delete(tasks.PUBLISH_SCHEDULED_LOCK)
    tasks.publish_scheduled()
    assert calls == [("publish_scheduled",)]


def test_scheduling_a_go_live_ends_answers_cached_before_it(client, programme, clock):
    live = page(programme, "today", "Old title")
    assert max_age(client.get(LIST)) == 300  # cached with no change in sight
    clock.move_to(START.replace(minute=1))
    # A new version of a live page, scheduled: Wagtail sends no publish signal.
    live.title = "New title at five past"
    live.go_live_at = START.replace(minute=5)
    live.save_revision().publish()
    clock.move_to(START.replace(minute=2))
    response = client.get(LIST)
    assert [i["title"] for i in response.json()["items"]] == ["Old title"]
    assert max_age(response) <= 180
    clock.move_to(START.replace(minute=5, second=1))
    publish_scheduled()
    assert titles(client) == ["New title at five past"]


def test_an_overdue_go_live_keeps_answers_short_until_beat_runs(
    client, programme, clock
):
    page(programme, "later", "At five past", go_live_at=START.replace(minute=5))
    clock.move_to(START.replace(minute=5, second=1))  # beat has not run yet
    response = client.get(LIST)
    assert response.json()["items"] == []
    assert max_age(response) <= 5
    publish_scheduled()
    assert titles(client) == ["At five past"]


def test_a_conditional_request_after_an_expiry_gets_the_new_answer(
    client, programme, clock
):
    page(programme, "lasting", "Lasting item")
    page(programme, "closing", "Closes", expire_at=START.replace(minute=10))
    first = client.get(LIST)
    clock.move_to(START.replace(minute=10, second=1))
    again = client.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200
    assert [i["title"] for i in again.json()["items"]] == ["Lasting item"]

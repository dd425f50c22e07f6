"""Events as iCalendar: one event, and a country's upcoming events."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from news.models import EventPage
from news.structure import section_for


def unfold(body):
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    return body.replace("\r\n ", "")


@pytest.fixture
def events(programme):
    now = timezone.now()

    def make(iso, code, slug, days, live=True, title=None):
        country = programme["countries"][iso]
        section = section_for(country, Locale.objects.get(language_code=code), "events")
        start = now + datetime.timedelta(days=days)
        page = section.add_child(
            instance=EventPage(
                title=title or slug,
                slug=slug,
                event_type="training",
                start=start,
                end=start + datetime.timedelta(hours=3),
                time_zone="Europe/Belgrade",
                city="Beograd",
                venue="Dom omladine; sala 2, sprat 1",
                live=live,
            )
        )
        if live:
            page.save_revision().publish()
        return page

    return make


def test_event_ics_keeps_cyrillic_and_escapes_text(client, events):
    title = "Обука за волонтере: управљање пројектима, ниво 2 — " * 3
    event = events("RS", "sr", "obuka", 5, title=title.strip())
    response = client.get(f"/calendar/event/{event.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = unfold(response.content.decode())
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert "SUMMARY:" + title.strip().replace(",", "\\,") in body
    assert "LOCATION:Dom omladine\\; sala 2\\, sprat 1\\, Beograd" in body
    start = event.start.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body
    assert body.count("BEGIN:VEVENT") == 1


def test_drafts_and_private_events_are_not_served(client, events):
    draft = events("XK", "sq", "draft", 3, live=False)
    assert client.get(f"/calendar/event/{draft.pk}.ics").status_code == 404
    private = events("XK", "sq", "private", 3)
    PageViewRestriction.objects.create(
        page=private, restriction_type="password", password="x"
    )
    assert client.get(f"/calendar/event/{private.pk}.ics").status_code == 404
    feed = client.get("/calendar/xk.ics?locale=sq").content.decode()
    assert "draft" not in feed and "private" not in feed


def test_country_feed_lists_only_upcoming_events_of_that_country(client, events):
    events("XK", "sq", "soon", 2)
    events("XK", "sq", "later", 20)
    events("XK", "sq", "past", -10)
    events("RS", "sq", "elsewhere", 3)
    events("XK", "en", "english", 4)
    response = client.get("/calendar/XK.ics?locale=sq")
    assert response.status_code == 200
    body = unfold(response.content.decode())
    summaries = [line for line in body.split("\r\n") if line.startswith("SUMMARY:")]
    assert summaries == ["SUMMARY:soon", "SUMMARY:later"]


def test_bad_feed_parameters(client, programme):
    assert client.get("/calendar/XK.ics?locale=xx").status_code == 400
    assert client.get("/calendar/ZZ.ics").status_code == 404
    assert client.get("/calendar/event/999999.ics").status_code == 404
    assert client.post("/calendar/XK.ics").status_code == 405


def test_folding_never_splits_a_character(client, events):
    event = events("XK", "sq", "gjate", 5, title="ë" * 100)
    raw = client.get(f"/calendar/event/{event.pk}.ics").content
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode()  # each folded piece is whole UTF-8 characters
    assert "SUMMARY:" + "ë" * 100 in unfold(raw.decode())

"""Escaped markup from every way in, checked in every way out.

Titles, leads and bodies escaped once, twice and three times come in through
a CSO feed, the submission form, the submission API and an officer typing in
the admin (a page saved in code as the editor saves it). Published, each one
reads in every output as its sender meant it (one decoding, not several) and
is never live markup: API JSON, RSS, Atom, iCal, the newsletter's HTML and
text parts and search snippets. (Admin pages: tests/e2e/test_admin_markup.py.)
"""

import datetime
import html
import json
import xml.etree.ElementTree as ET  # noqa: S405 - our own output
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml

import icalendar
import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from news.feeds import parsing, polling
from news.models import EventPage, NewsPage
from news.structure import section_for
from newsletters.composition.models import NewsletterPage
from newsletters.composition.rendering import render_edition
from tests.conftest import shared_in_module
from tests.news.test_plain_text import (
    ATTACK,
    attribute_names,
    escaped,
    read_as_html,
    visible,
)
from tests.news.test_submissions import PAGE, form_data, payload, post_api

ATOM = {"a": "http://www.w3.org/2005/Atom"}
QUOTED = '" onmouseover="alert(2)'


@dataclass
class Item:
    marker: str
    shown: str
    # Text from outside is stored inert; an officer's is stored as typed (a
    # text field, which outputs that declare HTML must escape).
    outside: bool = True

    @property
    def title(self):
        return f"{self.marker} titull {self.shown}"

    @property
    def lead(self):
        return f"{self.marker} hyrje {self.shown}"

    @property
    def body(self):
        return f"{self.marker} teksti {self.shown}"


def _feed_items(programme):
    """RSS items carrying HTML escaped ``n`` times (a reader sees n - 1)."""
    parts, items = [], []
    for times in (1, 2, 3):
        marker = f"Kfeed{times}"
        item = Item(marker, escaped(ATTACK, times - 1))
        value = escaped(ATTACK, times)
        parts.append(
            f"<item><guid>{marker}</guid><title>{xml(item.title[: -len(item.shown)] + value)}</title>"  # noqa: E501
            f"<description>{xml(item.lead[: -len(item.shown)] + value)}</description>"
            f"<content:encoded>{xml('<p>' + item.body[: -len(item.shown)] + value + '</p>')}</content:encoded></item>"  # noqa: E501
        )
        items.append(item)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>CSO</title><language>sq</language>{''.join(parts)}</channel></rss>"
    ).encode()
    organisation = programme["organisations"]["KCSF"]
    assert polling.import_entries(organisation, parsing.parse(document)) == (3, [])
    return items


def _submitted_items(client):
    items = []
    for path in ("form", "api"):
        for times in (1, 2, 3):
            marker = f"K{path}{times}"
            value = escaped(ATTACK, times)
            fields = {
                "title": f"{marker} titull {value}",
                "text": f"{marker} hyrje {value}\n\n{marker} teksti {value}",
                "new_organisation_name": f"{marker} {value}",
                "submitter_name": f"Arbër {value}",
                "submitter_email": f"{marker.lower()}@example.org",
            }
            address = f"203.0.113.{len(items) + 10}"
            if path == "api":
                response = post_api(client, payload(**fields), ip=address)
                assert response.status_code == 202
            else:
                response = client.post(PAGE, form_data(**fields), REMOTE_ADDR=address)
                assert response.status_code == 200
            items.append(Item(marker, escaped(ATTACK, times - 1)))
    return items


def _officer_items(programme):
    """What an officer types is text: it reads back exactly as typed."""
    section = section_for(
        programme["countries"]["XK"], Locale.objects.get(language_code="sq")
    )
    items = []
    for times in (0, 1, 2, 3):
        item = Item(f"Kofficer{times}", escaped(ATTACK, times) + QUOTED, False)
        page = section.add_child(
            instance=NewsPage(
                title=item.title,
                slug=item.marker.lower(),
                date=timezone.localdate(),
                lead=item.lead,
                body=[("paragraph", RichText(f"<p>{html.escape(item.body)}</p>"))],
            )
        )
        page.save_revision().publish()
        items.append(item)
    return items


def _event(programme):
    section = section_for(
        programme["countries"]["XK"],
        Locale.objects.get(language_code="sq"),
        key="events",
    )
    item = Item("Kevent", escaped(ATTACK, 1) + QUOTED, False)
    start = timezone.now() + datetime.timedelta(days=3)
    page = section.add_child(
        instance=EventPage(
            title=item.title,
            slug="kevent",
            event_type=EventPage.EventType.TRAINING,
            start=start,
            end=start + datetime.timedelta(hours=2),
            venue=f"Salla {ATTACK}",
            city="Prishtinë",
            description=[("paragraph", RichText(f"<p>{html.escape(item.body)}</p>"))],
        )
    )
    page.save_revision().publish()
    return item, page


def _build_marked(programme):
    items = _feed_items(programme) + _submitted_items(Client())
    for page in NewsPage.objects.filter(live=False):
        page.get_latest_revision().publish()
    items += _officer_items(programme)
    event, event_page = _event(programme)
    return {"news": items, "event": event, "event_page": event_page}


_marked = shared_in_module(_build_marked, "_shared_programme")


@pytest.fixture
def marked(_marked, programme):
    return _marked


def assert_text(value, expected, item):
    """``value`` (a text field, not HTML) reads ``expected``; from outside it
    is no markup either."""
    assert visible(value) == expected, item.marker
    if item.outside:
        assert read_as_html(value)[0] == [], item.marker


def assert_html(value, expected, where, allowed=("p",)):
    """``value`` (HTML) shows ``expected`` and holds only ``allowed`` tags."""
    tags, words = read_as_html(value)
    assert set(tags) <= set(allowed), (where, tags)
    assert expected in visible(words), where


def test_api_json_carries_text_and_sanitised_html(client, marked):
    listing = client.get("/api/v3/news/?locale=sq&limit=50").json()["items"]
    by_marker = {item["title"].split()[0]: item for item in listing}
    for item in marked["news"]:
        row = by_marker[item.marker]
        assert_text(row["title"], item.title, item)
        assert_text(row["lead"], item.lead, item)
        detail = client.get(f"/api/v3/news/{row['id']}/").json()
        paragraphs = [b["html"] for b in detail["body"] if b["type"] == "paragraph"]
        assert_html("".join(paragraphs), item.body, item.marker)
    event = marked["event"]
    detail = client.get(f"/api/v3/events/{marked['event_page'].pk}/").json()
    assert_text(detail["title"], event.title, event)
    assert_text(detail["venue"], f"Salla {ATTACK}", event)
    assert_html(detail["description"][0]["html"], event.body, "event")


def test_rss_and_atom_declare_html_only_for_escaped_text(client, marked):
    rss = ET.fromstring(client.get("/feeds/news/sq.rss").content)  # noqa: S314
    rows = {i.findtext("title").split()[0]: i for i in rss.iter("item")}
    atom = ET.fromstring(client.get("/feeds/news/sq.atom").content)  # noqa: S314
    entries = {
        e.findtext("a:title", namespaces=ATOM).split()[0]: e
        for e in atom.findall("a:entry", ATOM)
    }
    for item in marked["news"]:
        row = rows[item.marker]
        assert_text(row.findtext("title"), item.title, item)
        description = row.findtext("description")
        assert read_as_html(description)[0] == [], item.marker
        assert visible(html.unescape(description)) == item.lead, item.marker
        entry = entries[item.marker]
        assert_text(entry.findtext("a:title", namespaces=ATOM), item.title, item)
        summary = entry.find("a:summary", ATOM)
        assert summary.get("type") == "html"
        assert read_as_html(summary.text)[0] == [], item.marker
        assert visible(html.unescape(summary.text)) == item.lead, item.marker


def test_ical_carries_the_text_as_typed(client, marked):
    body = client.get(f"/calendar/event/{marked['event_page'].pk}.ics").content
    event = icalendar.Calendar.from_ical(body).events[0]
    assert visible(str(event["SUMMARY"])) == marked["event"].title
    assert visible(str(event["LOCATION"])) == f"Salla {ATTACK}, Prishtinë"
    assert marked["event"].body in visible(str(event["DESCRIPTION"]))


def test_newsletter_html_and_text_parts(programme, marked):
    featured = NewsPage.objects.get(slug="kofficer1")
    section = section_for(
        programme["countries"]["XK"],
        Locale.objects.get(language_code="sq"),
        key="newsletters",
    )
    page = section.add_child(
        instance=NewsletterPage(
            title=f"Buletini {ATTACK}",
            slug="buletini",
            subject=f"Buletini {ATTACK}",
            preheader=f"Para {ATTACK}{QUOTED}",
            body=json.dumps(
                [
                    {
                        "type": "featured_news",
                        "value": {"page": featured.pk, "show_image": False},
                    },
                    {
                        "type": "news_digest",
                        "value": {
                            "heading": f"Lajme {ATTACK}",
                            "max_items": 30,
                            "since": "2000-01-01",
                        },
                    },
                    {
                        "type": "upcoming_events",
                        "value": {"heading": "", "days": 30, "max_items": 5},
                    },
                    {"type": "note", "value": {"text": f"Shënim {ATTACK}{QUOTED}"}},
                ]
            ),
        )
    )
    edition = render_edition(Page.objects.get(pk=page.pk).specific)
    tags, words = read_as_html(edition.html)
    assert "img" not in tags and "script" not in tags
    assert "onmouseover" not in attribute_names(edition.html)
    words = visible(words)
    text = visible(edition.text)
    assert visible(edition.subject) == f"Buletini {ATTACK}"
    for expected in (f"Shënim {ATTACK}{QUOTED}", f"Lajme {ATTACK}"):
        assert expected in words and expected in text, expected
    for item in marked["news"]:
        for expected in (item.title, item.lead):
            assert expected in words, (item.marker, expected)
            assert expected in text, (item.marker, expected)
    assert marked["event"].title in words and marked["event"].title in text


def test_search_snippets_are_escaped_text_with_marks(client, marked):
    for item in marked["news"]:
        results = client.get(
            "/api/v3/search/", {"q": item.marker, "locale": "sq"}
        ).json()["results"]
        hit = next(r for r in results if r["title"].split()[0] == item.marker)
        assert_text(hit["title"], item.title, item)
        tags, words = read_as_html(hit["snippet"])
        assert set(tags) <= {"mark"}, (item.marker, tags)
        assert item.marker in visible(words)
        assert item.shown.split()[0] in visible(words) or "…" in words

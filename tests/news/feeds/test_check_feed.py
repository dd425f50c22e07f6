"""``manage.py check_feed`` shows what a feed would import and stores nothing;
NEWS_FEED_ALLOWED_NETWORKS admits intranet feeds and nothing more."""

import io
import ipaddress
import json
from pathlib import Path

import feedparser
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from news.feeds import fetching
from news.feeds.errors import message
from news.models import Country, FeedState, NewsPage, Organisation
from tests.news.feeds.support import GOOD_FEED, FeedServer

CORPUS = Path(__file__).parent / "corpus"
REFUSED = {"billion_laughs.xml", "external_entity.xml", "external_entity_utf16.xml"}

pytestmark = pytest.mark.django_db


def check_feed(*sources):
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("check_feed", *sources, stdout=out)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def server(settings):
    settings.NEWS_FEED_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    server = FeedServer()
    yield server
    server.stop()


def test_a_url_and_a_file_give_one_json_line_each(server):
    url = server.serve("/feed", GOOD_FEED)
    wordpress = str(CORPUS / "wordpress_rss2.xml")

    first, second = check_feed(url, wordpress)

    assert first["source"] == url and first["ok"] and first["error"] == ""
    assert [e["title"] for e in first["entries"]] == [
        "Volunteers plant trees",
        "Youth council meets",
    ]
    assert first["entries"][0]["link"] == "https://cso.example.org/1"
    assert first["entries"][0]["language"] == "en"
    (entry,) = second["entries"]
    assert entry["date"] == "2026-11-02T09:30:00+00:00"
    assert entry["language"] == "sq"
    assert entry["body"].startswith('<p data-block-key="')
    assert "Rreshti i parë<br/>rreshti i dytë" in entry["body"]


def test_refusals_are_errors_not_crashes(server, settings):
    settings.NEWS_FEED_ALLOWED_NETWORKS = []
    results = check_feed(
        str(CORPUS / "billion_laughs.xml"),
        "/no/such/file.xml",
        server.url("/feed"),
        "ftp://example.org/feed",
    )
    assert [r["ok"] for r in results] == [False] * 4
    assert [r["code"] for r in results] == [
        "dtd_refused",
        "not_a_source",
        "address_refused",
        "not_a_source",
    ]
    assert "DTD" in results[0]["error"]
    assert "nor a file" in results[1]["error"]
    assert "loopback" in results[2]["error"]
    assert "nor a file" in results[3]["error"]
    assert all(r["entries"] == [] for r in results)


def test_every_feed_feedparser_reads_gives_the_same_entries():
    for path in sorted(CORPUS.iterdir()):
        (result,) = check_feed(str(path))
        if path.name in REFUSED:
            assert not result["ok"]
            continue
        parsed = feedparser.parse(io.BytesIO(path.read_bytes()))
        assert result["ok"], (path.name, result["error"])
        assert len(result["entries"]) == len(parsed.entries), path.name


def test_allowed_networks_admit_their_private_addresses_only(settings):
    settings.NEWS_FEED_ALLOWED_NETWORKS = ["10.20.0.0/16", "fd12::/16"]
    allowed = fetching.allowed_networks()

    def reason(address):
        return fetching.forbidden_reason(ipaddress.ip_address(address), allowed)

    assert reason("10.20.3.4") is None
    assert reason("fd12::1") is None
    assert reason("10.21.0.1") == message("private_address")
    assert reason("127.0.0.1") == message("loopback_address")


def test_metadata_address_stays_refused_inside_an_allowed_network(settings):
    settings.NEWS_FEED_ALLOWED_NETWORKS = ["169.254.0.0/16"]

    assert fetching.forbidden_reason(
        ipaddress.ip_address("169.254.169.254"), fetching.allowed_networks()
    ) == message("metadata_address")


def test_feed_status_offers_a_test_that_imports_nothing(server, admin_client):
    en = Locale.objects.get(language_code="en")
    country = Country.objects.create(
        iso_code="AL", name="Albania", languages=["sq"], locale=en
    )
    organisation = Organisation.objects.create(
        name="Test CSO",
        kind=Organisation.Kind.CSO,
        country=country,
        feed_url=server.serve("/feed", GOOD_FEED),
        locale=en,
    )
    state = FeedState.objects.create(organisation=organisation)
    listing = admin_client.get("/admin/snippets/news/feedstate/")
    test_url = f"/admin/snippets/news/feedstate/test/{state.pk}/"
    assert test_url in listing.content.decode()
    inspect = admin_client.get(f"/admin/snippets/news/feedstate/inspect/{state.pk}/")
    assert test_url in inspect.content.decode()

    response = admin_client.get(test_url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Volunteers plant trees" in page and "Youth council meets" in page
    assert not NewsPage.objects.exists()
    state.refresh_from_db()
    assert state.last_checked_at is None and state.items_imported == 0

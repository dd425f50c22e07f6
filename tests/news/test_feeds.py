"""CSO feeds become drafts under review, once each; hostile feeds get nothing.

Feeds are served by a real HTTP server on 127.0.0.1 started per test. Tests
of the SSRF guard with private hosts refused use a pretend internet: a fake
DNS maps test host names to addresses, and one public address is routed to
the local server, so the guard itself runs unchanged.
"""

import contextlib
import datetime
import gzip
import ipaddress
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import transaction
from wagtail.models import Locale

from cms.celery import app as celery_app
from news import feeds
from news.feed_admin import FeedStateViewSet
from news.models import Country, FeedItem, FeedState, NewsPage, Organisation
from news.structure import ensure_sections
from news.tasks import poll_feed, poll_feeds
from news.teams import ensure_country_teams

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "feed_samples"
PUBLIC_IP = ipaddress.ip_address("93.184.215.14")


# A local feed server


class FeedServer:
    """Routes: path -> (status, headers, body) or a callable(handler)."""

    def __init__(self, tls=None):
        self.routes = {}
        self.requests = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.feed_server = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def serve(self, path, body=b"", status=200, headers=None):
        self.routes[path] = (status, headers or {}, body)
        return self.url(path)

    def paths(self):
        return [path for path, _headers in self.requests]

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server.feed_server
        server.requests.append((self.path, dict(self.headers)))
        route = server.routes.get(self.path, (404, {}, b"not here"))
        if callable(route):
            # The client may hang up, as it should on a hostile feed.
            with contextlib.suppress(OSError):
                route(self)
            return
        status, headers, body = route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def feed_server(settings):
    settings.NEWS_FEED_ALLOWED_NETWORKS = ["127.0.0.0/8", "169.254.0.0/16"]
    # These tests are about reading feeds, not the first poll's limits
    # (tests/news/feeds/test_first_poll.py).
    settings.NEWS_FEED_FIRST_POLL_DAYS = 36500
    settings.NEWS_FEED_FIRST_POLL_ITEMS = 1000
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture
def public_internet(feed_server, settings, monkeypatch):
    """Private hosts refused (the default); ``dns`` maps names to addresses and
    PUBLIC_IP routes to the local server. Records lookups and connections."""
    settings.NEWS_FEED_ALLOWED_NETWORKS = []
    net = type("Net", (), {})()
    net.dns = {"cso.example": [PUBLIC_IP]}
    net.lookups = []
    net.connections = []
    real_resolve = feeds.resolve

    def resolve(host, port):
        net.lookups.append(host)
        answer = net.dns.get(host)
        if callable(answer):
            return answer()
        if answer is not None:
            return list(answer)
        return real_resolve(host, port)

    net.route_port = feed_server.port

    def open_socket(address, port, timeout):
        net.connections.append(address)
        if address == PUBLIC_IP:
            return socket.create_connection(
                ("127.0.0.1", net.route_port), timeout=timeout
            )
        raise ConnectionRefusedError("only the pretend public address routes")

    monkeypatch.setattr(feeds, "resolve", resolve)
    monkeypatch.setattr(feeds, "open_socket", open_socket)
    return net


# Countries, sections, review workflows, organisations


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Three countries with sections in every locale and review workflows.

    Built once for the module inside a transaction that is rolled back at its
    end; each test runs in a savepoint within it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            en = Locale.objects.get(language_code="en")
            countries = {
                iso: Country.objects.create(
                    iso_code=iso, name=name, languages=languages, locale=en
                )
                for iso, name, languages in (
                    ("AL", "Albania", ["sq", "en"]),
                    ("RS", "Serbia", ["sr", "sr-latn", "en"]),
                    ("TR", "Turkey", ["tr", "en"]),
                )
            }
            ensure_sections()
            ensure_country_teams()
            yield countries
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def organisation(world, iso, feed_url, name=None):
    return Organisation.objects.create(
        name=name or f"CSO of {iso}",
        kind=Organisation.Kind.CSO,
        country=world[iso],
        feed_url=feed_url,
        locale=Locale.objects.get(language_code="en"),
    )


def rss(items, language="en"):
    """RSS 2.0 bytes; items are (guid, title, link, date) tuples."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
        f"<title>Test</title><language>{language}</language>",
    ]
    for guid, title, link, date in items:
        parts.append("<item>")
        if guid:
            parts.append(f"<guid>{guid}</guid>")
        if link:
            parts.append(f"<link>{link}</link>")
        if date:
            parts.append(f"<pubDate>{date}</pubDate>")
        parts.append(f"<title>{title}</title><description>About {title}.</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


GOOD_FEED = rss(
    [
        ("g-1", "Volunteers plant trees", "https://cso.example.org/1", ""),
        ("g-2", "Youth council meets", "https://cso.example.org/2", ""),
    ]
)


def sample(name):
    return (SAMPLES / name).read_bytes()


def body_html(page):
    return " ".join(str(block["value"]) for block in page.body.raw_data)


def state_of(org):
    return FeedState.objects.get(organisation=org)


def assert_failed_without_import(org, *words):
    state = state_of(org)
    assert state.consecutive_failures >= 1
    assert state.last_error_at is not None
    assert state.last_success_at is None
    assert not NewsPage.objects.filter(organisation=org).exists()
    assert not FeedItem.objects.filter(organisation=org).exists()
    error = state.last_error
    assert 0 < len(error) <= 300 and "\n" not in error and "Traceback" not in error
    for word in words:
        assert word.lower() in error.lower(), error
    return error


# Formats and languages


def test_rss2_items_in_serbian_cyrillic_become_drafts_under_review(world, feed_server):
    url = feed_server.serve("/feed", sample("rss2_serbian.xml"))
    org = organisation(world, "RS", url)

    result = poll_feed.apply(args=[org.pk]).get()

    assert result == {
        "organisation": org.pk,
        "status": "imported",
        "imported": 2,
        "error": "",
    }
    page = NewsPage.objects.get(
        source_url="https://gradjanske.example.org/vesti/platforma-nis"
    )
    assert page.title == "Удружења грађана у Нишу покрећу заједничку платформу"
    assert page.lead == "Тридесет организација из Ниша договорило је заједнички наступ."
    assert "<b>Ниша</b>" in body_html(page)
    assert "Ђорђе Јовановић: „Шта год да се деси, настављамо.“" in body_html(page)
    assert page.locale.language_code == "sr"
    assert (
        page.get_parent().specific.country.translation_key
        == world["RS"].translation_key
    )
    assert page.country.iso_code == "RS"
    assert page.date == datetime.date(2026, 11, 1)
    assert page.provenance == NewsPage.Provenance.FEED
    assert page.organisation == org
    assert not page.live
    assert page.workflow_in_progress
    state = state_of(org)
    assert state.items_imported == 2
    assert state.last_success_at is not None
    assert state.consecutive_failures == 0
    assert state.last_error == ""


def test_atom_entries_in_turkish_keep_every_letter(world, feed_server):
    url = feed_server.serve("/atom", sample("atom_turkish.xml"))
    org = organisation(world, "TR", url)

    feeds.poll_organisation(org.pk)

    first = NewsPage.objects.get(title__startswith="İzmir")
    assert first.title == "İzmir'de gönüllülük buluşması: ılık bir sonbahar günü"
    assert first.lead == "Ağ üyeleri İzmir'de buluştu; şeffaflık ve katılım konuşuldu."
    assert "Iğdır, Muş ve Şırnak'tan" in body_html(first)
    assert first.locale.language_code == "tr"
    # A relative link is taken relative to the feed.
    assert first.source_url == feed_server.url("/haberler/izmir-gonulluluk")
    assert first.date == datetime.date(2026, 11, 2)
    second = NewsPage.objects.get(source_url__endswith="/dijital-guvenlik")
    assert second.title == "Derneklere dijital güvenlik eğitimi"
    assert "<b>üç gün</b>" in body_html(second)
    assert second.workflow_in_progress and not second.live


def test_rss1_items_in_albanian_keep_every_letter(world, feed_server):
    url = feed_server.serve("/rdf", sample("rss1_albanian.xml"))
    org = organisation(world, "AL", url)

    feeds.poll_organisation(org.pk)

    page = NewsPage.objects.get(organisation=org)
    assert page.title == "Forumi i shoqërisë civile në Korçë çel dyert"
    assert "çështjet e rinisë" in page.lead
    assert page.locale.language_code == "sq"
    assert page.source_url == "https://partnere.example.al/lajme/forum-korce"
    assert page.date == datetime.date(2026, 10, 15)
    assert page.workflow_in_progress and not page.live


def test_feed_in_a_legacy_encoding_is_decoded(world, feed_server):
    text = (
        '<?xml version="1.0" encoding="windows-1250"?><rss version="2.0"><channel>'
        "<language>bs-BA</language><item><guid>bs-1</guid>"
        "<title>Čačak, Šabac, Žabalj i Đakovica: ćevapi za volontere</title>"
        "<description>Uključeno 40 udruženja.</description></item></channel></rss>"
    )
    url = feed_server.serve("/cp1250", text.encode("cp1250"))
    org = organisation(world, "RS", url)

    feeds.poll_organisation(org.pk)

    page = NewsPage.objects.get(organisation=org)
    assert page.title == "Čačak, Šabac, Žabalj i Đakovica: ćevapi za volontere"
    assert page.locale.language_code == "bs"


@pytest.mark.parametrize(
    ("declared", "text", "fallback", "expected"),
    [
        ("sr-Latn", "", "", "sr-latn"),
        ("sr-Latn-RS", "", "", "sr-latn"),
        ("sr-Cyrl-BA", "", "", "sr"),
        ("sr-RS", "Удружења грађана", "", "sr"),
        ("sr-RS", "Udruženja građana", "", "sr-latn"),
        ("tr-TR", "", "", "tr"),
        ("en-US", "", "tr", "en"),
        ("sq_AL", "", "", "sq"),
        ("MK-mk", "", "", "mk"),
        ("cnr", "", "", "cnr"),
        ("bs", "", "", "bs"),
        ("de-DE", "", "tr", "tr"),
        ("", "", "sq", "sq"),
        ("", "", "", "en"),
        ("xx", "", "nonsense", "en"),
    ],
)
def test_declared_language_maps_to_a_content_language(
    declared, text, fallback, expected
):
    assert feeds.content_language(declared, text, fallback) == expected


def test_feed_without_a_language_is_filed_in_the_countrys_main_language(
    world, feed_server
):
    feed = GOOD_FEED.replace(b"<language>en</language>", b"")
    org = organisation(world, "TR", feed_server.serve("/nolang", feed))

    feeds.poll_organisation(org.pk)

    locales = set(
        NewsPage.objects.filter(organisation=org).values_list(
            "locale__language_code", flat=True
        )
    )
    assert locales == {"tr"}


def test_feed_in_a_language_we_do_not_publish_goes_to_the_main_language(
    world, feed_server
):
    feed = GOOD_FEED.replace(b"<language>en</language>", b"<language>de-AT</language>")
    org = organisation(world, "AL", feed_server.serve("/de", feed))

    feeds.poll_organisation(org.pk)

    assert set(
        NewsPage.objects.filter(organisation=org).values_list(
            "locale__language_code", flat=True
        )
    ) == {"sq"}


# Once each, and no more than asked


def test_second_poll_imports_nothing_new(world, feed_server):
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))

    first = feeds.poll_organisation(org.pk)
    second = feeds.poll_organisation(org.pk)

    assert (first.imported, second.imported) == (2, 0)
    assert NewsPage.objects.filter(organisation=org).count() == 2
    assert state_of(org).items_imported == 2
    assert len(feed_server.requests) == 2


def test_entries_without_guid_are_recognised_by_their_link(world, feed_server):
    items = [
        ("", "First", "https://cso.example.org/a", ""),
        ("", "Second", "https://cso.example.org/b", ""),
    ]
    url = feed_server.serve("/feed", rss(items))
    org = organisation(world, "AL", url)
    feeds.poll_organisation(org.pk)

    # The title changes, the link does not: still the same entry.
    feed_server.serve(
        "/feed", rss([("", "First (updated)", items[0][2], ""), items[1]])
    )
    feeds.poll_organisation(org.pk)

    assert NewsPage.objects.filter(organisation=org).count() == 2
    assert FeedItem.objects.get(guid="https://cso.example.org/a").page.title == "First"


def test_entries_without_guid_sharing_one_link_are_each_imported_once(
    world, feed_server
):
    items = [
        ("", "Call for grants", "https://cso.example.org/news", ""),
        ("", "Training in Tirana", "https://cso.example.org/news", ""),
    ]
    org = organisation(world, "AL", feed_server.serve("/feed", rss(items)))

    first = feeds.poll_organisation(org.pk)
    second = feeds.poll_organisation(org.pk)

    assert (first.imported, second.imported) == (2, 0)
    assert set(
        NewsPage.objects.filter(organisation=org).values_list("title", flat=True)
    ) == {"Call for grants", "Training in Tirana"}


def test_a_draft_deleted_by_an_editor_is_not_imported_again(world, feed_server):
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))
    feeds.poll_organisation(org.pk)
    NewsPage.objects.get(source_url="https://cso.example.org/1").delete()

    feeds.poll_organisation(org.pk)

    assert list(
        NewsPage.objects.filter(organisation=org).values_list("source_url", flat=True)
    ) == ["https://cso.example.org/2"]


def test_at_most_the_configured_number_of_items_per_poll_newest_first(
    world, feed_server, settings
):
    settings.NEWS_FEED_MAX_ITEMS_PER_POLL = 3
    items = [
        (f"n-{day}", f"Day {day}", "", f"Mon, {day:02d} Nov 2026 10:00:00 GMT")
        for day in (3, 1, 5, 2, 4)
    ]
    org = organisation(world, "AL", feed_server.serve("/feed", rss(items)))

    first = feeds.poll_organisation(org.pk)
    titles = set(NewsPage.objects.values_list("title", flat=True))
    second = feeds.poll_organisation(org.pk)

    assert first.imported == 3
    assert titles == {"Day 5", "Day 4", "Day 3"}
    assert second.imported == 2
    assert NewsPage.objects.filter(organisation=org).count() == 5


# Conditional GET


def test_unchanged_feed_answers_304_and_counts_as_success(world, feed_server):
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", '"v1"')
        handler.send_header("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
        handler.send_header("Content-Length", str(len(GOOD_FEED)))
        handler.end_headers()
        handler.wfile.write(GOOD_FEED)

    feed_server.routes["/feed"] = conditional
    org = organisation(world, "AL", feed_server.url("/feed"))
    feeds.poll_organisation(org.pk)
    FeedState.objects.filter(organisation=org).update(
        consecutive_failures=3, last_success_at=None
    )

    result = feeds.poll_organisation(org.pk)

    assert result.status == "not_modified"
    _path, headers = feed_server.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Mon, 02 Nov 2026 10:00:00 GMT"
    state = state_of(org)
    assert state.last_success_at is not None
    assert state.consecutive_failures == 0
    assert state.items_imported == 2
    assert state.etag == '"v1"'
    assert NewsPage.objects.filter(organisation=org).count() == 2


# Hostile content


def test_scripts_handlers_and_javascript_links_are_stripped(world, feed_server):
    org = organisation(world, "AL", feed_server.serve("/feed", sample("xss_rss2.xml")))

    feeds.poll_organisation(org.pk)

    page = NewsPage.objects.get(organisation=org)
    stored = " ".join([page.title, page.lead, page.source_url, body_html(page)])
    for bad in (
        "<script",
        "javascript:",
        "onerror",
        "onclick",
        "onmouseover",
        "<iframe",
        "<style",
        "<img",
        "alert(",
        "document.cookie",
    ):
        assert bad not in stored.lower(), bad
    assert page.title == "Open call for small grants"
    assert page.lead == "Apply by the end of the month."
    assert page.source_url == ""
    assert 'href="https://grants.example.org/apply"' in body_html(page)
    assert not page.live and page.workflow_in_progress


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_expansion_and_external_entities_are_refused(world, feed_server, name):
    org = organisation(world, "AL", feed_server.serve("/feed", sample(name)))

    started = time.monotonic()
    result = poll_feed.apply(args=[org.pk])

    assert result.successful()
    assert time.monotonic() - started < 5
    error = assert_failed_without_import(org, "DTD")
    assert "root:" not in error


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"", 200, ["empty"]),
        (b" \n ", 200, ["empty"]),
        (b'{"items": []}', 200, ["not an RSS"]),
        (b"<html><body><p>Not a feed</p></body></html>", 200, ["not an RSS"]),
        (b"gone", 404, ["HTTP 404"]),
        (b"oops", 500, ["HTTP 500"]),
    ],
)
def test_broken_feed_is_recorded_and_imports_nothing(
    world, feed_server, body, status, words
):
    org = organisation(world, "AL", feed_server.serve("/feed", body, status=status))

    result = poll_feed.apply(args=[org.pk])

    assert result.successful()
    assert result.result["status"] == "failed"
    assert_failed_without_import(org, *words)


def test_entry_without_id_link_or_title_is_a_problem_not_a_failure(world, feed_server):
    body = b"<rss><channel><item><title>x</channel></rss>"
    org = organisation(world, "AL", feed_server.serve("/feed", body))

    result = feeds.poll_organisation(org.pk)

    assert (result.status, result.imported) == ("imported", 0)
    state = state_of(org)
    assert state.consecutive_failures == 0
    assert state.last_error == (
        "1 entry could not be imported: an entry without id, link or title"
    )


def test_unreachable_server_is_recorded(world, feed_server):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    org = organisation(world, "AL", f"http://127.0.0.1:{port}/feed")

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "refused")


def test_failures_are_counted_until_the_feed_works_again(world, feed_server):
    url = feed_server.serve("/feed", b"<html>", status=200)
    org = organisation(world, "AL", url)
    feeds.poll_organisation(org.pk)
    feeds.poll_organisation(org.pk)
    assert state_of(org).consecutive_failures == 2

    feed_server.serve("/feed", GOOD_FEED)
    feeds.poll_organisation(org.pk)

    state = state_of(org)
    assert state.consecutive_failures == 0
    assert state.last_success_at > state.last_error_at
    assert state.items_imported == 2


def test_unexpected_error_is_recorded_without_a_traceback(
    world, feed_server, monkeypatch
):
    def explode(body, base_url="", headers=None):
        raise KeyError("Traceback (most recent call last):\n  secret internals")

    monkeypatch.setattr(feeds, "parse", explode)
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))

    result = poll_feed.apply(args=[org.pk])

    assert result.successful()
    error = assert_failed_without_import(org)
    assert error == "Unexpected error while reading the feed (KeyError)."


def test_one_entry_that_fails_does_not_lose_the_others(world, feed_server, monkeypatch):
    real = feeds.create_draft_news

    def fussy(**kwargs):
        if kwargs["title"] == "Youth council meets":
            raise ValueError("no")
        return real(**kwargs)

    monkeypatch.setattr(feeds, "create_draft_news", fussy)
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))

    result = feeds.poll_organisation(org.pk)

    assert result.imported == 1
    assert list(NewsPage.objects.values_list("title", flat=True)) == [
        "Volunteers plant trees"
    ]
    # The failed entry is not remembered, so the next poll tries it again.
    assert FeedItem.objects.count() == 1
    state = state_of(org)
    assert state.last_error == (
        "1 entry could not be imported: 'Youth council meets' (ValueError)"
    )
    assert state.consecutive_failures == 0


# Size and time caps


def test_huge_feed_is_refused(world, feed_server, settings):
    settings.NEWS_FEED_MAX_BYTES = 64 * 1024
    padding = b"<item><title>x</title><guid>x</guid></item>" * 5000
    body = GOOD_FEED.replace(b"</channel>", padding + b"</channel>")
    org = organisation(world, "AL", feed_server.serve("/feed", body))

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "larger than")


def test_huge_feed_without_a_length_is_cut_off_while_streaming(
    world, feed_server, settings
):
    settings.NEWS_FEED_MAX_BYTES = 64 * 1024
    sent = []

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b'<rss version="2.0"><channel>')
        for _ in range(10_000):  # 80 MB if nobody stops reading
            handler.wfile.write(b"<!-- padding -->" * 512)
            sent.append(1)

    feed_server.routes["/feed"] = endless
    org = organisation(world, "AL", feed_server.url("/feed"))

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "larger than")
    assert len(sent) < 1000


def test_compressed_bomb_is_refused(world, feed_server, settings):
    settings.NEWS_FEED_MAX_BYTES = 64 * 1024
    bomb = gzip.compress(b"<rss>" + b" " * (20 * 1024 * 1024))
    assert len(bomb) < settings.NEWS_FEED_MAX_BYTES
    url = feed_server.serve("/feed", bomb, headers={"Content-Encoding": "gzip"})
    org = organisation(world, "AL", url)

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "larger than")


def test_gzipped_feed_is_read(world, feed_server):
    url = feed_server.serve(
        "/feed", gzip.compress(GOOD_FEED), headers={"Content-Encoding": "gzip"}
    )
    org = organisation(world, "AL", url)

    assert feeds.poll_organisation(org.pk).imported == 2


def _trickle_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(GOOD_FEED)))
    handler.end_headers()
    for byte in GOOD_FEED:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


def _trickle_headers(handler):
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


@pytest.mark.parametrize("trickle", [_trickle_body, _trickle_headers])
def test_server_that_trickles_bytes_is_cut_off_at_the_time_cap(
    world, feed_server, settings, trickle
):
    settings.NEWS_FEED_TIMEOUT_SECONDS = 1
    feed_server.routes["/feed"] = trickle
    org = organisation(world, "AL", feed_server.url("/feed"))

    started = time.monotonic()
    feeds.poll_organisation(org.pk)
    elapsed = time.monotonic() - started

    assert elapsed < 2.5
    assert_failed_without_import(org, "longer than 1 seconds")


# SSRF guard


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("http://127.0.0.1:{port}/feed", ["loopback"]),
        ("http://localhost:{port}/feed", ["loopback"]),
        ("http://2130706433:{port}/feed", ["loopback"]),
        ("http://[::1]:{port}/feed", ["loopback"]),
        ("http://[::ffff:127.0.0.1]:{port}/feed", ["loopback"]),
        ("http://10.0.0.1/feed", ["private"]),
        ("http://192.168.1.1/feed", ["private"]),
        ("http://[fc00::1]/feed", ["private"]),
        ("http://[fe80::1]/feed", ["link-local"]),
        ("http://169.254.169.254/latest/meta-data/", ["metadata"]),
        ("http://[fd00:ec2::254]/latest/meta-data/", ["metadata"]),
        ("http://0.0.0.0:{port}/feed", ["unspecified"]),
        ("http://224.0.0.1/feed", ["multicast"]),
        ("file:///etc/passwd", ["only http and https"]),
        ("ftp://ftp.example.org/feed.xml", ["only http and https"]),
        ("gopher://127.0.0.1:{port}/feed", ["only http and https"]),
    ],
)
def test_private_and_non_http_addresses_are_refused_by_default(
    world, feed_server, settings, template, words
):
    settings.NEWS_FEED_ALLOWED_NETWORKS = []
    feed_server.serve("/feed", GOOD_FEED)
    org = organisation(world, "AL", template.format(port=feed_server.port))

    result = poll_feed.apply(args=[org.pk])

    assert result.successful()
    assert_failed_without_import(org, *words)
    assert feed_server.requests == []


def test_metadata_address_is_refused_even_when_private_hosts_are_allowed(
    world, feed_server
):
    org = organisation(world, "AL", "http://169.254.169.254/latest/meta-data/")

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "metadata")


def test_public_host_is_fetched_at_the_vetted_address_under_its_own_name(
    world, public_internet, feed_server
):
    feed_server.serve("/feed", GOOD_FEED)
    org = organisation(world, "AL", feed_server.url("/feed", host="cso.example"))

    assert feeds.poll_organisation(org.pk).imported == 2

    _path, headers = feed_server.requests[0]
    assert headers["Host"] == f"cso.example:{feed_server.port}"
    assert public_internet.connections == [PUBLIC_IP]


def test_dns_answer_is_not_looked_up_again_after_vetting(
    world, public_internet, feed_server
):
    """DNS rebinding: a second lookup would now give loopback."""
    answers = iter([[PUBLIC_IP]])
    public_internet.dns["rebind.example"] = lambda: next(
        answers, [ipaddress.ip_address("127.0.0.1")]
    )
    feed_server.serve("/feed", GOOD_FEED)
    org = organisation(world, "AL", feed_server.url("/feed", host="rebind.example"))

    assert feeds.poll_organisation(org.pk).imported == 2

    assert public_internet.lookups.count("rebind.example") == 1
    assert public_internet.connections == [PUBLIC_IP]


def test_host_with_any_private_address_is_refused(world, public_internet, feed_server):
    public_internet.dns["mixed.example"] = [
        PUBLIC_IP,
        ipaddress.ip_address("10.0.0.7"),
    ]
    feed_server.serve("/feed", GOOD_FEED)
    org = organisation(world, "AL", feed_server.url("/feed", host="mixed.example"))

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "private", "10.0.0.7")
    assert public_internet.connections == []


@pytest.fixture
def tls_server(public_internet, monkeypatch):
    """An HTTPS feed server for cso.example, certified by the tests' own CA
    (feed_samples/tls), reached at the pretend public address."""
    tls = SAMPLES / "tls"
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(tls / "server.pem", tls / "server.key")
    names = []
    server_context.sni_callback = lambda sock, name, context: names.append(name)
    server = FeedServer(tls=server_context)
    server.sni_names = names
    public_internet.route_port = server.port

    def trusting_test_ca():
        context = ssl.create_default_context(cafile=str(tls / "ca.pem"))
        return context

    monkeypatch.setattr(feeds, "tls_context", trusting_test_ca)
    yield server
    server.stop()


def test_https_feed_is_fetched_at_the_vetted_address_with_its_name_for_tls(
    world, public_internet, tls_server
):
    tls_server.serve("/feed", GOOD_FEED)
    org = organisation(
        world, "AL", f"https://cso.example:{tls_server.port}/feed", "Secure CSO"
    )

    assert feeds.poll_organisation(org.pk).imported == 2

    assert tls_server.sni_names == ["cso.example"]
    assert public_internet.connections == [PUBLIC_IP]
    _path, headers = tls_server.requests[0]
    assert headers["Host"] == f"cso.example:{tls_server.port}"


def test_https_certificate_for_another_name_is_refused(
    world, public_internet, tls_server
):
    public_internet.dns["impostor.example"] = [PUBLIC_IP]
    tls_server.serve("/feed", GOOD_FEED)
    org = organisation(world, "AL", f"https://impostor.example:{tls_server.port}/feed")

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "certificate", "impostor.example")
    assert tls_server.requests == []


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("http://127.0.0.1:{port}/good", ["loopback"]),
        ("http://10.0.0.1/good", ["private"]),
        ("http://169.254.169.254/latest/meta-data/", ["metadata"]),
        ("http://[::1]:{port}/good", ["loopback"]),
        ("http://[::ffff:127.0.0.1]:{port}/good", ["loopback"]),
        ("http://internal.example:{port}/good", ["private"]),
        ("file:///etc/passwd", ["only http and https"]),
    ],
)
def test_redirect_to_a_private_address_is_refused(
    world, public_internet, feed_server, target, words
):
    public_internet.dns["internal.example"] = [ipaddress.ip_address("10.1.2.3")]
    feed_server.serve("/good", GOOD_FEED)
    location = target.format(port=feed_server.port)
    feed_server.serve("/moved", status=302, headers={"Location": location})
    org = organisation(world, "AL", feed_server.url("/moved", host="cso.example"))

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, *words)
    assert feed_server.paths() == ["/moved"]
    assert public_internet.connections == [PUBLIC_IP]


def test_redirect_to_a_public_address_is_followed(world, public_internet, feed_server):
    feed_server.serve("/good", GOOD_FEED)
    feed_server.serve("/moved", status=301, headers={"Location": "/good"})
    org = organisation(world, "AL", feed_server.url("/moved", host="cso.example"))

    assert feeds.poll_organisation(org.pk).imported == 2
    assert feed_server.paths() == ["/moved", "/good"]


def test_redirect_loop_stops_at_the_limit(world, feed_server, settings):
    settings.NEWS_FEED_MAX_REDIRECTS = 3
    feed_server.serve("/loop", status=302, headers={"Location": "/loop"})
    org = organisation(world, "AL", feed_server.url("/loop"))

    feeds.poll_organisation(org.pk)

    assert_failed_without_import(org, "too many redirects")
    assert len(feed_server.requests) == 4


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "100.64.0.1",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
        "fd00:ec2::254",
        "ff02::1",
        "::",
    ],
)
def test_internal_addresses_are_not_public(address):
    assert feeds.forbidden_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:220:1::1"])
def test_public_addresses_are_allowed(address):
    assert feeds.forbidden_reason(ipaddress.ip_address(address)) is None


# Polling all feeds


def test_broken_feed_does_not_stop_the_others(
    world, feed_server, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    first = organisation(world, "AL", feed_server.serve("/a", GOOD_FEED), "First")
    first_sq = first.copy_for_translation(Locale.objects.get(language_code="sq"))
    first_sq.save()
    broken = organisation(
        world, "RS", feed_server.serve("/b", sample("xxe.xml")), "Broken"
    )
    hostile = organisation(
        world, "TR", "http://169.254.169.254/latest/meta-data/", "Hostile"
    )
    last = organisation(
        world, "TR", feed_server.serve("/c", sample("atom_turkish.xml"))
    )
    organisation(world, "TR", "", "No feed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        poll_feeds.apply()

    enqueued = [cb for cb in callbacks if cb.__qualname__.startswith("poll_feeds")]
    assert len(enqueued) == 4  # one per organisation with a feed, not per row
    assert sorted(feed_server.paths()) == ["/a", "/b", "/c"]
    assert NewsPage.objects.filter(organisation=first).count() == 2
    assert NewsPage.objects.filter(organisation__in=[last]).count() == 2
    assert state_of(broken).consecutive_failures == 1
    assert state_of(hostile).consecutive_failures == 1
    assert not FeedState.objects.filter(organisation=first_sq).exists()


# Admin


def test_nobody_adds_or_edits_a_feed_status_in_the_admin(django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "b@example.org", "x")
    policy = FeedStateViewSet().permission_policy

    assert not policy.user_has_permission(admin, "add")
    assert not policy.user_has_permission(admin, "change")
    assert policy.user_has_permission(admin, "delete")

"""Fixtures of the feed tests: the local feed server, a pretend public
internet for the SSRF guard, and a world of countries and sections.

Feeds are served by a real HTTP server on 127.0.0.1 started per test. Tests
of the SSRF guard with private hosts refused use a pretend internet: a fake
DNS maps test host names to addresses, and one public address is routed to
the local server, so the guard itself runs unchanged.
"""

import socket
from pathlib import Path

import pytest
from wagtail.models import Locale

from news.feeds import fetching
from news.models import Country
from news.structure import ensure_sections
from news.teams import ensure_country_teams
from tests.conftest import load_rows, shared_in_module, snapshot
from tests.news.feeds.support import PUBLIC_IP, FeedServer


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
    real_resolve = fetching.resolve

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

    monkeypatch.setattr(fetching, "resolve", resolve)
    monkeypatch.setattr(fetching, "open_socket", open_socket)
    return net


# Countries, sections, review workflows, organisations


COUNTRIES = (
    ("AL", "Albania", ["sq", "en"]),
    ("RS", "Serbia", ["sr", "sr-latn", "en"]),
    ("TR", "Turkey", ["tr", "en"]),
)


def _build_world():
    """Three countries with sections in every locale and review workflows."""
    en = Locale.objects.get(language_code="en")
    for iso, name, languages in COUNTRIES:
        Country.objects.create(iso_code=iso, name=name, languages=languages, locale=en)
    ensure_sections()
    ensure_country_teams()


def _load_world(rows):
    load_rows(rows)
    return {iso: Country.objects.get(iso_code=iso) for iso, _, _ in COUNTRIES}


# Built once per test process; loaded once per module, each test rolling back
# to it.
_world_rows = snapshot(_build_world)
world = shared_in_module(_load_world, "_world_rows")


# feedparser's fallback from ``updated`` to ``published`` warns, and will go:
# the feed code asks for the keys that exist, so the warning is an error here.
UPDATED_FALLBACK = (
    "error:To avoid breaking existing software while fixing issue 310"
    ":DeprecationWarning"
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.filterwarnings(UPDATED_FALLBACK))

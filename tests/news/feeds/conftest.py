"""Fixtures of the feed tests: the local feed server, a pretend public
internet for the SSRF guard, and a world of countries and sections.

Feeds are served by a real HTTP server on 127.0.0.1 started per test. Tests
of the SSRF guard with private hosts refused use a pretend internet: a fake
DNS maps test host names to addresses, and one public address is routed to
the local server, so the guard itself runs unchanged.
"""

import socket

import pytest
from django.db import transaction
from wagtail.models import Locale

from news.feeds import fetching
from news.models import Country
from news.structure import ensure_sections
from news.teams import ensure_country_teams
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

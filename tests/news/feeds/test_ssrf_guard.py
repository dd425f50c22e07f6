"""The SSRF guard: private, metadata and non-http addresses refused; the
vetted address connected to under the host's own name, TLS included;
redirects vetted again."""

import ipaddress
import ssl

import pytest

from news.feeds import fetching, polling
from news.tasks import poll_feed
from tests.news.feeds.support import (
    GOOD_FEED,
    PUBLIC_IP,
    SAMPLES,
    FeedServer,
    assert_failed_without_import,
    organisation,
)

pytestmark = pytest.mark.django_db


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

    polling.poll_organisation(org.pk)

    assert_failed_without_import(org, "metadata")


def test_public_host_is_fetched_at_the_vetted_address_under_its_own_name(
    world, public_internet, feed_server
):
    feed_server.serve("/feed", GOOD_FEED)
    org = organisation(world, "AL", feed_server.url("/feed", host="cso.example"))

    assert polling.poll_organisation(org.pk).imported == 2

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

    assert polling.poll_organisation(org.pk).imported == 2

    assert public_internet.lookups.count("rebind.example") == 1
    assert public_internet.connections == [PUBLIC_IP]


def test_host_with_any_private_address_is_refused(world, public_internet, feed_server):
    public_internet.dns["mixed.example"] = [
        PUBLIC_IP,
        ipaddress.ip_address("10.0.0.7"),
    ]
    feed_server.serve("/feed", GOOD_FEED)
    org = organisation(world, "AL", feed_server.url("/feed", host="mixed.example"))

    polling.poll_organisation(org.pk)

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

    monkeypatch.setattr(fetching, "tls_context", trusting_test_ca)
    yield server
    server.stop()


def test_https_feed_is_fetched_at_the_vetted_address_with_its_name_for_tls(
    world, public_internet, tls_server
):
    tls_server.serve("/feed", GOOD_FEED)
    org = organisation(
        world, "AL", f"https://cso.example:{tls_server.port}/feed", "Secure CSO"
    )

    assert polling.poll_organisation(org.pk).imported == 2

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

    polling.poll_organisation(org.pk)

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

    polling.poll_organisation(org.pk)

    assert_failed_without_import(org, *words)
    assert feed_server.paths() == ["/moved"]
    assert public_internet.connections == [PUBLIC_IP]


def test_redirect_to_a_public_address_is_followed(world, public_internet, feed_server):
    feed_server.serve("/good", GOOD_FEED)
    feed_server.serve("/moved", status=301, headers={"Location": "/good"})
    org = organisation(world, "AL", feed_server.url("/moved", host="cso.example"))

    assert polling.poll_organisation(org.pk).imported == 2
    assert feed_server.paths() == ["/moved", "/good"]


def test_redirect_loop_stops_at_the_limit(world, feed_server, settings):
    settings.NEWS_FEED_MAX_REDIRECTS = 3
    feed_server.serve("/loop", status=302, headers={"Location": "/loop"})
    org = organisation(world, "AL", feed_server.url("/loop"))

    polling.poll_organisation(org.pk)

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
    assert fetching.forbidden_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:220:1::1"])
def test_public_addresses_are_allowed(address):
    assert fetching.forbidden_reason(ipaddress.ip_address(address)) is None

"""Size and time caps: huge, compressed-bomb and trickling feeds are cut off."""

import gzip
import time

import pytest

from news.feeds import polling
from tests.news.feeds.support import (
    GOOD_FEED,
    assert_failed_without_import,
    organisation,
)

pytestmark = pytest.mark.django_db


def test_huge_feed_is_refused(world, feed_server, settings):
    settings.NEWS_FEED_MAX_BYTES = 64 * 1024
    padding = b"<item><title>x</title><guid>x</guid></item>" * 5000
    body = GOOD_FEED.replace(b"</channel>", padding + b"</channel>")
    org = organisation(world, "AL", feed_server.serve("/feed", body))

    polling.poll_organisation(org.pk)

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

    polling.poll_organisation(org.pk)

    assert_failed_without_import(org, "larger than")
    assert len(sent) < 1000


def test_compressed_bomb_is_refused(world, feed_server, settings):
    settings.NEWS_FEED_MAX_BYTES = 64 * 1024
    bomb = gzip.compress(b"<rss>" + b" " * (20 * 1024 * 1024))
    assert len(bomb) < settings.NEWS_FEED_MAX_BYTES
    url = feed_server.serve("/feed", bomb, headers={"Content-Encoding": "gzip"})
    org = organisation(world, "AL", url)

    polling.poll_organisation(org.pk)

    assert_failed_without_import(org, "larger than")


def test_gzipped_feed_is_read(world, feed_server):
    url = feed_server.serve(
        "/feed", gzip.compress(GOOD_FEED), headers={"Content-Encoding": "gzip"}
    )
    org = organisation(world, "AL", url)

    assert polling.poll_organisation(org.pk).imported == 2


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

    polling.poll_organisation(org.pk)

    # Cut off by the time cap: had it waited for the trickle (a minute at
    # least), the feed would have been read, or failed as malformed.
    assert_failed_without_import(org, "longer than 1 seconds")

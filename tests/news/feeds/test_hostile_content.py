"""Hostile or broken feeds: markup stripped, entity attacks refused, failures
recorded in short words and never losing the other entries."""

import socket
import time

import pytest

from news.feeds import polling
from news.models import FeedItem, NewsPage
from news.tasks import poll_feed
from tests.news.feeds.support import (
    GOOD_FEED,
    assert_failed_without_import,
    body_html,
    organisation,
    sample,
    state_of,
)

pytestmark = pytest.mark.django_db


def test_scripts_handlers_and_javascript_links_are_stripped(world, feed_server):
    org = organisation(world, "AL", feed_server.serve("/feed", sample("xss_rss2.xml")))

    polling.poll_organisation(org.pk)

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

    result = polling.poll_organisation(org.pk)

    assert (result.status, result.imported) == ("imported", 0)
    state = state_of(org)
    assert state.consecutive_failures == 0
    assert state.error_message == (
        "1 entry could not be imported: an entry without id, link or title"
    )


def test_unreachable_server_is_recorded(world, feed_server):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    org = organisation(world, "AL", f"http://127.0.0.1:{port}/feed")

    polling.poll_organisation(org.pk)

    assert_failed_without_import(org, "refused")


def test_failures_are_counted_until_the_feed_works_again(world, feed_server):
    url = feed_server.serve("/feed", b"<html>", status=200)
    org = organisation(world, "AL", url)
    polling.poll_organisation(org.pk)
    polling.poll_organisation(org.pk)
    assert state_of(org).consecutive_failures == 2

    feed_server.serve("/feed", GOOD_FEED)
    polling.poll_organisation(org.pk)

    state = state_of(org)
    assert state.consecutive_failures == 0
    assert state.last_success_at > state.last_error_at
    assert state.items_imported == 2


def test_unexpected_error_is_recorded_without_a_traceback(
    world, feed_server, monkeypatch
):
    def explode(body, base_url="", headers=None):
        raise KeyError("Traceback (most recent call last):\n  secret internals")

    monkeypatch.setattr(polling, "parse", explode)
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))

    result = poll_feed.apply(args=[org.pk])

    assert result.successful()
    error = assert_failed_without_import(org)
    assert error == "Unexpected error while reading the feed (KeyError)."


def test_one_entry_that_fails_does_not_lose_the_others(world, feed_server, monkeypatch):
    real = polling.create_draft_news

    def fussy(**kwargs):
        if kwargs["title"] == "Youth council meets":
            raise ValueError("no")
        return real(**kwargs)

    monkeypatch.setattr(polling, "create_draft_news", fussy)
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))

    result = polling.poll_organisation(org.pk)

    assert result.imported == 1
    assert list(NewsPage.objects.values_list("title", flat=True)) == [
        "Volunteers plant trees"
    ]
    # The failed entry is not remembered, so the next poll tries it again.
    assert FeedItem.objects.count() == 1
    state = state_of(org)
    assert state.error_message == (
        "1 entry could not be imported: “Youth council meets” (ValueError)"
    )
    assert state.consecutive_failures == 0

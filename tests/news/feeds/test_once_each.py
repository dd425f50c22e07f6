"""Each entry is imported once (by id, else link), no more than asked, and an
unchanged feed answers 304."""

import pytest

from news.feeds import polling
from news.models import FeedItem, FeedState, NewsPage
from tests.news.feeds.support import GOOD_FEED, organisation, rss, state_of

pytestmark = pytest.mark.django_db


def test_second_poll_imports_nothing_new(world, feed_server):
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))

    first = polling.poll_organisation(org.pk)
    second = polling.poll_organisation(org.pk)

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
    polling.poll_organisation(org.pk)

    # The title changes, the link does not: still the same entry.
    feed_server.serve(
        "/feed", rss([("", "First (updated)", items[0][2], ""), items[1]])
    )
    polling.poll_organisation(org.pk)

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

    first = polling.poll_organisation(org.pk)
    second = polling.poll_organisation(org.pk)

    assert (first.imported, second.imported) == (2, 0)
    assert set(
        NewsPage.objects.filter(organisation=org).values_list("title", flat=True)
    ) == {"Call for grants", "Training in Tirana"}


def test_a_draft_deleted_by_an_editor_is_not_imported_again(world, feed_server):
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))
    polling.poll_organisation(org.pk)
    NewsPage.objects.get(source_url="https://cso.example.org/1").delete()

    polling.poll_organisation(org.pk)

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

    first = polling.poll_organisation(org.pk)
    titles = set(NewsPage.objects.values_list("title", flat=True))
    second = polling.poll_organisation(org.pk)

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
    polling.poll_organisation(org.pk)
    FeedState.objects.filter(organisation=org).update(
        consecutive_failures=3, last_success_at=None
    )

    result = polling.poll_organisation(org.pk)

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

"""Polling every feed (one broken feed stops none of the others), and the feed
status in the admin."""

import pytest
from wagtail.models import Locale

from cms.celery import app as celery_app
from news.feed_admin import FeedStateViewSet
from news.models import FeedState, NewsPage
from news.tasks import poll_feeds
from tests.news.feeds.support import GOOD_FEED, organisation, sample, state_of

pytestmark = pytest.mark.django_db


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

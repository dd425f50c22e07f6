"""A new feed's first poll files only its recent entries, a few of them."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from news.feeds import polling
from news.models import CountryTeam, FeedItem, FeedState, NewsPage
from news.teams import team_name
from tests.news.feeds.support import FeedServer, organisation, rss

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(settings):
    settings.NEWS_FEED_ALLOWED_NETWORKS = ["127.0.0.0/8", "169.254.0.0/16"]
    settings.NEWS_FEED_FIRST_POLL_DAYS = 14
    settings.NEWS_FEED_FIRST_POLL_ITEMS = 5
    server = FeedServer()
    yield server
    server.stop()


def days_ago(days):
    moment = timezone.now() - datetime.timedelta(days=days, hours=1)
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def fifty_entries():
    """Ten entries of the last ten days, forty older ones."""
    return rss([(f"e-{day}", f"Day {day}", "", days_ago(day)) for day in range(50)])


def titles(org):
    return set(
        NewsPage.objects.filter(organisation=org).values_list("title", flat=True)
    )


def test_first_poll_files_the_five_newest_of_the_last_fourteen_days(world, server):  # noqa: F811
    org = organisation(world, "AL", server.serve("/feed", fifty_entries()))

    first = polling.poll_organisation(org.pk)
    second = polling.poll_organisation(org.pk)

    assert first.imported == 5
    assert titles(org) == {f"Day {day}" for day in range(5)}
    # The others are remembered: the next poll does not file them either.
    assert second.imported == 0
    assert FeedItem.objects.filter(organisation=org).count() == 50


def test_only_entries_of_the_window_on_a_first_poll(world, server, settings):  # noqa: F811
    settings.NEWS_FEED_FIRST_POLL_ITEMS = 50
    org = organisation(world, "AL", server.serve("/feed", fifty_entries()))

    assert polling.poll_organisation(org.pk).imported == 14


def test_later_polls_file_every_new_entry(world, server):  # noqa: F811
    org = organisation(world, "AL", server.serve("/feed", rss([])))
    polling.poll_organisation(org.pk)
    server.serve("/feed", fifty_entries())

    assert polling.poll_organisation(org.pk).imported == 50


def test_a_feed_back_after_a_long_outage_polls_as_a_first_poll(world, server):  # noqa: F811
    org = organisation(world, "AL", server.serve("/feed", rss([])))
    polling.poll_organisation(org.pk)
    FeedState.objects.filter(organisation=org).update(
        last_success_at=timezone.now() - datetime.timedelta(days=30)
    )
    server.serve("/feed", fifty_entries())

    assert polling.poll_organisation(org.pk).imported == 5


def test_moderators_get_one_message_per_poll_not_one_per_draft(
    world,  # noqa: F811
    server,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    moderator = django_user_model.objects.create_user(
        "al-moderator", "al-moderator@example.org", "pw"
    )
    moderator.groups.add(
        Group.objects.get(name=team_name(world["AL"], CountryTeam.Role.MODERATOR))
    )
    org = organisation(world, "AL", server.serve("/feed", fifty_entries()))

    with django_capture_on_commit_callbacks(execute=True):
        assert polling.poll_organisation(org.pk).imported == 5

    to_moderator = [m for m in mail.outbox if m.to == ["al-moderator@example.org"]]
    assert len(to_moderator) == 1
    message = to_moderator[0]
    assert message.subject == "5 new drafts from the feed of CSO of AL"
    for day in range(5):
        assert f"Day {day}" in message.body
    page = NewsPage.objects.get(organisation=org, title="Day 0")
    assert f"/admin/pages/{page.pk}/edit/" in message.body

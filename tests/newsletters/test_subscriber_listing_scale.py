"""The moderator's subscriber listing at scale (issue #19, P7): its scope is
one EXISTS per subscriber, not the whole scope collected into a nested
subscriber query, and it stays exact: a moderator sees the subscribers of
their country's lists, each once, and nobody else's."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news.models import Country
from news.teams import team_name
from newsletters.audience.models import Subscriber
from newsletters.audience.scoping import MANAGE, subscribers_for_user
from tests.newsletters.test_campaigns import subscribe

TABLE = f'"{Subscriber._meta.db_table}"'


def moderator(django_user_model, iso):
    user = django_user_model.objects.create_user(username=f"{iso}-mod")
    country = Country.objects.get(iso_code=iso, locale__language_code="en")
    user.groups.add(Group.objects.get(name=team_name(country, "moderator")))
    return user


def test_scope_is_exact_and_each_subscriber_once(django_user_model, team_lists):
    xk, rs = team_lists["XK"], team_lists["RS"]
    both = subscribe("both@example.org", "sq", xk, rs)
    mine = subscribe("mine@example.org", "sq", xk)
    subscribe("theirs@example.org", "sr", rs)
    scoped = subscribers_for_user(moderator(django_user_model, "XK"), MANAGE)
    assert list(scoped.order_by("email")) == [both, mine]
    assert scoped.count() == 2


def test_listing_reads_the_subscriber_table_once(client, django_user_model, team_lists):
    xk, rs = team_lists["XK"], team_lists["RS"]
    for i in range(3):
        subscribe(f"reader{i}@example.org", "sq", xk, rs)
    subscribe("theirs@example.org", "sr", rs)
    client.force_login(moderator(django_user_model, "XK"))
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(reverse("newsletters_admin:subscribers"))
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "reader0@example.org" in body
    assert "theirs@example.org" not in body
    listing = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].count(TABLE) and "LIMIT" in q["sql"]
    ]
    assert listing
    for sql in listing:
        # FROM subscriber WHERE EXISTS (subscription ...): the subscriber
        # table is not nested in itself (which read the whole scope first).
        assert f"FROM {TABLE}" in sql and sql.count(f"FROM {TABLE}") == 1, sql


def shown_count(client, user):
    client.force_login(user)
    answer = client.get(reverse("newsletters_admin:subscribers"))
    assert answer.status_code == 200
    return answer.context["page"].paginator.count


def test_count_is_the_scope_counted_from_subscriptions(
    client, django_user_model, team_lists
):
    xk, rs, eu = team_lists["XK"], team_lists["RS"], team_lists["EU"]
    subscribe("both@example.org", "sq", xk, rs)
    subscribe("all@example.org", "sq", xk, rs, eu)
    subscribe("mine@example.org", "sq", xk)
    subscribe("theirs@example.org", "sr", rs)
    subscribe("left@example.org", "sq", xk, status="unsubscribed")
    subscribe("nowhere@example.org", "sq")
    # One list: its subscriptions, whatever their status.
    assert shown_count(client, moderator(django_user_model, "XK")) == 4
    # All lists (a superuser): each subscriber once, however many lists.
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    assert shown_count(client, root) == 5
    # A filter counts the filtered rows exactly.
    client.force_login(moderator(django_user_model, "RS"))
    answer = client.get(reverse("newsletters_admin:subscribers"), {"q": "both"})
    assert answer.context["page"].paginator.count == 1
    assert shown_count(client, django_user_model.objects.get(username="RS-mod")) == 3

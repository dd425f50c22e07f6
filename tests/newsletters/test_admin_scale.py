"""Officers' newsletter views stay flat as the audience grows (issue #19,
P7): the send wizard counts recipients in SQL, the report CSV streams."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletters.audience.addresses import hash_normalised
from newsletters.audience.models import Subscriber, Subscription, Suppression
from newsletters.delivery import lifecycle
from tests.newsletters.test_campaigns import issue, subscribe  # noqa: F401

SUBSCRIBER_TABLE = Subscriber._meta.db_table


def audience_of(size, xk, start=0):
    for i in range(start, start + size):
        subscribe(f"reader{i}@example.org", ("sq", "en", "sr")[i % 3], xk)


def counted(page, lists):
    with CaptureQueriesContext(connection) as queries:
        counts = lifecycle.recipients_by_reader_language(page, lists)
    return counts, [q["sql"] for q in queries.captured_queries]


def test_recipient_counts_cost_the_same_queries_for_10_and_100(issue, team_lists):  # noqa: F811
    xk = team_lists["XK"]
    audience_of(10, xk)
    Suppression.objects.create(
        email_hash=hash_normalised("reader0@example.org"), reason="manual"
    )
    small, small_sql = counted(issue, [xk])
    assert small == {("en", "en"): 3, ("sq", "sq"): 3, ("sr", "en"): 3}

    audience_of(90, xk, start=10)
    large, large_sql = counted(issue, [xk])
    assert large == {("en", "en"): 33, ("sq", "sq"): 33, ("sr", "en"): 33}
    assert len(large_sql) == len(small_sql)
    # The addresses stay in the database: no query hands them to Python.
    email_column = f'"{SUBSCRIBER_TABLE}"."email"'
    for sql in large_sql:
        select_list = sql.split(" FROM ", 1)[0]
        assert email_column not in select_list, sql


def test_a_suppressed_non_ascii_address_is_not_counted(issue, team_lists):  # noqa: F811
    xk = team_lists["XK"]
    subscribe("jovana@example.org", "sq", xk)
    subscribe("đorđe@example.org", "sq", xk)
    Suppression.objects.create(
        email_hash=hash_normalised("đorđe@example.org"), reason="manual"
    )
    assert lifecycle.recipients_by_reader_language(issue, [xk]) == {("sq", "sq"): 1}


def test_counts_follow_subscribe_unsubscribe_and_suppression(issue, team_lists):  # noqa: F811
    xk = team_lists["XK"]
    audience_of(3, xk)
    assert lifecycle.recipients_by_reader_language(issue, [xk]) == {
        ("en", "en"): 1,
        ("sq", "sq"): 1,
        ("sr", "en"): 1,
    }
    subscribe("new@example.org", "sq", xk)
    assert lifecycle.recipients_by_reader_language(issue, [xk])[("sq", "sq")] == 2
    Subscription.objects.filter(subscriber__email="new@example.org").update(
        status=Subscription.Status.UNSUBSCRIBED
    )
    assert lifecycle.recipients_by_reader_language(issue, [xk])[("sq", "sq")] == 1
    Suppression.objects.create(
        email_hash=hash_normalised("reader0@example.org"), reason="manual"
    )
    assert lifecycle.recipients_by_reader_language(issue, [xk]) == {
        ("en", "en"): 1,
        ("sr", "en"): 1,
    }

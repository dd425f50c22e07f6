"""The dashboard's review queue is one query size however many pages wait
(issue #19, P7): no IN-list of every active workflow's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.panels import review_queue
from tests.news.test_api import news


def in_review(programme, user, start, count):
    for i in range(start, start + count):
        page = news(programme, "XK", "en", f"waiting-{i}", publish=False)
        page.save_revision(user=user)
        page.get_workflow().start(page, user)


def queue_queries(user):
    with CaptureQueriesContext(connection) as queries:
        items = review_queue(user)
    return items, [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_review_queue_queries_stay_flat_for_10_and_50_pages(programme, team_user):
    user = team_user("XK", "moderator")
    in_review(programme, user, 0, 10)
    small, small_sql = queue_queries(user)
    assert len(small) == 10

    in_review(programme, user, 10, 40)
    large, large_sql = queue_queries(user)
    assert len(large) == 50
    assert {p.slug for p in large} == {f"waiting-{i}" for i in range(50)}
    assert len(large_sql) == len(small_sql)
    # Same statements, same size: nothing in them grows with the queue.
    assert [len(sql) for sql in large_sql] == [len(sql) for sql in small_sql]

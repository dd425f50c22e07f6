"""The translation status board paginates in the database (issue #19, P7):
a page of the board builds only its own rows, with the same statements
however many sources there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home.translation import views
from tests.news.test_api import news


def board(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("translation_status"), params or {})
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def shape(sql):
    """``sql`` with each value one character: ids cross 99 -> 100 as other
    tests use the sequences, keys are random."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def sources(programme, start, count):
    for i in range(start, start + count):
        news(programme, "XK", "en", f"source-{i}", f"Source {i}")


@pytest.mark.django_db
def test_a_page_of_the_board_costs_the_same_for_few_and_many_sources(
    programme, admin_client, monkeypatch
):
    monkeypatch.setattr(views, "ROWS_PER_PAGE", 3)
    sources(programme, 0, 4)
    board(admin_client)  # warm caches
    few, few_sql = board(admin_client)
    assert len(few.context["rows"]) == 3
    assert few.context["page_obj"].paginator.count >= 4

    sources(programme, 4, 12)
    many, many_sql = board(admin_client)
    rows = many.context["rows"]
    assert len(rows) == 3
    # Newest first, and only this page's rows were built.
    assert [row.source.slug for row in rows] == ["source-15", "source-14", "source-13"]
    assert many.context["page_obj"].paginator.count >= 16
    assert len(many_sql) == len(few_sql)
    # The same statements, of the same size (as many values in each).
    assert [len(shape(sql)) for sql in many_sql] == [len(shape(sql)) for sql in few_sql]

    second, _ = board(admin_client, {"p": 2})
    assert [row.source.slug for row in second.context["rows"]] == [
        "source-12",
        "source-11",
        "source-10",
    ]
    # The state filter still works (it builds the rows it filters).
    missing, _ = board(admin_client, {"state": "missing", "language": "sq"})
    assert missing.context["rows"]
    assert all(row.cell("sq").state == "missing" for row in missing.context["rows"])

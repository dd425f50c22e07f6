"""Sent marks in batches (newsletters.delivery.sending.SentMarks): at most
NEWSLETTERS_SEND_IN_FLIGHT messages accepted and not yet recorded at any
moment, far fewer UPDATEs than messages, and nothing the server accepted
goes back to pending when the chunk stops or loses its connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletters.delivery.models import Campaign, Delivery
from newsletters.delivery.transports import SENT, ConnectionLost, Result, Transport
from tests.newsletters.test_campaigns import (  # noqa: F401 (fixtures)
    eager,
    issue,
    make_campaign,
    run,
    subscribe,
)

D = Delivery.Status


class Watching(Transport):
    """Accepts every message; before each one counts the messages it accepted
    that the database does not yet call sent. Fails on ``lose_at``."""

    accepted = []
    unrecorded = []
    lose_at = None

    def send(self, outgoing):
        cls = type(self)
        recorded = Delivery.objects.filter(status=D.SENT).count()
        # This message is on the wire: it counts towards the bound.
        cls.unrecorded.append(len(cls.accepted) - recorded + 1)
        if cls.lose_at is not None and len(cls.accepted) == cls.lose_at:
            cls.lose_at = None  # once: the task's retry goes on
            raise ConnectionLost("dropped", after_data=False)
        cls.accepted.append(outgoing.to)
        return Result(SENT, 250, "accepted")


@pytest.fixture
def watching(settings, eager):  # noqa: F811
    settings.NEWSLETTER_BACKEND = {
        "CLASS": f"{__name__}.Watching",
        "OPTIONS": {},
    }
    settings.NEWSLETTERS_SEND_CHUNK_SIZE = 50
    settings.NEWSLETTERS_SEND_RECHECK_EVERY = 50
    settings.NEWSLETTERS_SEND_IN_FLIGHT = 5
    Watching.accepted, Watching.unrecorded, Watching.lose_at = [], [], None
    return Watching


@pytest.fixture
def twelve(issue, team_lists):  # noqa: F811
    for n in range(12):
        subscribe(f"anetar{n}@shoqeria-civile.example", "sq", team_lists["XK"])
    return make_campaign(issue, team_lists["XK"])


def mark_statements(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("UPDATE") and "sent_at" in q["sql"]
    ]


def test_marks_are_batched_within_the_declared_bound(
    watching, twelve, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as queries:
        assert run(twelve, django_capture_on_commit_callbacks)
    assert len(watching.accepted) == 12
    assert max(watching.unrecorded) <= 5
    assert max(watching.unrecorded) == 5  # the bound is used, not one a message
    assert len(mark_statements(queries.captured_queries)) == 3  # 5 + 5 + 2
    assert twelve.deliveries.filter(status=D.SENT).count() == 12
    twelve.refresh_from_db()
    assert twelve.status == Campaign.Status.SENT


def test_one_in_flight_records_each_message_as_its_reply_arrives(
    watching, settings, twelve, django_capture_on_commit_callbacks
):
    settings.NEWSLETTERS_SEND_IN_FLIGHT = 1
    with CaptureQueriesContext(connection) as queries:
        assert run(twelve, django_capture_on_commit_callbacks)
    assert max(watching.unrecorded) == 1
    assert len(mark_statements(queries.captured_queries)) == 12


def test_a_lost_connection_keeps_what_the_server_accepted(
    watching, settings, twelve, django_capture_on_commit_callbacks
):
    settings.NEWSLETTERS_SEND_RETRY_SECONDS = 0
    watching.lose_at = 7  # two marks wait in the batch when the line drops
    assert run(twelve, django_capture_on_commit_callbacks)
    # Nobody the server accepted is sent again: the two waiting marks were
    # written before the chunk put its rows back.
    assert sorted(watching.accepted) == sorted(set(watching.accepted))
    assert len(watching.accepted) == 12
    sent = twelve.deliveries.filter(status=D.SENT)
    assert sent.count() == 12
    # The message on the wire when the line dropped counts an attempt.
    assert sent.filter(attempts=1).count() == 11
    assert sent.filter(attempts=2).count() == 1

"""After an erasure the consent log keeps each event (kind, time, source,
list, language, consent-text version, the address's hash) and loses what
identifies the person beyond that hash: IP address and user agent. No other
change to the log is possible, in the model layer or in the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from newsletters.audience.addresses import email_hash
from newsletters.audience.models import ConsentEvent, Subscriber, Subscription
from newsletters.audience.subscriptions import Context, erase, record

TABLE = ConsentEvent._meta.db_table


@pytest.fixture
def subscriber(lists):
    subscriber = Subscriber.objects.create(email="ana@example.org", language="sq")
    Subscription.objects.create(
        subscriber=subscriber, mailing_list=lists["XK"], status="confirmed"
    )
    ctx = Context(source="page", ip="203.0.113.7", user_agent="Mozilla/5.0 (X11)")
    record("subscribe", subscriber, ctx, lists["XK"], "sq")
    record("confirm", subscriber, ctx, lists["XK"], "sq")
    return subscriber


def test_erasure_keeps_the_events_without_ip_address_or_user_agent(subscriber):
    before = list(
        ConsentEvent.objects.order_by("pk").values_list(
            "kind", "source", "mailing_list_id", "language", "consent_text_version"
        )
    )
    erase(subscriber, Context(source="admin", source_detail="user 1"))
    events = ConsentEvent.objects.order_by("pk")
    assert (
        list(
            events.values_list(
                "kind", "source", "mailing_list_id", "language", "consent_text_version"
            )
        )[:2]
        == before
    )
    assert [e.kind for e in events] == ["subscribe", "confirm", "erasure"]
    assert {e.email_hash for e in events} == {email_hash("ana@example.org")}
    assert {(e.ip_address, e.user_agent) for e in events} == {(None, "")}


def test_the_log_refuses_every_other_change_even_in_sql(subscriber):
    event = ConsentEvent.objects.earliest("pk")
    for statement in (
        f"UPDATE {TABLE} SET kind = 'confirm'",  # noqa: S608
        f"UPDATE {TABLE} SET ip_address = NULL, user_agent = '', kind = 'x'",  # noqa: S608
        f"UPDATE {TABLE} SET user_agent = 'rewritten'",  # noqa: S608
        f"UPDATE {TABLE} SET ip_address = '198.51.100.1'",  # noqa: S608
    ):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    event = ConsentEvent.objects.get(pk=event.pk)
    assert (event.kind, event.ip_address) == ("subscribe", "203.0.113.7")


def test_redaction_is_the_one_update_the_database_allows(subscriber):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET ip_address = NULL, user_agent = ''")  # noqa: S608
    assert set(ConsentEvent.objects.values_list("ip_address", "user_agent")) == {
        (None, "")
    }

"""Suppressing an address does what it says: it is never mailed again and
every subscription of it ends, whoever suppressed it and why."""

import pytest

from newsletters.audience.models import (
    Subscriber,
    Subscription,
    Suppression,
    is_suppressed,
)
from newsletters.audience.subscriptions import suppress

C = Subscription.Status.CONFIRMED


@pytest.fixture
def subscriber(lists):
    subscriber = Subscriber.objects.create(email="ana@example.org", language="sq")
    for iso, status in (("XK", C), ("EU", Subscription.Status.PENDING)):
        Subscription.objects.create(
            subscriber=subscriber, mailing_list=lists[iso], status=status
        )
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists["RS"],
        status=Subscription.Status.UNSUBSCRIBED,
    )
    return subscriber


def statuses(subscriber):
    return dict(
        subscriber.subscriptions.values_list(
            "mailing_list__country__iso_code", "status"
        )
    )


@pytest.mark.parametrize(
    ("reason", "ended_as"),
    [
        (Suppression.Reason.MANUAL, "unsubscribed"),
        (Suppression.Reason.HARD_BOUNCE, "bounced"),
        (Suppression.Reason.SOFT_BOUNCES, "bounced"),
        (Suppression.Reason.COMPLAINT, "complained"),
    ],
)
def test_suppression_ends_every_active_subscription(subscriber, reason, ended_as):
    suppress("ana@example.org", reason, "test")
    assert is_suppressed("ana@example.org")
    assert statuses(subscriber) == {
        "XK": ended_as,
        "EU": ended_as,
        "RS": "unsubscribed",  # already over: left as it was
    }
    ended = subscriber.subscriptions.filter(
        mailing_list__country__iso_code__in=["XK", "EU"]
    )
    assert all(sub.unsubscribed_at is not None for sub in ended)


def test_suppressing_twice_keeps_the_first_reason(subscriber):
    suppress("ana@example.org", Suppression.Reason.HARD_BOUNCE)
    suppress("ana@example.org", Suppression.Reason.MANUAL)
    assert Suppression.objects.get().reason == Suppression.Reason.HARD_BOUNCE


def test_suppressing_an_unknown_address_only_records_it(lists):
    suppress("nobody@example.org", Suppression.Reason.MANUAL)
    assert is_suppressed("nobody@example.org")
    assert Subscription.objects.count() == 0

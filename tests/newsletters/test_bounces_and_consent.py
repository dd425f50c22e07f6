"""Bounces and complaints from the email service, VERP, suppression, and the
append-only consent log."""

import base64
import json
from email.message import EmailMessage

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound
from django.db import DatabaseError, connection, transaction

from newsletters.audience.addresses import email_hash
from newsletters.audience.models import (
    AppendOnlyError,
    ConsentEvent,
    Subscriber,
    Subscription,
    Suppression,
    is_suppressed,
)
from newsletters.audience.subscriptions import Context, erase, record
from newsletters.audience.tokens import ReturnPaths, subscriber_id_from_return_path

WEBHOOK = "/webhooks/anymail/postmark/tracking/"
AUTH = "HTTP_AUTHORIZATION", "Basic " + base64.b64encode(b"esp:s3cret").decode()


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "esp:s3cret"}


@pytest.fixture
def subscriber(lists):
    subscriber = Subscriber.objects.create(email="ana@example.org", language="sq")
    for mailing_list in (lists["XK"], lists["EU"]):
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=Subscription.Status.CONFIRMED,
        )
    return subscriber


def postmark(client, record_type, bounce_type=None, event_id=1, message="m-1"):
    payload = {
        "RecordType": record_type,
        "ID": event_id,
        "Type": bounce_type,
        "MessageID": message,
        "Email": "Ana@Example.org",
        "BouncedAt": "2025-03-01T10:00:00Z",
        "Details": "smtp; 550 5.1.1 user unknown",
    }
    if record_type == "SpamComplaint":
        payload["Type"] = "SpamComplaint"
    return client.post(
        WEBHOOK,
        json.dumps(payload),
        content_type="application/json",
        **dict([AUTH]),
    )


def statuses(subscriber):
    return set(subscriber.subscriptions.values_list("status", flat=True))


@pytest.mark.django_db
def test_hard_bounce_suppresses_at_once_and_a_replay_changes_nothing(
    client, subscriber, webhook_secret
):
    assert postmark(client, "Bounce", "HardBounce").status_code == 200
    assert is_suppressed("ANA@example.org ")
    assert statuses(subscriber) == {"bounced"}
    suppression = Suppression.objects.get()
    assert suppression.reason == "hard_bounce"

    Subscription.objects.filter(subscriber=subscriber).update(status="confirmed")
    assert postmark(client, "Bounce", "HardBounce").status_code == 200
    assert statuses(subscriber) == {"confirmed"}  # the replay did nothing
    assert Suppression.objects.count() == 1


@pytest.mark.django_db
def test_complaint_suppresses_and_records_withdrawal(
    client, subscriber, webhook_secret
):
    assert postmark(client, "SpamComplaint", event_id=7).status_code == 200
    assert is_suppressed("ana@example.org")
    assert statuses(subscriber) == {"complained"}
    events = ConsentEvent.objects.filter(subscriber_id=subscriber.pk, kind="complaint")
    assert events.count() == 2
    assert {e.source for e in events} == {"email_service"}


@pytest.mark.django_db
def test_soft_bounces_add_up_to_the_threshold_one_per_message(
    client, subscriber, webhook_secret, settings
):
    settings.NEWSLETTERS_SOFT_BOUNCE_LIMIT = 3
    postmark(client, "Bounce", "SoftBounce", event_id=1, message="m-1")
    postmark(client, "Bounce", "SoftBounce", event_id=2, message="m-1")  # same mail
    postmark(client, "Bounce", "SoftBounce", event_id=3, message="m-2")
    subscriber.refresh_from_db()
    assert subscriber.soft_bounces == 2
    assert not is_suppressed(subscriber.email)
    assert statuses(subscriber) == {"confirmed"}
    postmark(client, "Bounce", "SoftBounce", event_id=4, message="m-3")
    assert is_suppressed(subscriber.email)
    assert statuses(subscriber) == {"bounced"}


@pytest.mark.django_db
def test_webhook_without_the_secret_is_refused_and_changes_nothing(
    client, subscriber, webhook_secret
):
    response = client.post(
        WEBHOOK,
        json.dumps(
            {
                "RecordType": "Bounce",
                "Type": "HardBounce",
                "ID": 9,
                "Email": "ana@example.org",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code in (400, 401, 403)
    assert not is_suppressed("ana@example.org")


@pytest.mark.django_db
def test_bounce_of_an_unknown_address_still_suppresses_it(
    client, lists, webhook_secret
):
    postmark(client, "Bounce", "HardBounce")
    assert is_suppressed("ana@example.org")
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_verp_return_path_names_its_subscriber(subscriber, settings):
    settings.NEWSLETTERS_RETURN_PATH = "bounces@mail.example.org"
    address = ReturnPaths()(subscriber.pk)
    assert address.startswith(f"bounces+{subscriber.pk}-")
    assert address.endswith("@mail.example.org")
    assert subscriber_id_from_return_path(address) == subscriber.pk
    forged = address.replace(f"+{subscriber.pk}-", f"+{subscriber.pk + 1}-")
    assert subscriber_id_from_return_path(forged) is None
    assert subscriber_id_from_return_path("someone@mail.example.org") is None


@pytest.mark.django_db
def test_delivery_report_to_a_verp_address_bounces_the_subscriber(subscriber, settings):
    settings.NEWSLETTERS_RETURN_PATH = "bounces@mail.example.org"
    report = EmailMessage()
    report["To"] = ReturnPaths()(subscriber.pk)
    report["From"] = "MAILER-DAEMON@mx.example.net"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<dsn-1@mx.example.net>"
    report.set_content(
        "Reporting-MTA: dns; mx.example.net\n\n"
        "Final-Recipient: rfc822; ana@example.org\nAction: failed\n"
        "Status: 5.1.1\n"
    )
    message = AnymailInboundMessage.parse_raw_mime(report.as_string())
    for _ in range(2):
        inbound.send(
            sender=None,
            event=AnymailInboundEvent(event_type="inbound", message=message),
            esp_name="Test",
        )
    assert is_suppressed("ana@example.org")
    assert statuses(subscriber) == {"bounced"}


@pytest.mark.django_db
def test_consent_events_cannot_be_changed_or_deleted(subscriber):
    event = record("subscribe", subscriber, Context(source="page", ip="192.0.2.1"))
    event.user_agent = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).update(user_agent="x")
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.bulk_update([event], ["user_agent"])
    table = ConsentEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET user_agent = 'x'")  # noqa: S608
    event = ConsentEvent.objects.get(pk=event.pk)
    assert event.user_agent == ""
    assert event.ip_address == "192.0.2.1"


@pytest.mark.django_db
def test_erasure_keeps_a_hash_and_the_consent_log_without_the_address(
    subscriber, client, lists, django_capture_on_commit_callbacks
):
    record("subscribe", subscriber, Context(source="page"))
    erase(subscriber, Context(source="admin", source_detail="user 1"))
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()
    assert Suppression.objects.get().email_hash == email_hash("ana@example.org")
    assert is_suppressed("ana@example.org")
    kinds = set(ConsentEvent.objects.values_list("kind", flat=True))
    assert kinds == {"subscribe", "erasure"}
    for event in ConsentEvent.objects.all():
        assert "ana" not in json.dumps(
            [event.email_hash, event.source_detail, event.user_agent]
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/newsletter/subscribe/",
            {
                "email": "ana@example.org",
                "countries": ["XK"],
                "language": "sq",
                "consent": "on",
            },
        )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()

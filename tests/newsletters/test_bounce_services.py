"""Bounces and complaints as each email service really reports them, through
django-anymail's webhook views: a hard bounce suppresses at once, a temporary
one is counted and suppresses only past a threshold within a window, a
complaint unsubscribes from everything; a replay changes nothing.

Payload shapes follow each service's documented webhook format (Amazon SES
through SNS, SendGrid's event webhook, Mailgun's signed JSON webhooks,
Postmark, Brevo); the VERP delivery report is a real RFC 3464 DSN."""

import base64
import hashlib
import hmac
import itertools
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from newsletters.audience.models import (
    Subscriber,
    Subscription,
    Suppression,
    is_suppressed,
)

AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"esp:s3cret").decode()}
MAILGUN_KEY = "mailgun-signing-key"
ADDRESS = "ana@example.org"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": "esp:s3cret",
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
        "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
    }
    settings.NEWSLETTERS_SOFT_BOUNCE_LIMIT = 3
    settings.NEWSLETTERS_SOFT_BOUNCE_WINDOW_DAYS = 30


@pytest.fixture
def subscriber(lists):
    subscriber = Subscriber.objects.create(email=ADDRESS, language="sq")
    for mailing_list in (lists["XK"], lists["EU"]):
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=Subscription.Status.CONFIRMED,
        )
    return subscriber


# Each service's payload -----------------------------------------------------


def ses(client, kind, detail=None):
    """An SNS notification carrying an SES Bounce or Complaint."""
    number = next(_ids)
    if kind == "Complaint":
        body = {
            "notificationType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": ADDRESS}],
                "timestamp": "2026-03-01T10:00:00.000Z",
                "feedbackId": f"feedback-{number}",
                "complaintFeedbackType": "abuse",
            },
        }
    else:
        bounce_type, sub_type, status = detail
        body = {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": bounce_type,
                "bounceSubType": sub_type,
                "bouncedRecipients": [
                    {
                        "emailAddress": ADDRESS,
                        "action": "failed",
                        "status": status,
                        "diagnosticCode": f"smtp; {status} mailbox",
                    }
                ],
                "timestamp": "2026-03-01T10:00:00.000Z",
                "feedbackId": f"feedback-{number}",
            },
        }
    body["mail"] = {
        "timestamp": "2026-03-01T09:59:58.000Z",
        "messageId": f"ses-message-{number}",
        "source": "news@example.org",
        "destination": [ADDRESS],
    }
    sns = {
        "Type": "Notification",
        "MessageId": f"sns-{number}",
        "TopicArn": "arn:aws:sns:eu-central-1:123456789012:ses-events",
        "Message": json.dumps(body),
        "Timestamp": "2026-03-01T10:00:01.000Z",
        "SignatureVersion": "1",
        "Signature": "unverified-in-tests",
    }
    return client.post(
        "/webhooks/anymail/amazon_ses/tracking/",
        json.dumps(sns),
        content_type="text/plain; charset=UTF-8",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID=sns["MessageId"],
        **AUTH,
    )


def sendgrid(client, event, **fields):
    number = next(_ids)
    payload = [
        {
            "email": ADDRESS,
            "timestamp": 1772359200,
            "event": event,
            "sg_event_id": fields.pop("sg_event_id", f"sg-event-{number}"),
            "sg_message_id": f"sg-message-{number}.filter0001",
            "smtp-id": f"<m{number}@example.org>",
            **fields,
        }
    ]
    return client.post(
        "/webhooks/anymail/sendgrid/tracking/",
        json.dumps(payload),
        content_type="application/json",
        **AUTH,
    )


def mailgun(client, event, **fields):
    number = next(_ids)
    token = f"token-{number:040d}"
    timestamp = "1772359200"
    signature = hmac.new(
        MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    payload = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "id": f"mailgun-{number}",
            "timestamp": 1772359200.5,
            "recipient": ADDRESS,
            "message": {"headers": {"message-id": f"m{number}@example.org"}},
            **fields,
        },
    }
    return client.post(
        "/webhooks/anymail/mailgun/tracking/",
        json.dumps(payload),
        content_type="application/json",
        **AUTH,
    )


def postmark(client, record_type, bounce_type):
    number = next(_ids)
    payload = {
        "RecordType": record_type,
        "ID": number,
        "Type": bounce_type,
        "MessageID": f"pm-{number}",
        "Email": ADDRESS,
        "BouncedAt": "2026-03-01T10:00:00Z",
        "Details": "smtp; 452 4.2.2 mailbox full",
    }
    return client.post(
        "/webhooks/anymail/postmark/tracking/",
        json.dumps(payload),
        content_type="application/json",
        **AUTH,
    )


def brevo(client, event):
    number = next(_ids)
    payload = {
        "event": event,
        "email": ADDRESS,
        "id": 4242,
        "date": "2026-03-01 11:00:00",
        "ts": 1772362800,
        "ts_event": 1772362800,
        "ts_epoch": 1772362800123 + number,
        "message-id": f"<brevo-{number}@smtp-relay.mailin.fr>",
        "reason": "mailbox full" if event == "soft_bounce" else "unknown user",
        "tag": "",
        "sending_ip": "185.41.28.109",
    }
    return client.post(
        "/webhooks/anymail/brevo/tracking/",
        json.dumps(payload),
        content_type="application/json",
        **AUTH,
    )


HARD = [
    ("ses permanent", lambda c: ses(c, "Bounce", ("Permanent", "General", "5.1.1"))),
    (
        "ses suppressed",
        lambda c: ses(c, "Bounce", ("Permanent", "Suppressed", "5.1.1")),
    ),
    ("sendgrid bounce", lambda c: sendgrid(c, "bounce", type="bounce", status="5.1.1")),
    ("sendgrid dropped", lambda c: sendgrid(c, "dropped", reason="Bounced Address")),
    (
        "mailgun permanent",
        lambda c: mailgun(
            c,
            "failed",
            severity="permanent",
            reason="bounce",
            **{"delivery-status": {"code": 550, "message": "5.1.1 no such user"}},
        ),
    ),
    ("postmark hard", lambda c: postmark(c, "Bounce", "HardBounce")),
    ("brevo hard", lambda c: brevo(c, "hard_bounce")),
    ("brevo invalid", lambda c: brevo(c, "invalid_email")),
]
SOFT = [
    (
        "ses transient",
        lambda c: ses(c, "Bounce", ("Transient", "MailboxFull", "4.2.2")),
    ),
    (
        "ses undetermined",
        lambda c: ses(c, "Bounce", ("Undetermined", "Undetermined", "5.0.0")),
    ),
    (
        "sendgrid blocked",
        lambda c: sendgrid(
            c, "bounce", type="blocked", status="4.7.1", reason="421 try later"
        ),
    ),
    ("sendgrid deferred", lambda c: sendgrid(c, "deferred", attempt="2")),
    (
        "mailgun temporary",
        lambda c: mailgun(
            c,
            "failed",
            severity="temporary",
            reason="generic",
            **{"delivery-status": {"code": 452, "message": "4.2.2 mailbox full"}},
        ),
    ),
    ("postmark soft", lambda c: postmark(c, "Bounce", "SoftBounce")),
    ("postmark transient", lambda c: postmark(c, "Bounce", "Transient")),
    ("brevo soft", lambda c: brevo(c, "soft_bounce")),
]
COMPLAINT = [
    ("ses complaint", lambda c: ses(c, "Complaint")),
    ("sendgrid spamreport", lambda c: sendgrid(c, "spamreport")),
    ("mailgun complained", lambda c: mailgun(c, "complained")),
    ("postmark complaint", lambda c: postmark(c, "SpamComplaint", "SpamComplaint")),
    ("brevo spam", lambda c: brevo(c, "spam")),
]


def statuses(subscriber):
    return set(subscriber.subscriptions.values_list("status", flat=True))


@pytest.mark.parametrize(("name", "send"), HARD, ids=[case[0] for case in HARD])
def test_hard_bounce_suppresses_at_once(client, subscriber, name, send):
    assert send(client).status_code == 200
    assert is_suppressed(ADDRESS)
    assert Suppression.objects.get().reason == Suppression.Reason.HARD_BOUNCE
    assert statuses(subscriber) == {"bounced"}


@pytest.mark.parametrize(("name", "send"), SOFT, ids=[case[0] for case in SOFT])
def test_temporary_bounce_is_counted_and_does_not_suppress(
    client, subscriber, name, send
):
    assert send(client).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.soft_bounces == 1
    assert not is_suppressed(ADDRESS)
    assert statuses(subscriber) == {"confirmed"}


@pytest.mark.parametrize(
    ("name", "send"), COMPLAINT, ids=[case[0] for case in COMPLAINT]
)
def test_complaint_unsubscribes_from_everything(client, subscriber, name, send):
    assert send(client).status_code == 200
    assert is_suppressed(ADDRESS)
    assert statuses(subscriber) == {"complained"}


def test_temporary_bounces_suppress_past_the_threshold_within_the_window(
    client, subscriber
):
    full = ("Transient", "MailboxFull", "4.2.2")
    for _ in range(2):
        ses(client, "Bounce", full)
    assert not is_suppressed(ADDRESS)
    ses(client, "Bounce", full)
    assert is_suppressed(ADDRESS)
    assert Suppression.objects.get().reason == Suppression.Reason.SOFT_BOUNCES
    assert statuses(subscriber) == {"bounced"}


def test_temporary_bounces_spread_over_more_than_the_window_never_suppress(
    client, subscriber
):
    full = ("Transient", "MailboxFull", "4.2.2")
    start = timezone.now()
    for month in range(6):
        with time_machine.travel(start + timedelta(days=31 * month)):
            ses(client, "Bounce", full)
    assert not is_suppressed(ADDRESS)
    subscriber.refresh_from_db()
    assert subscriber.soft_bounces == 1  # the count started again each window
    assert statuses(subscriber) == {"confirmed"}


def test_a_replayed_hard_bounce_changes_nothing_the_second_time(client, subscriber):
    sendgrid(client, "bounce", type="bounce", status="5.1.1", sg_event_id="sg-1")
    Subscription.objects.filter(subscriber=subscriber).update(status="confirmed")
    Suppression.objects.all().delete()
    response = sendgrid(
        client, "bounce", type="bounce", status="5.1.1", sg_event_id="sg-1"
    )
    assert response.status_code == 200
    assert not is_suppressed(ADDRESS)
    assert statuses(subscriber) == {"confirmed"}

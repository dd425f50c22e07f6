"""Bounces and complaints from the email services (django-anymail's tracking
signal) and from VERP return paths.

A hard bounce or a complaint suppresses the address at once (a complaint also
ends every subscription); a temporary bounce is counted, and suppresses only
once NEWSLETTERS_SOFT_BOUNCE_LIMIT of them, one per message, fall within
NEWSLETTERS_SOFT_BOUNCE_WINDOW_DAYS. Every event is handled once: its id (or,
without one, a digest of its payload) is stored, and a replay finds it and
changes nothing.

Hard or soft: anymail reports most services' bounces as ``bounced``,
temporary ones included, so each service's own verdict decides where anymail
passes it through (see ``_service_verdict``); otherwise the enhanced status
code (RFC 3463: 5.x.x permanent, 4.x.x temporary) in the reply; otherwise the
bounce counts as temporary, so that no unexplained report suppresses anyone
forever.
"""

import hashlib
import json
import logging
import re
from datetime import timedelta

from anymail.signals import EventType, RejectReason
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..conf import app_settings
from .addresses import InvalidAddress, normalise_email
from .models import ConsentEvent, Subscriber, Suppression, WebhookEvent
from .subscriptions import Context, suppress, unsubscribe
from .tokens import subscriber_id_from_return_path

log = logging.getLogger(__name__)

HARD, SOFT, COMPLAINT, UNSUBSCRIBE = "hard", "soft", "complaint", "unsubscribe"
DSN_STATUS = re.compile(r"^Status:\s*([245])\.\d{1,3}\.\d{1,3}", re.M | re.I)
# An enhanced status code anywhere in a reply ("smtp; 550 5.1.1 ...").
ENHANCED_STATUS = re.compile(r"(?<![\d.])([245])\.\d{1,3}\.\d{1,3}(?![\d.])")
# Postmark's bounce types that anymail passes on as "bounced".
POSTMARK_SOFT = {"SoftBounce", "Transient", "DnsError", "AutoResponder"}


def classify(event):
    """hard, soft, complaint, unsubscribe, or None for events that change nothing."""
    if event.event_type == EventType.COMPLAINED:
        return COMPLAINT
    if event.event_type == EventType.UNSUBSCRIBED:
        return UNSUBSCRIBE
    if event.event_type == EventType.DEFERRED:
        return SOFT
    if event.event_type == EventType.BOUNCED:
        if event.reject_reason == RejectReason.INVALID:
            return HARD
        return _service_verdict(event) or _status_verdict(event) or SOFT
    if event.event_type == EventType.REJECTED and event.reject_reason in (
        RejectReason.INVALID,
        RejectReason.BOUNCED,
    ):
        return HARD
    return None


def _service_verdict(event):
    """The service's own hard/soft verdict, where its payload carries one."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if isinstance(raw.get("bounce"), dict):  # Amazon SES
        return HARD if raw["bounce"].get("bounceType") == "Permanent" else SOFT
    data = raw.get("event-data")
    if isinstance(data, dict) and data.get("severity"):  # Mailgun
        return HARD if data["severity"] == "permanent" else SOFT
    if raw.get("RecordType") == "Bounce":  # Postmark
        return SOFT if raw.get("Type") in POSTMARK_SOFT else HARD
    if raw.get("event") in ("hard_bounce", "soft_bounce"):  # Brevo
        return HARD if raw["event"] == "hard_bounce" else SOFT
    if raw.get("event") == "bounce" and raw.get("type"):  # SendGrid
        return SOFT if raw["type"] == "blocked" else HARD
    if isinstance(raw.get("hard_bounce"), bool):  # Mailjet
        return HARD if raw["hard_bounce"] else SOFT
    return None


def _status_verdict(event):
    for text in (event.mta_response, event.description):
        match = ENHANCED_STATUS.search(str(text or ""))
        if match:
            return HARD if match.group(1) == "5" else SOFT
    return None


def _event_id(esp, event):
    if event.event_id:
        return str(event.event_id)[:200]
    payload = json.dumps(event.esp_event, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()


def _first_time(esp, event_id, event_type):
    """Store the event id; False if it was stored before (a replay)."""
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                esp=esp[:40], event_id=event_id, event_type=event_type[:40]
            )
    except IntegrityError:
        return False
    return True


def handle_tracking(sender, event, esp_name, **kwargs):
    """Receiver of anymail.signals.tracking."""
    kind = classify(event)
    if kind is None:
        return
    try:
        address = normalise_email(event.recipient or "")
    except InvalidAddress:
        log.warning("%s %s event without a usable recipient", esp_name, kind)
        return
    with transaction.atomic():
        if not _first_time(esp_name, _event_id(esp_name, event), event.event_type):
            return
        if (
            kind == SOFT
            and event.message_id
            and not _first_time(
                esp_name, f"soft:{event.message_id}"[:200], "soft-per-message"
            )
        ):
            return
        apply(address, kind, f"{esp_name} {event.event_type}")


def apply(address, kind, detail):
    """What a bounce, complaint or unsubscribe of ``address`` does."""
    subscriber = Subscriber.objects.filter(email=address).first()
    ctx = Context(source=ConsentEvent.Source.EMAIL_SERVICE, source_detail=detail)
    if kind == HARD:
        suppress(address, Suppression.Reason.HARD_BOUNCE, detail)
    elif kind == COMPLAINT:
        if subscriber:  # first, so that each list's withdrawal is recorded
            unsubscribe(subscriber, None, ctx, kind=ConsentEvent.Kind.COMPLAINT)
        suppress(address, Suppression.Reason.COMPLAINT, detail)
    elif kind == UNSUBSCRIBE:
        if subscriber:
            unsubscribe(subscriber, None, ctx)
    elif kind == SOFT and subscriber:
        count = _count_soft_bounce(subscriber)
        if count >= app_settings.NEWSLETTERS_SOFT_BOUNCE_LIMIT:
            suppress(address, Suppression.Reason.SOFT_BOUNCES, detail)


def _count_soft_bounce(subscriber):
    """Count one temporary bounce in the subscriber's current window (which
    starts again, at one, when the last one is older than the window)."""
    now = timezone.now()
    window = timedelta(days=app_settings.NEWSLETTERS_SOFT_BOUNCE_WINDOW_DAYS)
    started = Subscriber.objects.filter(
        pk=subscriber.pk, soft_bounce_window_start__gt=now - window
    ).update(soft_bounces=F("soft_bounces") + 1)
    if not started:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            soft_bounces=1, soft_bounce_window_start=now
        )
    subscriber.refresh_from_db(fields=["soft_bounces", "soft_bounce_window_start"])
    return subscriber.soft_bounces


def handle_inbound(sender, event, esp_name, **kwargs):
    """Receiver of anymail.signals.inbound: delivery reports sent back to a
    VERP address (bounces+<id>-<mac>@domain) name their subscriber."""
    message = event.message
    if message is None:
        return
    recipients = [message.envelope_recipient or ""] + [
        addr.addr_spec for addr in (message.to or [])
    ]
    subscriber_id = next(
        (
            found
            for found in map(subscriber_id_from_return_path, recipients)
            if found is not None
        ),
        None,
    )
    if subscriber_id is None:
        return
    match = DSN_STATUS.search(message.as_string())
    if match is None or match.group(1) == "2":
        return
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    kind = HARD if match.group(1) == "5" else SOFT
    event_id = event.event_id or message.get("Message-ID", "")
    with transaction.atomic():
        if event_id and not _first_time(esp_name, f"verp:{event_id}"[:200], kind):
            return
        apply(subscriber.email, kind, f"{esp_name} VERP DSN")

"""Sending an edition's messages: test sends now, and a campaign's chunks.

A chunk is the unit of work: it claims its delivery rows, opens one
connection, builds each recipient's message from the prepared edition and
records each outcome as the server answers (accepted messages in small
batches, ``SentMarks``), so a crash at any point sends again at most
``NEWSLETTERS_SEND_IN_FLIGHT`` messages per process and loses none.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audience import bounces
from ..audience.addresses import InvalidAddress, hash_normalised, normalise_email
from ..audience.models import Subscriber, Subscription, Suppression
from ..composition.rendering import edition_from_dict
from ..conf import app_settings
from . import enqueue, lifecycle
from .message import (
    Personaliser,
    PreparedMessage,
    message_id,
    sample_message_id,
)
from .models import Campaign, CampaignEdition, Delivery
from .throttle import get_throttle
from .transports import RETRY, SENT, ConnectionLost, Outgoing, get_transport

# Addresses of one test send: the form says so, send_test keeps to it.
MAX_TEST_ADDRESSES = 5


@dataclass(frozen=True)
class TestSendResult:
    address: str
    ok: bool
    error: str = ""


def sample_values(edition):
    """What the placeholders become in a test send: the web version for links
    (a test recipient is no subscriber, so there is nothing to unsubscribe)."""
    link = edition.web_url or settings.BASE_URL
    return {
        "first_name": edition.first_name_fallback,
        "unsubscribe_url": link,
        "preferences_url": link,
    }


def send_test(edition, addresses):
    """Send ``edition`` to a few ``addresses`` now, through the campaign
    transport, without a campaign or deliveries. One result per address."""
    results = []
    good = []
    for raw in addresses[:MAX_TEST_ADDRESSES]:
        try:
            good.append(normalise_email(raw))
        except InvalidAddress:
            results.append(TestSendResult(str(raw), False, _("Not an email address.")))
    for raw in addresses[MAX_TEST_ADDRESSES:]:
        results.append(
            TestSendResult(
                str(raw),
                False,
                _("At most %(n)d test addresses.") % {"n": MAX_TEST_ADDRESSES},
            )
        )
    if not good:
        return results
    prepared = PreparedMessage.from_edition(edition)
    values = sample_values(edition)
    try:
        with get_transport() as transport:
            for address in good:
                results.append(_send_one(transport, prepared, values, address))
    except ConnectionLost as exc:
        done = {result.address for result in results}
        results.extend(
            TestSendResult(address, False, exc.reason)
            for address in good
            if address not in done
        )
    return results


def _send_one(transport, prepared, values, address):
    message_id = sample_message_id(prepared.domain())
    data = prepared.render(to=address, message_id=message_id, values=values, headers={})
    result = transport.send(
        Outgoing(
            envelope_from=prepared.from_email,
            to=address,
            data=data,
            message_id=message_id,
            prepared=prepared,
            values=values,
            headers={},
        )
    )
    return TestSendResult(
        address, result.status == SENT, result.reason if result.status != SENT else ""
    )


# Campaign chunks --------------------------------------------------------------

D = Delivery.Status
_prepared_cache = {}
ROW_FIELDS = (
    "attempts",
    "edition_id",
    "subscriber",
    "subscriber__email",
    "subscriber__name",
    "subscriber__language",
)


def _prepared_by_id(edition_id):
    prepared = _prepared_cache.get(edition_id)
    if prepared is None:
        prepared = prepared_for(CampaignEdition.objects.get(pk=edition_id))
    return prepared


def prepared_for(edition_row):
    """The PreparedMessage of a frozen edition, built once per worker process."""
    prepared = _prepared_cache.get(edition_row.pk)
    if prepared is None:
        if len(_prepared_cache) > 64:
            _prepared_cache.clear()
        prepared = PreparedMessage.from_edition(edition_from_dict(edition_row.data))
        _prepared_cache[edition_row.pk] = prepared
    return prepared


def claim(campaign_id, first_id, last_id, claim_id):
    """Take the chunk's due pending rows (and rows this same task held before a
    crash, once they are stale) with SKIP LOCKED, so a second task on the same
    range, a resumed campaign or the reconciler never take the same row.

    A row this task id still holds is taken back only when stale: a broker
    reconnect can hand out again a task that is still running (Celery 5 does
    not cancel running late-ack tasks), and that run keeps its rows fresh
    (``_still_mine``), so the second run sends none of them. Returns the ids."""
    now = timezone.now()
    stale = now - timedelta(seconds=app_settings.NEWSLETTERS_SEND_STALE_SECONDS)
    with transaction.atomic():
        rows = Delivery.objects.filter(
            campaign_id=campaign_id, pk__gte=first_id, pk__lte=last_id
        ).filter(
            Q(status=D.PENDING, next_attempt_at__isnull=True)
            | Q(status=D.PENDING, next_attempt_at__lte=now)
            | Q(status=D.SENDING, claimed_by=claim_id, claimed_at__lt=stale)
        )
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True))
        # Conditional: on SQLite (no row locks) a concurrent claimer loses here.
        Delivery.objects.filter(pk__in=ids).filter(
            Q(status=D.PENDING)
            | Q(status=D.SENDING, claimed_by=claim_id, claimed_at__lt=stale)
        ).update(status=D.SENDING, claimed_by=claim_id, claimed_at=now)
    return list(
        Delivery.objects.filter(
            pk__in=ids, status=D.SENDING, claimed_by=claim_id
        ).values_list("pk", flat=True)
    )


def _still_mine(ids, remaining, claim_id):
    """Refresh the claim on every row the chunk still holds (a live chunk is
    never stale, however long it takes) and return the rows of ``ids`` still
    held, in order."""
    now = timezone.now()
    # By range, not by an IN-list of every remaining id (a chunk's 500 ids
    # bound as parameters every RECHECK_EVERY messages): the rows of that
    # range this claim still holds are exactly the remaining ones, plus at
    # most the accepted ones whose sent marks are not written yet.
    Delivery.objects.filter(
        pk__gte=remaining[0],
        pk__lte=remaining[-1],
        status=D.SENDING,
        claimed_by=claim_id,
    ).update(claimed_at=now)
    held = Delivery.objects.filter(pk__in=ids, status=D.SENDING, claimed_by=claim_id)
    return sorted(held.values_list("pk", flat=True))


def _allowed(subscriber_ids, list_ids):
    """Subscribers still confirmed on one of the lists and not suppressed."""
    confirmed = set(
        Subscription.objects.filter(
            subscriber_id__in=subscriber_ids,
            mailing_list_id__in=list_ids,
            status=Subscription.Status.CONFIRMED,
        ).values_list("subscriber_id", flat=True)
    )
    emails = dict(
        Subscriber.objects.filter(pk__in=confirmed).values_list("pk", "email")
    )
    hashes = {hash_normalised(email): pk for pk, email in emails.items()}
    suppressed = Suppression.objects.filter(email_hash__in=list(hashes))
    for digest in suppressed.values_list("email_hash", flat=True):
        confirmed.discard(hashes[digest])
    return confirmed


def _backoff(attempts):
    return min(
        app_settings.NEWSLETTERS_SEND_RETRY_SECONDS * 2 ** max(0, attempts - 1),
        6 * 3600,
    )


def _retry_or_fail(delivery_id, attempts, reason, code=None, flagged=None):
    """A temporary failure: again later, until the attempts run out."""
    fields = {"attempts": attempts, "reason": reason[:500], "smtp_code": code}
    if flagged:
        fields["flagged"] = True
    if attempts >= app_settings.NEWSLETTERS_SEND_MAX_ATTEMPTS:
        fields.update(
            status=D.FAILED,
            reason=f"gave up after {attempts} attempts: {reason}"[:500],
            claimed_by="",
        )
    else:
        fields.update(
            status=D.PENDING,
            claimed_by="",
            next_attempt_at=timezone.now() + timedelta(seconds=_backoff(attempts)),
        )
    Delivery.objects.filter(pk=delivery_id).update(**fields)
    return fields["status"] == D.PENDING


@dataclass
class ChunkReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    stopped: str = ""  # campaign status that stopped the chunk, if any
    retry_in: float | None = None


def run_chunk(campaign_id, first_id, last_id, claim_id):
    """Send the chunk's deliveries. Raises ConnectionLost (after putting its
    rows back) when the connection breaks, for the task to retry."""
    report = ChunkReport()
    status = Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True)
    if status.first() != Campaign.Status.SENDING:
        report.stopped = status.first() or "missing"
        return report
    ids = claim(campaign_id, first_id, last_id, claim_id)
    if not ids:
        return report
    Campaign.objects.filter(pk=campaign_id).update(heartbeat_at=timezone.now())
    list_ids = list(
        Campaign.lists.through.objects.filter(campaign_id=campaign_id).values_list(
            "mailinglist_id", flat=True
        )
    )
    throttle = get_throttle()
    step = max(1, app_settings.NEWSLETTERS_SEND_RECHECK_EVERY)
    current = None
    personalisers = {}
    marks = SentMarks()
    try:
        with get_transport() as transport:
            for start in range(0, len(ids), step):
                batch = _still_mine(ids[start : start + step], ids[start:], claim_id)
                state = status.first()
                if state != Campaign.Status.SENDING:
                    report.stopped = state
                    _release(ids[start:], claim_id, state)
                    return report
                # Not the edition: its frozen JSON (the whole rendered issue)
                # would be read and decoded once per recipient.
                rows = list(
                    Delivery.objects.filter(pk__in=batch)
                    .select_related("subscriber")
                    .only(*ROW_FIELDS)
                    .order_by("pk")
                )
                if len(rows) < len(batch):
                    # The subscriber key has no database constraint (P6): an
                    # erasure committed while the deliveries were being made
                    # leaves rows whose subscriber is gone, which the join
                    # above drops. They are skipped, so the campaign ends.
                    gone = set(batch) - {d.pk for d in rows}
                    report.skipped += Delivery.objects.filter(
                        pk__in=gone, claimed_by=claim_id
                    ).update(
                        status=D.SKIPPED,
                        claimed_by="",
                        reason="subscriber erased before sending",
                    )
                allowed = _allowed([d.subscriber_id for d in rows], list_ids)
                for delivery in rows:
                    if delivery.subscriber_id not in allowed:
                        Delivery.objects.filter(pk=delivery.pk).update(
                            status=D.SKIPPED,
                            claimed_by="",
                            reason="unsubscribed or suppressed before sending",
                        )
                        report.skipped += 1
                        continue
                    throttle.wait()
                    current = delivery
                    _send_delivery(
                        transport,
                        campaign_id,
                        delivery,
                        personalisers,
                        list_ids,
                        report,
                        marks,
                    )
                    current = None
    except ConnectionLost as exc:
        marks.flush()  # what the server accepted is sent, not back to pending
        _connection_lost(ids, claim_id, current, exc, report)
        raise
    finally:
        marks.flush()
    return report


def _send_delivery(
    transport, campaign_id, delivery, personalisers, list_ids, report, marks
):
    subscriber = delivery.subscriber
    prepared = _prepared_by_id(delivery.edition_id)
    personalise = personalisers.get(delivery.edition_id)
    if personalise is None:
        personalise = personalisers[delivery.edition_id] = Personaliser(
            prepared.edition, list_ids
        )
    values, headers = personalise(subscriber)
    # The VERP address is the envelope sender; Return-Path is written by the
    # receiving server, never by the sender.
    envelope_from = headers.pop("Return-Path", None) or prepared.from_email
    mid = message_id(campaign_id, subscriber.pk, prepared.domain())
    data = prepared.render(
        to=subscriber.email, message_id=mid, values=values, headers=headers
    )
    result = transport.send(
        Outgoing(
            envelope_from=envelope_from,
            to=subscriber.email,
            data=data,
            message_id=mid,
            prepared=prepared,
            values=values,
            headers=headers,
        )
    )
    attempts = delivery.attempts + 1
    if result.status == SENT:
        marks.add(delivery.pk, attempts, result.code)
        report.sent += 1
    elif result.status == RETRY:
        if _retry_or_fail(delivery.pk, attempts, result.reason, result.code):
            report.deferred += 1
            wait = _backoff(attempts)
            report.retry_in = min(report.retry_in or wait, wait)
        else:
            report.failed += 1
    else:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=D.FAILED,
            attempts=attempts,
            smtp_code=result.code,
            reason=result.reason[:500],
            claimed_by="",
        )
        report.failed += 1
        if result.suppress:
            bounces.apply(subscriber.email, bounces.HARD, f"SMTP {result.reason}"[:255])


_MARK_SENT = (
    f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, "  # noqa: S608
    "attempts = %s, smtp_code = %s, claimed_by = '' WHERE id IN ({ids})"
)


class SentMarks:
    """Messages the server accepted, recorded in small batches.

    One UPDATE per message was most of a message's cost on PostgreSQL. The
    bound is declared: at most ``NEWSLETTERS_SEND_IN_FLIGHT`` messages per
    sending process are accepted by the server and not yet recorded, the one
    on the wire included, so a process killed mid-chunk sends at most that
    many again (with the same Message-ID) when its rows are handed out
    again. 1 records each message as its reply arrives. A batch is written
    when it is full, when its oldest mark is a second old, and whenever the
    chunk ends, stops or loses its connection."""

    max_age = 1.0

    def __init__(self):
        self.bound = max(1, app_settings.NEWSLETTERS_SEND_IN_FLIGHT)
        self.rows = []
        self.oldest = None

    def add(self, delivery_id, attempts, code):
        if not self.rows:
            self.oldest = time.monotonic()
        self.rows.append((delivery_id, attempts, code))
        if (
            len(self.rows) >= self.bound
            or time.monotonic() - self.oldest >= self.max_age
        ):
            self.flush()

    def flush(self):
        if not self.rows:
            return
        groups = {}
        for delivery_id, attempts, code in self.rows:
            groups.setdefault((attempts, code), []).append(delivery_id)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            for (attempts, code), ids in groups.items():
                cursor.execute(
                    _MARK_SENT.format(ids=", ".join(["%s"] * len(ids))),
                    [D.SENT, now, attempts, code, *ids],
                )
        self.rows = []


def _release(ids, claim_id, state):
    """Rows of a paused or cancelled campaign go back (or are skipped)."""
    held = Delivery.objects.filter(pk__in=ids, status=D.SENDING, claimed_by=claim_id)
    if state == Campaign.Status.PAUSED:
        held.update(status=D.PENDING, claimed_by="")
    else:
        held.update(status=D.SKIPPED, claimed_by="", reason=f"campaign {state}")


def _connection_lost(ids, claim_id, current, exc, report):
    """The message on the wire counts an attempt (flagged if the server had all
    of it); with nothing on the wire (no connection at all) every held row
    counts one, so a server that never answers does not mean retrying
    forever. The rest go back to pending for the task's retry."""
    held = Delivery.objects.filter(pk__in=ids, status=D.SENDING, claimed_by=claim_id)
    reason = f"connection lost: {exc.reason}"
    if current is not None:
        _retry_or_fail(current.pk, current.attempts + 1, reason, flagged=exc.after_data)
        Delivery.objects.filter(pk=current.pk, status=D.PENDING).update(
            next_attempt_at=None
        )
        held.exclude(pk=current.pk).update(status=D.PENDING, claimed_by="")
    else:
        for pk, attempts in held.values_list("pk", "attempts"):
            _retry_or_fail(pk, attempts + 1, reason)
            Delivery.objects.filter(pk=pk, status=D.PENDING).update(
                next_attempt_at=None
            )
    report.deferred += 1


# Reconciler --------------------------------------------------------------------


def reconcile():
    """Put back rows stuck in "sending" (their worker died and no redelivery
    came), re-dispatch campaigns without progress (tasks lost before the
    broker had them, a broker restarted empty), re-run stalled preparations,
    and mark finished campaigns sent. Returns what it did, for the log."""
    stale = timezone.now() - timedelta(
        seconds=app_settings.NEWSLETTERS_SEND_STALE_SECONDS
    )
    done = {"released": 0, "redispatched": [], "prepared": [], "finished": []}
    held = Delivery.objects.filter(
        status=D.SENDING,
        claimed_at__lt=stale,
        campaign__status__in=[Campaign.Status.SENDING, Campaign.Status.PAUSED],
    )
    released = {}
    for campaign_id, pk in held.values_list("campaign_id", "pk"):
        released.setdefault(campaign_id, []).append(pk)
    for campaign_id, ids in released.items():
        done["released"] += Delivery.objects.filter(
            pk__in=ids, status=D.SENDING, claimed_at__lt=stale
        ).update(status=D.PENDING, claimed_by="")
        # No task may cover these rows any more, whatever other chunks of the
        # campaign are doing: hand them out again now.
        lifecycle.dispatch_rows(campaign_id, ids)
    for campaign in Campaign.objects.filter(status=Campaign.Status.SENDING):
        if lifecycle.finish_if_done(campaign.pk):
            done["finished"].append(campaign.pk)
            continue
        recent = max(
            (t for t in (campaign.dispatched_at, campaign.heartbeat_at) if t),
            default=None,
        )
        if recent is not None and recent >= stale:
            continue
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if locked.status == Campaign.Status.SENDING:
                lifecycle.dispatch(locked)
                done["redispatched"].append(campaign.pk)
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.PREPARING, heartbeat_at__lt=stale
    ):
        Campaign.objects.filter(pk=campaign.pk).update(heartbeat_at=timezone.now())
        enqueue.send_campaign(campaign.pk)
        done["prepared"].append(campaign.pk)
    return done

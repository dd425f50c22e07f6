"""A campaign's life cycle, its state machine: draft, scheduled, preparing
(who receives it, in which language, editions frozen, delivery rows
materialised, chunks dispatched), sending, paused, sent, cancelled, failed.

Every status change happens under the campaign's row lock, so a double click,
two schedulers or a re-run after a crash move it once. Preparation can run
again at any point: frozen editions are kept, delivery rows are added with
``ON CONFLICT DO NOTHING`` and limited to subscriptions confirmed before the
first attempt began.
"""

import hashlib

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import SHA256
from django.utils import timezone

from home.locales import best_language

from ..audience.models import Subscriber, Subscription, Suppression
from ..composition.models import NewsletterPage
from ..composition.rendering import (
    NewsletterRenderError,
    edition_to_dict,
    render_edition,
)
from ..conf import app_settings
from . import enqueue
from .models import Campaign, CampaignEdition, Delivery

Status = Campaign.Status


class CampaignError(Exception):
    """A campaign cannot move as asked; the message is for the officer."""


# Languages -------------------------------------------------------------------


def live_translations(page):
    """{language code: live NewsletterPage} of ``page`` and its translations."""
    pages = (
        NewsletterPage.objects.filter(translation_key=page.translation_key)
        .live()
        .select_related("locale")
    )
    return {p.locale.language_code: p for p in pages}


def served_language(language, available, source_language):
    """The subscriber's language if there is a live edition in it, else the
    first on its fallback chain that has one, else the source's."""
    return best_language(language, available, source_language)


def _source_language(page, translations):
    source = page.get_translations(inclusive=True).filter(alias_of__isnull=True)
    for candidate in source.order_by("pk").select_related("locale")[:1]:
        if candidate.locale.language_code in translations:
            return candidate.locale.language_code
    return page.locale.language_code


def audience(lists, cutoff=None):
    """Subscribers confirmed on any of ``lists`` (each once), not suppressed.
    Suppression is by address hash, so it is applied where rows are counted
    or materialised, in SQL."""
    subs = Subscription.objects.filter(
        mailing_list__in=lists, status=Subscription.Status.CONFIRMED
    )
    if cutoff is not None:
        subs = subs.filter(
            Q(confirmed_at__lte=cutoff)
            | Q(confirmed_at__isnull=True, created_at__lte=cutoff)
        )
    return Subscriber.objects.filter(pk__in=subs.values("subscriber_id"))


class AddressHash(SHA256):
    """SHA-256 (hex) of the UTF-8 bytes of an address column, in SQL: the
    digest ``hash_normalised`` stores in Suppression.email_hash. Django's
    PostgreSQL SHA256 needs pgcrypto; PostgreSQL has sha256() built in."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')",
            **extra_context,
        )


def unsuppressed(subscribers):
    """``subscribers`` without those whose address hash is suppressed, as a
    NOT EXISTS on the unique hash index: no address comes into Python."""
    return subscribers.exclude(
        Exists(Suppression.objects.filter(email_hash=AddressHash(OuterRef("email"))))
    )


def recipients_by_reader_language(page, lists):
    """{(subscriber's language, language served): recipients}: who will
    read which edition, chosen as freeze_editions and materialise choose
    (served_language), so that the send wizard says what sending does."""
    translations = live_translations(page)
    source = _source_language(page, translations)
    counts = {}
    rows = (
        unsuppressed(audience(lists))
        .order_by()
        .values("language")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = (row["language"], served_language(row["language"], translations, source))
        counts[key] = counts.get(key, 0) + row["n"]
    return {key: n for key, n in sorted(counts.items()) if n}


def recipients_by_language(page, lists):
    """{language served: recipients}."""
    counts = {}
    for (_reader, served), n in recipients_by_reader_language(page, lists).items():
        counts[served] = counts.get(served, 0) + n
    return dict(sorted(counts.items()))


# Transitions -----------------------------------------------------------------


def _locked(campaign_id):
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def start(campaign_id, send_at=None):
    """Schedule (``send_at`` in the future) or start now. Only a draft starts:
    the second click of a double click finds it started and changes nothing.
    Returns whether this call started it."""
    now = timezone.now()
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.status != Status.DRAFT:
            return False
        if not campaign.lists.exists():
            raise CampaignError("Choose at least one list.")
        campaign.scheduled_at = send_at or now
        if send_at and send_at > now:
            campaign.status = Status.SCHEDULED
        else:
            campaign.status = Status.PREPARING
            campaign.heartbeat_at = now
            transaction.on_commit(lambda: enqueue.send_campaign(campaign_id))
        campaign.save(update_fields=["status", "scheduled_at", "heartbeat_at"])
    return True


def start_due():
    """Scheduled campaigns whose time has come begin preparing (beat)."""
    started = []
    due = Campaign.objects.filter(
        status=Status.SCHEDULED, scheduled_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    for campaign_id in due:
        with transaction.atomic():
            campaign = _locked(campaign_id)
            if campaign.status != Status.SCHEDULED:
                continue
            campaign.status = Status.PREPARING
            campaign.heartbeat_at = timezone.now()
            campaign.save(update_fields=["status", "heartbeat_at"])
            transaction.on_commit(lambda pk=campaign_id: enqueue.send_campaign(pk))
            started.append(campaign_id)
    return started


def prepare(campaign_id):
    """Freeze editions, materialise deliveries, start sending."""
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.status != Status.PREPARING:
            return False
        now = timezone.now()
        campaign.audience_cutoff = campaign.audience_cutoff or now
        campaign.heartbeat_at = now
        campaign.save(update_fields=["audience_cutoff", "heartbeat_at"])
    try:
        editions = freeze_editions(campaign)
    except NewsletterRenderError as exc:
        with transaction.atomic():
            campaign = _locked(campaign_id)
            campaign.status = Status.FAILED
            campaign.error = "\n".join(exc.messages)
            campaign.finished_at = timezone.now()
            campaign.save(update_fields=["status", "error", "finished_at"])
        return False
    materialise(campaign, editions)
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.status != Status.PREPARING:
            return False
        now = timezone.now()
        campaign.status = Status.SENDING
        campaign.prepared_at = campaign.started_at = now
        campaign.recipients = campaign.deliveries.count()
        campaign.save(
            update_fields=["status", "prepared_at", "started_at", "recipients"]
        )
        dispatch(campaign)
    return True


def pause(campaign_id):
    return _move(campaign_id, {Status.SENDING}, Status.PAUSED)


def resume(campaign_id):
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.status != Status.PAUSED:
            return False
        campaign.status = Status.SENDING
        campaign.save(update_fields=["status"])
        dispatch(campaign)
    return True


def cancel(campaign_id):
    """Stop for good; deliveries not yet sent are skipped as cancelled."""
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.status not in (
            Status.DRAFT,
            Status.SCHEDULED,
            Status.PREPARING,
            Status.SENDING,
            Status.PAUSED,
        ):
            return False
        campaign.status = Status.CANCELLED
        campaign.finished_at = timezone.now()
        campaign.save(update_fields=["status", "finished_at"])
        campaign.deliveries.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SKIPPED, reason="cancelled"
        )
    return True


def _move(campaign_id, sources, target):
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.status not in sources:
            return False
        campaign.status = target
        campaign.save(update_fields=["status"])
    return True


def finish_if_done(campaign_id):
    """Sent only when no delivery is pending or sending."""
    busy = Delivery.objects.filter(
        campaign_id=campaign_id,
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING],
    )
    if busy.exists():
        return False
    with transaction.atomic():
        campaign = _locked(campaign_id)
        if campaign.status != Status.SENDING or busy.exists():
            return False
        campaign.status = Status.SENT
        campaign.finished_at = timezone.now()
        campaign.save(update_fields=["status", "finished_at"])
    return True


# Editions and deliveries ----------------------------------------------------


def freeze_editions(campaign):
    """{language: CampaignEdition} for every language the audience is served
    in, rendered once from the live revision; kept as they are on a re-run."""
    page = campaign.newsletter
    translations = live_translations(page)
    source = _source_language(page, translations)
    languages = set(
        audience(campaign.lists.all(), campaign.audience_cutoff)
        .values_list("language", flat=True)
        .distinct()
    )
    served = {served_language(code, translations, source) for code in languages}
    served.add(source)
    editions = {e.language: e for e in campaign.editions.all()}
    now = timezone.now()
    for code in sorted(served - set(editions)):
        translation = translations.get(code)
        if translation is None:
            translation = page.get_translations(inclusive=True).get(
                locale__language_code=code
            )
        revision = translation.live_revision
        live = revision.as_object() if revision else translation.specific
        edition = render_edition(live, now=now)
        editions[code], _ = CampaignEdition.objects.get_or_create(
            campaign=campaign,
            language=code,
            defaults={
                "page_id": translation.pk,
                "revision_id": revision.pk if revision else None,
                "data": edition_to_dict(edition),
            },
        )
    return editions


def _email_hash_sql():
    if connection.vendor == "postgresql":
        return "encode(sha256(convert_to(s.email, 'UTF8')), 'hex')"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function(
            "nl_sha256", 1, _sha256, deterministic=True
        )
        return "nl_sha256(s.email)"
    raise NotImplementedError(f"No address hash in SQL for {connection.vendor}.")


def _sha256(value):
    return hashlib.sha256(value.encode("ascii")).hexdigest()


def materialise(campaign, editions):
    """One ``INSERT ... SELECT``: a pending delivery per confirmed, unsuppressed
    subscriber of the campaign's lists, each once, in their served language.
    Rows already there (an earlier, interrupted run) stay as they are."""
    page = campaign.newsletter
    translations = dict.fromkeys(editions, True)
    source = _source_language(page, live_translations(page))
    mapping = {
        code: editions[served_language(code, translations, source)].pk
        for code in (c for c, _name in settings.WAGTAIL_CONTENT_LANGUAGES)
    }
    default_edition = (
        editions[source].pk
        if source in editions
        else min(e.pk for e in editions.values())
    )
    list_ids = list(campaign.lists.values_list("pk", flat=True))
    case = " ".join("WHEN %s THEN %s" for _ in mapping)
    case_params = [x for pair in mapping.items() for x in pair]
    suppression = ""
    if Suppression.objects.exists():
        table = Suppression._meta.db_table
        digest = _email_hash_sql()
        suppression = (
            f"AND NOT EXISTS (SELECT 1 FROM {table} p WHERE p.email_hash = {digest})"  # noqa: E501, S608
        )
    lists_sql = ", ".join("%s" for _ in list_ids)
    sql = f"""
        INSERT INTO {Delivery._meta.db_table}
            (campaign_id, subscriber_id, edition_id, status, attempts,
             claimed_by, reason, flagged)
        SELECT %s, s.id, CASE s.language {case} ELSE %s END, %s, 0, '', '', %s
        FROM {Subscriber._meta.db_table} s
        WHERE EXISTS (
            SELECT 1 FROM {Subscription._meta.db_table} x
            WHERE x.subscriber_id = s.id
              AND x.mailing_list_id IN ({lists_sql})
              AND x.status = %s
              AND COALESCE(x.confirmed_at, x.created_at) <= %s
        ) {suppression}
        ON CONFLICT (campaign_id, subscriber_id) DO NOTHING
    """  # noqa: S608 (table names from models; values are parameters)
    params = [
        campaign.pk,
        *case_params,
        default_edition,
        Delivery.Status.PENDING,
        False,
        *list_ids,
        Subscription.Status.CONFIRMED,
        campaign.audience_cutoff,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def chunk_ranges(campaign_id, size=None):
    """(first id, last id) of consecutive runs of ``size`` pending deliveries,
    computed in SQL so that a million rows never come into Python."""
    size = size or app_settings.NEWSLETTERS_SEND_CHUNK_SIZE
    table = Delivery._meta.db_table
    sql = f"""
        SELECT MIN(id), MAX(id) FROM (
            SELECT id, (ROW_NUMBER() OVER (ORDER BY id) - 1) / %s AS chunk
            FROM {table} WHERE campaign_id = %s AND status = %s
        ) numbered GROUP BY chunk ORDER BY 1
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [size, campaign_id, Delivery.Status.PENDING])
        return cursor.fetchall()


def dispatch(campaign):
    """Hand a chunk task per range of pending deliveries to the broker once
    the transaction commits. Safe to repeat: a chunk sends only rows it
    claims, and a row is claimed once."""
    ranges = chunk_ranges(campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(dispatched_at=timezone.now())

    def send():
        for first, last in ranges:
            enqueue.deliver_chunk(campaign.pk, first, last)

    transaction.on_commit(send)
    return len(ranges)


def dispatch_rows(campaign_id, ids):
    """Chunk tasks covering the deliveries ``ids`` (released by the
    reconciler), in runs of at most the chunk size, once the transaction
    commits."""
    ids = sorted(ids)
    size = app_settings.NEWSLETTERS_SEND_CHUNK_SIZE
    ranges = [
        (part[0], part[-1])
        for part in (ids[i : i + size] for i in range(0, len(ids), size))
    ]

    def send():
        for first, last in ranges:
            enqueue.deliver_chunk(campaign_id, first, last)

    transaction.on_commit(send)
    return len(ranges)

"""Polling and importing: one organisation's feed fetched, parsed and filed
as drafts, its FeedState kept, its reviewers told once per poll."""

import contextvars
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin import signal_handlers as wagtail_notifications
from wagtail.models import Locale, TaskState

from ..conf import app_settings
from ..intake import (
    create_draft_news,
    plain_text,
)
from ..models import FeedItem, FeedState, NewsPage, Organisation
from .errors import FeedError, message
from .fetching import fetch
from .parsing import content_language, entry_texts, parse

logger = logging.getLogger(__name__)


@dataclass
class PollResult:
    organisation_id: int
    status: str  # "imported", "not_modified" or "failed"
    imported: int = 0
    error: str = ""  # in English, for the task's result and logs
    code: str = ""  # news.feeds.errors.MESSAGES


def feed_organisation_ids():
    """One organisation per CSO (rows per locale share a translation key) that
    has a feed: the default-locale row if it has the URL, else the oldest."""
    rows = (
        Organisation.objects.exclude(feed_url="")
        .order_by("pk")
        .values_list("pk", "translation_key", "locale__language_code")
    )
    chosen = {}
    for pk, key, language in rows:
        current = chosen.get(key)
        is_default = language == settings.LANGUAGE_CODE
        if current is None or (is_default and current[1] != settings.LANGUAGE_CODE):
            chosen[key] = (pk, language)
    return sorted(pk for pk, _language in chosen.values())


def poll_organisation(organisation_id):
    """Fetch, parse and import one organisation's feed. Never raises: any
    failure is recorded on its FeedState as a reason's code and parameters
    (news.feeds.errors), put into words when someone reads it."""
    organisation = (
        Organisation.objects.select_related("country")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None or not organisation.feed_url:
        missing = FeedError("no_feed")
        return PollResult(
            organisation_id, "failed", error=str(missing), code=missing.code
        )
    state, created = FeedState.objects.get_or_create(organisation=organisation)
    first_poll = created or _after_outage(state)
    state.last_checked_at = timezone.now()
    state.save(update_fields=["last_checked_at"])
    try:
        result = fetch(organisation.feed_url, state.etag, state.last_modified)
        if result.not_modified:
            _record_success(state, imported=0)
            return PollResult(organisation_id, "not_modified")
        feed = parse(result.body, result.url, result.headers)
        imported, problems = import_entries(organisation, feed, first_poll=first_poll)
    except FeedError as exc:
        return _record_failure(state, exc)
    except Exception as exc:
        logger.exception("Feed of organisation %s failed", organisation_id)
        return _record_failure(state, FeedError("unexpected", kind=type(exc).__name__))
    state.etag = result.etag
    state.last_modified = result.last_modified
    _record_success(state, imported=imported, problems=problems)
    return PollResult(organisation_id, "imported", imported=imported)


def _after_outage(state):
    """No success yet, or none for NEWS_FEED_FIRST_POLL_DAYS: what the feed
    holds now is mostly old news, so this poll counts as a first one."""
    days = app_settings.NEWS_FEED_FIRST_POLL_DAYS
    return state.last_success_at is None or (
        state.last_success_at < timezone.now() - timedelta(days=days)
    )


def _record_success(state, imported, problems=()):
    """The poll read the feed: ``imported`` drafts filed, ``problems`` (messages)
    the entries that could not be, counted apart; the first is the reason."""
    now = timezone.now()
    state.last_success_at = now
    state.consecutive_failures = 0
    state.items_imported = F("items_imported") + imported
    state.last_imported = imported
    state.last_problems = len(problems)
    fields = [
        "etag",
        "last_modified",
        "last_success_at",
        "consecutive_failures",
        "items_imported",
        "last_imported",
        "last_problems",
    ]
    if problems:
        reason = message("entries_not_imported", count=len(problems), first=problems[0])
        _set_reason(state, reason["code"], reason["params"], now)
        fields += [
            "last_error",
            "last_error_code",
            "last_error_params",
            "last_error_at",
        ]
    state.save(update_fields=fields)
    state.refresh_from_db(fields=["items_imported"])


def _set_reason(state, code, params, when):
    state.last_error = ""  # the text of reasons recorded before codes
    state.last_error_code = code
    state.last_error_params = params
    state.last_error_at = when


def _record_failure(state, error):
    _set_reason(state, error.code, error.params, timezone.now())
    state.last_imported = state.last_problems = 0
    state.consecutive_failures = F("consecutive_failures") + 1
    state.save(
        update_fields=[
            "last_error",
            "last_error_code",
            "last_error_params",
            "last_error_at",
            "last_imported",
            "last_problems",
            "consecutive_failures",
        ]
    )
    state.refresh_from_db(fields=["consecutive_failures"])
    logger.warning("Feed of organisation %s failed: %s", state.organisation_id, error)
    return PollResult(
        state.organisation_id, "failed", error=str(error), code=error.code
    )


def guid_hash(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def import_entries(organisation, feed, first_poll=False):
    """File the feed's new entries as drafts, newest first, at most
    NEWS_FEED_MAX_ITEMS_PER_POLL. Returns (count imported, problems), the
    problems as messages of news.feeds.errors.

    A first poll (a new feed, or one back after a long outage) files only
    entries of the last NEWS_FEED_FIRST_POLL_DAYS, at most
    NEWS_FEED_FIRST_POLL_ITEMS, and remembers the others as seen: a feed
    of fifty old posts is not fifty drafts for the moderators, now or later.
    """
    problems = [message("entry_without_key") for entry in feed.entries if not entry.key]
    entries = [entry for entry in feed.entries if entry.key]
    # Newest first (undated ones after), keeping the feed's order otherwise.
    entries.sort(
        key=lambda e: e.published or datetime.min.replace(tzinfo=UTC), reverse=True
    )
    seen = set(
        FeedItem.objects.filter(
            organisation__translation_key=organisation.translation_key,
            guid_hash__in=[guid_hash(entry.key) for entry in entries],
        ).values_list("guid_hash", flat=True)
    )
    limit = app_settings.NEWS_FEED_MAX_ITEMS_PER_POLL
    if first_poll:
        entries = _first_poll_entries(organisation, entries, seen)
        limit = min(limit, app_settings.NEWS_FEED_FIRST_POLL_ITEMS)
    pages = []
    quiet = _QUIET_REVIEW.set(True)
    try:
        for entry in entries:
            if len(pages) >= limit:
                break
            digest = guid_hash(entry.key)
            if digest in seen:
                continue
            seen.add(digest)
            try:
                page = _import_entry(organisation, feed, entry, digest)
            except Exception as exc:
                logger.exception(
                    "Entry %r of organisation %s failed",
                    entry.key[:200],
                    organisation.pk,
                )
                problems.append(
                    message(
                        "entry_failed", title=entry.title[:80], kind=type(exc).__name__
                    )
                )
                continue
            if page is not None:
                pages.append(page.pk)
    finally:
        _QUIET_REVIEW.reset(quiet)
    if pages:
        transaction.on_commit(lambda: notify_moderators(organisation.pk, pages))
    return len(pages), problems


# Wagtail mails a task's reviewers each time a page enters it; a poll that
# files several drafts sends one message per reviewer instead (see
# notify_moderators), so the per-page notice is held back while it imports.
_QUIET_REVIEW = contextvars.ContextVar("news_feed_quiet_review", default=False)
_review_notifier = wagtail_notifications.task_submission_email_notifier


def _unless_quiet(can_handle):
    def handled(instance, **kwargs):
        return not _QUIET_REVIEW.get() and can_handle(instance, **kwargs)

    return handled


_review_notifier.can_handle = _unless_quiet(_review_notifier.can_handle)


def notify_moderators(organisation_id, page_ids):
    """One message per reviewer for all the drafts one poll filed: the
    reviewers Wagtail would have mailed for each (their task's groups, with
    their notification preferences), each told once."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    states = TaskState.objects.filter(
        workflow_state__object_id__in=[str(pk) for pk in page_ids],
        status=TaskState.STATUS_IN_PROGRESS,
    ).select_related("task")
    recipients = {}
    for state in states:
        for user in _review_notifier.get_valid_recipients(state.specific):
            recipients.setdefault(user.pk, user)
    if not recipients:
        return
    pages = NewsPage.objects.filter(pk__in=page_ids).order_by("pk")
    lines = [
        f"- {page.title}\n  {settings.WAGTAILADMIN_BASE_URL}"
        f"{reverse('wagtailadmin_pages:edit', args=[page.pk])}"
        for page in pages
    ]
    subject = _("%(count)s new drafts from the feed of %(organisation)s") % {
        "count": len(lines),
        "organisation": organisation,
    }
    body = _("These drafts from a CSO feed wait for your review:") + "\n\n"
    body += "\n".join(lines) + "\n"
    for user in recipients.values():
        send_mail(subject, body, None, [user.email], fail_silently=False)


def _first_poll_entries(organisation, entries, seen):
    """The new entries a first poll files; the rest are remembered (without
    a page) so that no later poll files them either."""
    cutoff = timezone.now() - timedelta(days=app_settings.NEWS_FEED_FIRST_POLL_DAYS)
    new = [entry for entry in entries if guid_hash(entry.key) not in seen]
    recent = [e for e in new if e.published is None or e.published >= cutoff]
    chosen = recent[: app_settings.NEWS_FEED_FIRST_POLL_ITEMS]
    chosen_keys = {entry.key for entry in chosen}
    FeedItem.objects.bulk_create(
        [
            FeedItem(organisation=organisation, guid=e.key, guid_hash=guid_hash(e.key))
            for e in {e.key: e for e in new if e.key not in chosen_keys}.values()
        ],
        ignore_conflicts=True,
    )
    return chosen


def _import_entry(organisation, feed, entry, digest):
    """One entry as a draft under review, remembered so it is filed once.
    The page, or None if another poll filed it first."""
    title, lead, body_html = entry_texts(entry)
    country = organisation.country
    fallback = country.languages[0] if country.languages else ""
    language = content_language(
        entry.language or feed.language, f"{title} {lead}", fallback
    )
    locale = (
        Locale.objects.filter(language_code=language).first() or Locale.get_default()
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                item = FeedItem.objects.create(
                    organisation=organisation,
                    guid=entry.key,
                    guid_hash=digest,
                )
        except IntegrityError:
            return None
        page = create_draft_news(
            country=country,
            locale=locale,
            title=title or plain_text(lead, 100),
            lead=lead,
            body_html=body_html,
            provenance=NewsPage.Provenance.FEED,
            organisation=organisation.get_translation_or_none(locale) or organisation,
            source_url=entry.link,
            date=timezone.localdate(entry.published) if entry.published else None,
        )
        item.page = page
        item.save(update_fields=["page"])
    return page

"""Checking a feed without importing it (``manage.py check_feed`` and the
feed admin)."""

import logging
from pathlib import Path
from urllib.parse import urlsplit

from ..conf import app_settings
from ..intake import (
    body_from_html,
)
from .errors import FeedError
from .fetching import fetch, too_large
from .parsing import content_language, entry_texts, parse

logger = logging.getLogger(__name__)


def check_source(source, fallback_language=""):
    """What importing ``source`` (a feed URL, or a local file's path) would
    file, without writing anything: ``{"source", "ok", "error", "code",
    "params", "entries"}``, each entry with its title, link, date, language
    and body as stored. ``error`` is the reason in English; ``code`` and
    ``params`` put it into any language (news.feeds.errors.render).

    URLs go through the same SSRF guard and caps as polling.
    """
    report = {
        "source": source,
        "ok": False,
        "error": "",
        "code": "",
        "params": {},
        "entries": [],
    }
    try:
        body, base_url, headers = _read_source(source)
        feed = parse(body, base_url, headers)
    except Exception as exc:
        if not isinstance(exc, FeedError):
            logger.exception("Checking the feed %s failed", str(source)[:200])
            exc = FeedError("unexpected", kind=type(exc).__name__)
        report.update(error=str(exc), code=exc.code, params=exc.params)
        return report
    for entry in feed.entries:
        report["entries"].append(_entry_report(feed, entry, fallback_language))
    report["ok"] = True
    return report


def _read_source(source):
    parts = urlsplit(str(source))
    if parts.scheme in ("http", "https"):
        result = fetch(source)
        return result.body, result.url, result.headers
    path = Path(source)
    if parts.scheme or not path.is_file():
        raise FeedError("not_a_source")
    limit = app_settings.NEWS_FEED_MAX_BYTES
    with path.open("rb") as handle:
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise too_large()
    return body, "", {}


def _entry_report(feed, entry, fallback_language):
    title, lead, body_html = entry_texts(entry)
    body = body_from_html(body_html)
    return {
        "title": title,
        "link": entry.link,
        "date": entry.published.isoformat() if entry.published else None,
        "language": content_language(
            entry.language or feed.language, f"{title} {lead}", fallback_language
        ),
        "body": str(body[0][1].source) if body else "",
    }

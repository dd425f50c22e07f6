"""Parsing a feed with feedparser, however broken, into entries: text and
HTML told apart, links absolute, identity kept as published, the content
language chosen."""

import codecs
import contextlib
import html
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import nh3
from django.conf import settings

from home.locales import content_language_codes

from ..intake import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    inert,
    plain_text,
)
from .dates import parse_date
from .errors import FeedError

logger = logging.getLogger(__name__)


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


@dataclass
class Entry:
    """One item; ``title`` is text (its markup decoded once), ``summary_html``
    and ``content_html`` are HTML still to be sanitised, links absolute."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary_html: str = ""
    content_html: str = ""
    published: datetime | None = None
    language: str = ""
    key: str = ""


@dataclass
class Feed:
    language: str = ""
    entries: list = field(default_factory=list)


# An entry's id is its identity as published, never resolved like a link:
# feedparser would turn a permalink guid "g-1" into a URL on the feed's base,
# and a base that moves (a redirect, a new Content-Location) would make every
# entry new again.
feedparser.mixin._FeedParserMixin.can_be_relative_uri = frozenset(
    feedparser.mixin._FeedParserMixin.can_be_relative_uri - {"id"}
)

# A DOCTYPE with an internal subset ("[" before its end) or any entity
# declaration before the root element: the billion-laughs and XXE shapes.
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_ROOT = re.compile(r"<[A-Za-z_]")
_UTF16_32 = {
    codecs.BOM_UTF32_LE: "utf-32",
    codecs.BOM_UTF32_BE: "utf-32",
    codecs.BOM_UTF16_LE: "utf-16",
    codecs.BOM_UTF16_BE: "utf-16",
    b"<\x00\x00\x00": "utf-32-le",
    b"\x00\x00\x00<": "utf-32-be",
    b"<\x00?\x00": "utf-16-le",
    b"\x00<\x00?": "utf-16-be",
    b"<\x00!\x00": "utf-16-le",
    b"\x00<\x00!": "utf-16-be",
}


def _prolog(body):
    """What comes before the root element, as text (ASCII is all it needs)."""
    head = body[:65536].lstrip(b" \t\r\n")
    encoding = next(
        (name for mark, name in _UTF16_32.items() if head.startswith(mark)), None
    )
    text = head.decode(encoding or "latin-1", "ignore")
    root = _ROOT.search(text)
    return text[: root.start()] if root else text


def refuse_dtd(body):
    """FeedError if the document declares its own DTD subset or entities.

    A public DOCTYPE without a subset (RSS 0.91's Netscape DTD) is fine:
    nothing fetches it.
    """
    prolog = _prolog(body)
    if _DOCTYPE_SUBSET.search(prolog) or _ENTITY.search(prolog):
        raise FeedError("dtd_refused")


def parse(body, base_url="", headers=None):
    """RSS (0.9x, 1.0, 2.0) or Atom (0.3, 1.0) bytes as a Feed, read by
    feedparser however broken the XML; FeedError if it is no feed at all.

    ``headers`` are the response's (lower-case names): the charset of
    Content-Type, and Content-Location as the base of relative links
    (itself relative to ``base_url``, the address the feed came from).
    """
    if not body or not body.strip():
        raise FeedError("empty")
    refuse_dtd(body)
    headers = dict(headers or {})
    base = base_url
    with contextlib.suppress(ValueError):
        base = urljoin(base_url, headers.get("content-location", "")) or base_url
    response_headers = {
        "content-type": headers.get("content-type") or "application/xml",
        "content-location": base,
    }
    if headers.get("content-language"):
        response_headers["content-language"] = headers["content-language"]
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers=response_headers,
            resolve_relative_uris=True,
            sanitize_html=False,
        )
    except Exception as exc:
        logger.warning("feedparser failed on a feed from %s", base_url, exc_info=True)
        raise FeedError("unreadable", kind=type(exc).__name__) from None
    if not parsed.get("version") and not parsed.entries:
        raise _not_a_feed(parsed)
    feed = Feed(language=str(parsed.feed.get("language") or ""))
    # RSS titles and descriptions are HTML whatever feedparser guesses from
    # their look; Atom says which of text, html or xhtml each construct is.
    atom = str(parsed.get("version") or "").startswith("atom")
    for raw in parsed.entries:
        feed.entries.append(_entry(raw, atom, base))
    _give_keys(feed.entries)
    return feed


def _not_a_feed(parsed):
    problem = parsed.get("bozo_exception")
    if isinstance(problem, feedparser.CharacterEncodingUnknown):
        return FeedError("unknown_encoding")
    line = getattr(problem, "getLineNumber", None)
    column = getattr(problem, "getColumnNumber", None)
    if parsed.get("bozo") and callable(line) and callable(column):
        return FeedError("not_xml", line=line(), column=column())
    return FeedError("not_a_feed")


def _joined(base, value):
    try:
        return urljoin(base, value)
    except ValueError:
        return ""


def _entry(raw, atom, base):
    content = next((c for c in raw.get("content") or [] if c.get("value")), None) or {}
    summary = raw.get("summary_detail") or {}
    guid = str(raw.get("id") or "").strip()
    link = _link(raw.get("link"))
    if raw.get("guidislink") and (not link or link == guid):
        link = _link(_joined(base, guid))
    published = None
    # "in" first: asking for a missing "updated" makes feedparser hand back
    # "published" with a DeprecationWarning.
    for name in ("published", "updated", "created"):
        if name in raw and raw[name]:
            published = parse_date(raw[name])
            if published is not None:
                break
    title_detail = raw.get("title_detail") or {}
    return Entry(
        guid=guid,
        link=link,
        title=_as_text(raw.get("title"), _kind(title_detail, atom)),
        summary_html=_absolute_links(
            _as_html(raw.get("summary"), _kind(summary, atom))
        ),
        content_html=_absolute_links(
            _as_html(content.get("value"), _kind(content, atom))
        ),
        published=published,
        language=str(content.get("language") or title_detail.get("language") or ""),
    )


def _kind(detail, atom):
    return detail.get("type") if atom else "text/html"


def _as_text(value, kind):
    """A text construct as text: HTML decoded once, plain text as it is."""
    value = str(value or "")
    if kind in ("text/html", "application/xhtml+xml"):
        return plain_text(value)
    return " ".join(inert(value).split())


def _as_html(value, kind):
    value = str(value or "").strip()
    if not value:
        return ""
    if kind in ("text/html", "application/xhtml+xml"):
        return value
    return html.escape(value, quote=False)


def _link(value):
    """An absolute http(s) link, or nothing (javascript:, relative leftovers)."""
    value = str(value or "").strip()
    try:
        scheme = urlsplit(value).scheme
    except ValueError:
        return ""
    return value if scheme in ("http", "https") and len(value) <= 1000 else ""


def _absolute_links(value):
    """Body HTML whose links are all absolute: feedparser resolved them
    against xml:base, Content-Location and the feed's address; what is still
    relative (no usable base) would point at our own website, so it goes."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_absolute_href,
        link_rel=None,
        strip_comments=True,
    )


def _absolute_href(tag, attribute, value):
    if attribute != "href":
        return value
    if value.lower().startswith("mailto:"):
        return value
    return _link(value) or None


def _give_keys(entries):
    """What makes an entry the same one next time: its id, else its link,
    else its title. Entries without an id sharing one link are told apart
    (after the first) by title and date rather than dropped as one."""
    keyed = set()
    for entry in entries:
        if entry.guid:
            entry.key = entry.guid
        elif entry.link and entry.link not in keyed:
            entry.key = entry.link
        elif entry.link or entry.title:
            stamp = entry.published.isoformat() if entry.published else ""
            entry.key = f"{entry.link} {entry.title} {stamp}".strip()
        keyed.add(entry.link)


def content_language(declared, text="", fallback=""):
    """The content language for a feed's declared language (e.g. "sr-Latn",
    "tr-TR", "en_US"), else ``fallback``, else the default language.

    Serbian with no script subtag is taken as Cyrillic unless the text itself
    is mostly Latin.
    """
    codes = content_language_codes()
    tag = (declared or "").strip().lower().replace("_", "-")
    subtags = tag.split("-")
    if tag in codes:
        chosen = tag
    elif subtags[0] in ("sr", "sh"):
        if "latn" in subtags or subtags[0] == "sh":
            chosen = "sr-latn"
        elif "cyrl" in subtags:
            chosen = "sr"
        else:
            cyrillic = len(_CYRILLIC.findall(text))
            chosen = "sr" if cyrillic >= len(_LATIN.findall(text)) else "sr-latn"
    elif subtags[0] in codes:
        chosen = subtags[0]
    elif fallback in codes:
        chosen = fallback
    else:
        chosen = settings.LANGUAGE_CODE
    return chosen if chosen in codes else settings.LANGUAGE_CODE


def entry_texts(entry):
    """Title, lead and body HTML of an entry as a draft gets them."""
    title = entry.title
    lead = (
        plain_text(entry.summary_html) or plain_text(entry.content_html) or title or "—"
    )
    return title, lead, entry.content_html or entry.summary_html

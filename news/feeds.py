"""CSO feeds (RSS 0.9x, 1.0 and 2.0, Atom 0.3 and 1.0) fetched safely, read
however broken, and filed as drafts.

A feed URL is typed in by anyone who can edit an organisation, and its server
is outside our control, so everything here assumes hostility:

- Fetching goes through an SSRF guard: http and https only; the host is
  resolved once and refused if any of its addresses is private, loopback,
  link-local, multicast, reserved, unspecified or a cloud metadata address
  (IPv6 and IPv4-mapped forms included); the connection goes to that vetted
  address (no second lookup, so DNS rebinding cannot swap it), keeping the
  Host header and TLS name of the original host; redirects are followed by
  hand and each target is vetted again; the body is capped while streaming
  and the whole exchange is cut off at a total time limit.
- A document that declares its own DTD subset or entities is refused before
  parsing: billion-laughs and XXE documents are errors, not work.
- feedparser reads the bytes with the response's headers (the charset of
  Content-Type, Content-Location as a base of links), and reads what real
  CSO sites publish: undeclared entities, bare ampersands, unescaped markup.
- Entries become drafts through ``news.intake.create_draft_news`` (which
  sanitises their HTML and starts review), once each, by GUID or else link;
  an entry that fails is a problem counted on the feed, never its failure.

A broken or hostile feed is recorded on its ``FeedState`` as a short reason
and never stops the other feeds.
"""

import calendar
import codecs
import concurrent.futures
import contextlib
import contextvars
import hashlib
import html
import http.client
import io
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import nh3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from feedparser.datetimes import _parse_date as feedparser_date
from wagtail.admin import signal_handlers as wagtail_notifications
from wagtail.models import Locale, TaskState

from home.locales import content_language_codes

from .intake import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    body_from_html,
    create_draft_news,
    inert,
    plain_text,
)
from .models import FeedItem, FeedState, NewsPage, Organisation

logger = logging.getLogger(__name__)

USER_AGENT = "CivilSocietyProgrammeFeedReader/1.0"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Response headers the parser reads: the charset, the base of relative links
# and the language.
PARSER_HEADERS = ("content-type", "content-location", "content-language")
ERROR_MAX = 300

# Cloud instance metadata endpoints, refused even inside
# NEWS_FEED_ALLOWED_NETWORKS: they hand out credentials.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


class FeedError(Exception):
    """Why a feed could not be read, in words an editor understands."""


# Fetching


@dataclass
class FetchResult:
    not_modified: bool
    body: bytes = b""
    url: str = ""
    etag: str = ""
    last_modified: str = ""
    headers: dict = field(default_factory=dict)


def fetch(url, etag="", last_modified=""):
    """GET ``url`` through the SSRF guard, conditionally, within the caps.

    Raises FeedError with a short reason for anything refused or failed.
    """
    deadline = time.monotonic() + float(settings.NEWS_FEED_TIMEOUT_SECONDS)
    max_redirects = settings.NEWS_FEED_MAX_REDIRECTS
    for _hop in range(max_redirects + 1):
        response = _request(url, etag, last_modified, deadline)
        if response.status not in REDIRECT_STATUSES:
            return response.result(url)
        location = response.location
        if not location:
            raise FeedError(
                f"The server answered HTTP {response.status} with no address."
            )
        url = urljoin(url, location)
    raise FeedError(f"Too many redirects (more than {max_redirects}).")


@dataclass
class _Response:
    status: int
    location: str = ""
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    headers: dict = field(default_factory=dict)

    def result(self, url):
        if self.status == 304:
            return FetchResult(True, url=url)
        if self.status != 200:
            raise FeedError(f"The server answered HTTP {self.status}.")
        return FetchResult(
            False,
            body=self.body,
            url=url,
            etag=self.etag,
            last_modified=self.last_modified,
            headers=self.headers,
        )


def _request(url, etag, last_modified, deadline):
    parts = _checked_url(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = vetted_addresses(host, port, deadline)
    connection = _connection(parts.scheme, host, port, addresses, deadline)
    watchdog = threading.Timer(_remaining(deadline), connection.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        return _exchange(connection, parts, etag, last_modified, deadline)
    except FeedError:
        if connection.aborted:
            raise _timed_out() from None
        raise
    except TimeoutError:
        raise _timed_out() from None
    except (http.client.HTTPException, OSError) as exc:
        if connection.aborted or time.monotonic() >= deadline:
            raise _timed_out() from None
        raise FeedError(_network_reason(exc, host)) from None
    finally:
        watchdog.cancel()
        connection.close()


def _exchange(connection, parts, etag, last_modified, deadline):
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;"
        "q=0.9, text/xml;q=0.9, */*;q=0.5",
        "Accept-Encoding": "identity, gzip;q=0.5",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        return _Response(response.status, location=response.getheader("Location", ""))
    max_bytes = settings.NEWS_FEED_MAX_BYTES
    declared = response.getheader("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise _too_large()
    chunks = []
    size = 0
    while True:
        chunk = response.read1(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise _too_large()
        if time.monotonic() >= deadline:
            raise _timed_out()
        chunks.append(chunk)
    if connection.aborted:
        raise _timed_out()
    body = _decoded(b"".join(chunks), response.getheader("Content-Encoding", ""))
    return _Response(
        200,
        body=body,
        etag=(response.getheader("ETag") or "")[:255],
        last_modified=(response.getheader("Last-Modified") or "")[:64],
        headers={
            name: (response.getheader(name) or "")[:1000]
            for name in PARSER_HEADERS
            if response.getheader(name)
        },
    )


def _decoded(body, encoding):
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FeedError(f"The server sent an unsupported encoding ({encoding[:20]}).")
    max_bytes = settings.NEWS_FEED_MAX_BYTES
    wbits = zlib.MAX_WBITS | 32  # gzip or zlib header, detected
    try:
        decoded = zlib.decompressobj(wbits).decompress(body, max_bytes + 1)
    except zlib.error:
        raise FeedError("The server sent a corrupt compressed body.") from None
    if len(decoded) > max_bytes:
        raise _too_large()
    return decoded


def _checked_url(url):
    try:
        parts = urlsplit((url or "").strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise FeedError("The feed address is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        scheme = parts.scheme or "none"
        raise FeedError(
            f"Only http and https feed addresses are allowed (not {scheme[:20]})."
        )
    if not parts.hostname:
        raise FeedError("The feed address has no host name.")
    return parts


def vetted_addresses(host, port, deadline):
    """The host's addresses, all of them allowed, or FeedError naming why not."""
    addresses = _resolve_within(host, port, deadline)
    if not addresses:
        raise FeedError(f"The host name {host[:100]} could not be found.")
    allowed = allowed_networks()
    for address in addresses:
        reason = forbidden_reason(address, allowed)
        if reason:
            raise FeedError(
                f"Refused: {host[:100]} points to {reason} ({address}), "
                "not a public internet address."
            )
    return addresses


def allowed_networks():
    """NEWS_FEED_ALLOWED_NETWORKS as networks (intranet feeds, tests)."""
    networks = []
    for value in settings.NEWS_FEED_ALLOWED_NETWORKS:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"NEWS_FEED_ALLOWED_NETWORKS: {value!r} is not a network (CIDR)."
            ) from None
    return networks


def forbidden_reason(address, allowed=()):
    """Why ``address`` may not be fetched, or None if it may.

    Metadata, unspecified and multicast addresses are refused whatever
    ``allowed`` says; other non-public addresses are fetched only inside one
    of the ``allowed`` networks.
    """
    if address.version == 6:
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return forbidden_reason(embedded, allowed)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if any(
        address.version == network.version and address in network for network in allowed
    ):
        return None
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private network address"
    if address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


def _embedded_ipv4(address):
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _resolve_within(host, port, deadline):
    """Resolve in a helper thread so a hanging resolver respects the deadline."""
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        future = executor.submit(resolve, host, port)
        return future.result(timeout=_remaining(deadline))
    except concurrent.futures.TimeoutError:
        raise _timed_out() from None
    except (OSError, UnicodeError):
        raise FeedError(f"The host name {host[:100]} could not be found.") from None
    finally:
        executor.shutdown(wait=False)


def resolve(host, port):
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def open_socket(address, port, timeout):
    """A TCP connection to one vetted address (a seam for tests)."""
    return socket.create_connection((str(address), port), timeout=timeout)


class _PinnedMixin:
    """Connects to the vetted addresses, never resolving the host name again."""

    def _setup(self, addresses, deadline):
        self._addresses = addresses
        self._deadline = deadline
        self._raw_socket = None
        self.aborted = False

    def _open_vetted(self):
        last_error = None
        for address in self._addresses:
            try:
                sock = open_socket(address, self.port, _remaining(self._deadline))
            except OSError as exc:
                last_error = exc
                continue
            self._raw_socket = sock
            return sock
        raise last_error or OSError("no address to connect to")

    def abort(self):
        """Called by the watchdog at the deadline: unblock any read or write."""
        self.aborted = True
        sock = self._raw_socket
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _PinnedHTTPConnection(_PinnedMixin, http.client.HTTPConnection):
    def connect(self):
        self.sock = self._open_vetted()


class _PinnedHTTPSConnection(_PinnedMixin, http.client.HTTPSConnection):
    def connect(self):
        sock = self._open_vetted()
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def tls_context():
    """Certificate and host name checks on (a seam for tests' own CA)."""
    return ssl.create_default_context()


def _connection(scheme, host, port, addresses, deadline):
    timeout = _remaining(deadline)
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, port, timeout=timeout, context=tls_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, port, timeout=timeout)
    connection._setup(addresses, deadline)
    return connection


def _remaining(deadline):
    return max(deadline - time.monotonic(), 0.001)


def _timed_out():
    return FeedError(
        "The feed took longer than "
        f"{settings.NEWS_FEED_TIMEOUT_SECONDS} seconds to download."
    )


def _too_large():
    limit = settings.NEWS_FEED_MAX_BYTES
    size = f"{limit / 1024 / 1024:g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return FeedError(f"The feed is larger than the {size} allowed.")


def _network_reason(exc, host):
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"The TLS certificate of {host[:100]} could not be verified."
    if isinstance(exc, ssl.SSLError):
        return f"The TLS connection to {host[:100]} failed."
    if isinstance(exc, ConnectionRefusedError):
        return f"{host[:100]} refused the connection."
    if isinstance(exc, http.client.HTTPException | ConnectionResetError):
        return f"{host[:100]} sent an invalid or incomplete HTTP response."
    detail = exc.strerror or type(exc).__name__
    return f"Could not reach {host[:100]} ({detail})."


# Parsing


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
        raise FeedError(
            _(
                "The feed declares its own DTD subset or entities, which are "
                "refused for safety."
            )
        )


def parse(body, base_url="", headers=None):
    """RSS (0.9x, 1.0, 2.0) or Atom (0.3, 1.0) bytes as a Feed, read by
    feedparser however broken the XML; FeedError if it is no feed at all.

    ``headers`` are the response's (lower-case names): the charset of
    Content-Type, and Content-Location as the base of relative links
    (itself relative to ``base_url``, the address the feed came from).
    """
    if not body or not body.strip():
        raise FeedError(_("The feed is empty."))
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
        raise FeedError(
            _("The feed could not be read (%(reason)s).")
            % {"reason": type(exc).__name__}
        ) from None
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(_not_a_feed(parsed))
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
        return _("The feed's character encoding is unknown.")
    if parsed.get("bozo") and problem is not None:
        return _(
            "This is not an RSS or Atom feed, nor well-formed XML (%(reason)s)."
        ) % {"reason": _short(str(problem))[:120]}
    return _("This is not an RSS or Atom feed.")


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
    for name in ("published", "updated", "created"):
        if raw.get(name):
            published = parse_date(raw.get(name))
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


# Month and weekday names of the programme's languages (Albanian, Bosnian,
# Serbian in both scripts, Macedonian, Turkish; Montenegrin is Serbian Latin),
# full, genitive and short, mapped to English for feedparser's parsers.
_MONTHS = {
    1: "januar january januara jan јануар јануара јан јануари siječanj "
    "siječnja sij ocak oca",
    2: "februar februara feb фебруар фебруара феб февруари фев shkurt shk "
    "veljača veljače velj şubat şub",
    3: "mart marta mar март марта мар mars ožujak ožujka ožu",
    4: "april aprila apr април априла апр prill pri travanj travnja tra nisan nis",
    5: "maj maja мај маја may svibanj svibnja svi mayıs",
    6: "jun juni juna јун јуна јуни qershor qer lipanj lipnja lip haziran haz",
    7: "jul juli jula јул јула јули korrik kor srpanj srpnja srp temmuz tem",
    8: "avgust avgusta august augusta avg aug август августа авг gusht gush "
    "kolovoz kolovoza kol ağustos ağu",
    9: "septembar septembra septemvri sep sept септембар септембра септември "
    "сеп shtator sht rujan rujna ruj eylül eyl",
    10: "oktobar oktobra okt октобар октобра октомври окт tetor tet listopad "
    "listopada lis ekim eki",
    11: "novembar novembra nov новембар новембра ноември ное нов nëntor nentor "
    "nën studeni studenog stu kasım kas",
    12: "decembar decembra dec децембар децембра декември дек дец dhjetor dhj "
    "prosinac prosinca pro aralık ara",
}
_MONTH_NAMES = {
    word.replace("ı", "i"): number
    for number, words in _MONTHS.items()
    for word in words.split()
}
_ENGLISH_MONTHS = [None, *calendar.month_abbr[1:]]
# Named zones feedparser does not know or takes differently, as offsets.
_ZONES = {
    "UTC": "+0000", "GMT": "+0000", "UT": "+0000", "Z": "+0000",
    "WET": "+0000", "WEST": "+0100", "BST": "+0100",
    "CET": "+0100", "CEST": "+0200", "MET": "+0100", "MEST": "+0200",
    "EET": "+0200", "EEST": "+0300", "MSK": "+0300", "TRT": "+0300",
    "EST": "-0500", "EDT": "-0400", "ET": "-0500",
    "CST": "-0600", "CDT": "-0500", "CT": "-0600",
    "MST": "-0700", "MDT": "-0600", "MT": "-0700",
    "PST": "-0800", "PDT": "-0700", "PT": "-0800",
}  # fmt: skip
_ZONE_AT_END = re.compile(r"(?<![A-Za-z])([A-Z]{1,4})\s*$")
_OFFSET_AT_END = re.compile(r"\s([+-]\d{2}):?(\d{2})\s*$")
_WORD = re.compile(r"[^\W\d_]+\.?")
_LOCAL_DATE = re.compile(
    r"(?P<day>\d{1,2})\.?\s*(?P<month>[^\W\d_]+)\.?,?\s*(?P<year>\d{4})\.?"
    r"(?:[^\d]*(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
)
_NUMERIC_DATE = re.compile(
    r"^(?P<day>\d{1,2})\.\s*(?P<month>\d{1,2})\.\s*(?P<year>\d{4})\.?"
    r"(?:[^\d]*(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
)
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)


def parse_date(value):
    """An aware datetime from a feed's date text, or None; never raises.

    feedparser reads RFC 822, ISO 8601 and their common mistakes; before it,
    month names in the programme's languages become English (weekday names
    go), day.month.year becomes RFC 822, and named zones become offsets. A
    date more than a day ahead is now (a wrong clock or a typo, not a
    scheduled post); one before 1990 is unknown.
    """
    value = " ".join(str(value or "").split())[:200]
    if not value:
        return None
    try:
        parsed = feedparser_date(_english_date(value))
        if parsed is None:
            return None
        moment = datetime(*parsed[:6], tzinfo=UTC)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    now = timezone.now()
    if moment > now + timedelta(days=1):
        return now
    if moment < EARLIEST_DATE:
        return None
    return moment


def _english_date(value):
    zone = ""
    match = _ZONE_AT_END.search(value)
    if match and match.group(1) in _ZONES:
        zone = _ZONES[match.group(1)]
        value = value[: match.start()].rstrip()
    offset = _OFFSET_AT_END.search(value)
    if offset and not zone and (_NUMERIC_DATE.match(value) or _local(value)):
        zone = offset.group(1) + offset.group(2)
        value = value[: offset.start()].rstrip()
    numeric = _NUMERIC_DATE.match(value)
    if numeric:
        return _rfc822(numeric, int(numeric["month"]), zone)
    if not _local(value):
        return f"{value} {zone}".strip()
    for local in _LOCAL_DATE.finditer(value):
        month = _MONTH_NAMES.get(_folded(local["month"]))
        if month:
            return _rfc822(local, month, zone)
    return f"{value} {zone}".strip()


def _local(value):
    """Whether ``value`` names a month in a language other than English."""
    return any(
        _MONTH_NAMES.get(_folded(word)) and not _is_english_month(word)
        for word in _WORD.findall(value)
    )


def _rfc822(match, month, zone):
    if not 1 <= month <= 12:
        return ""
    clock = match["time"] or "00:00:00"
    if clock.count(":") == 1:
        clock += ":00"
    return (
        f"{int(match['day']):02d} {_ENGLISH_MONTHS[month]} {match['year']} "
        f"{clock} {zone or '+0000'}"
    )


def _folded(word):
    return word.replace("İ", "i").lower().rstrip(".").replace("ı", "i")


_ENGLISH_NAMES = {
    name.lower()
    for name in (*calendar.month_abbr[1:], *calendar.month_name[1:], "Sept")
}


def _is_english_month(word):
    return _folded(word) in _ENGLISH_NAMES


# Language


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


# Checking without importing


def check_source(source, fallback_language=""):
    """What importing ``source`` (a feed URL, or a local file's path) would
    file, without writing anything: ``{"source", "ok", "error", "entries"}``,
    each entry with its title, link, date, language and body as stored.

    URLs go through the same SSRF guard and caps as polling.
    """
    report = {"source": source, "ok": False, "error": "", "entries": []}
    try:
        body, base_url, headers = _read_source(source)
        feed = parse(body, base_url, headers)
    except FeedError as exc:
        report["error"] = _short(str(exc))
        return report
    except Exception as exc:
        logger.exception("Checking the feed %s failed", str(source)[:200])
        report["error"] = _("Unexpected error while reading the feed (%(kind)s).") % {
            "kind": type(exc).__name__
        }
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
        raise FeedError(_("Neither a feed address (http, https) nor a file."))
    limit = settings.NEWS_FEED_MAX_BYTES
    with path.open("rb") as handle:
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise _too_large()
    return body, "", {}


def _entry_report(feed, entry, fallback_language):
    title, lead, body_html = _texts(entry)
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


def _texts(entry):
    """Title, lead and body HTML of an entry as a draft gets them."""
    title = entry.title
    lead = (
        plain_text(entry.summary_html) or plain_text(entry.content_html) or title or "—"
    )
    return title, lead, entry.content_html or entry.summary_html


# Importing


@dataclass
class PollResult:
    organisation_id: int
    status: str  # "imported", "not_modified" or "failed"
    imported: int = 0
    error: str = ""


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


def poll_all():
    """Poll every feed here, one after another (the tasks do it in parallel)."""
    return [poll_organisation(pk) for pk in feed_organisation_ids()]


def poll_organisation(organisation_id):
    """Fetch, parse and import one organisation's feed. Never raises: any
    failure is recorded on its FeedState as a short reason."""
    organisation = (
        Organisation.objects.select_related("country")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None or not organisation.feed_url:
        return PollResult(organisation_id, "failed", error="No feed to poll.")
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
        return _record_failure(state, str(exc))
    except Exception as exc:
        logger.exception("Feed of organisation %s failed", organisation_id)
        return _record_failure(
            state, f"Unexpected error while reading the feed ({type(exc).__name__})."
        )
    state.etag = result.etag
    state.last_modified = result.last_modified
    _record_success(state, imported=imported, problems=problems)
    return PollResult(organisation_id, "imported", imported=imported)


def _after_outage(state):
    """No success yet, or none for NEWS_FEED_FIRST_POLL_DAYS: what the feed
    holds now is mostly old news, so this poll counts as a first one."""
    days = settings.NEWS_FEED_FIRST_POLL_DAYS
    return state.last_success_at is None or (
        state.last_success_at < timezone.now() - timedelta(days=days)
    )


def _record_success(state, imported, problems=()):
    now = timezone.now()
    state.last_success_at = now
    state.consecutive_failures = 0
    state.items_imported = F("items_imported") + imported
    fields = [
        "etag",
        "last_modified",
        "last_success_at",
        "consecutive_failures",
        "items_imported",
    ]
    if problems:
        count = len(problems)
        noun = "entry" if count == 1 else "entries"
        state.last_error = _short(
            f"{count} {noun} could not be imported: {problems[0]}"
        )
        state.last_error_at = now
        fields += ["last_error", "last_error_at"]
    state.save(update_fields=fields)
    state.refresh_from_db(fields=["items_imported"])


def _record_failure(state, reason):
    state.last_error = _short(reason)
    state.last_error_at = timezone.now()
    state.consecutive_failures = F("consecutive_failures") + 1
    state.save(update_fields=["last_error", "last_error_at", "consecutive_failures"])
    state.refresh_from_db(fields=["consecutive_failures"])
    logger.warning(
        "Feed of organisation %s failed: %s", state.organisation_id, state.last_error
    )
    return PollResult(state.organisation_id, "failed", error=state.last_error)


def _short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def guid_hash(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def import_entries(organisation, feed, first_poll=False):
    """File the feed's new entries as drafts, newest first, at most
    NEWS_FEED_MAX_ITEMS_PER_POLL. Returns (count imported, problems).

    A first poll (a new feed, or one back after a long outage) files only
    entries of the last NEWS_FEED_FIRST_POLL_DAYS, at most
    NEWS_FEED_FIRST_POLL_ITEMS, and remembers the others as seen: a feed
    of fifty old posts is not fifty drafts for the moderators, now or later.
    """
    problems = [
        _("an entry without id, link or title")
        for entry in feed.entries
        if not entry.key
    ]
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
    limit = settings.NEWS_FEED_MAX_ITEMS_PER_POLL
    if first_poll:
        entries = _first_poll_entries(organisation, entries, seen)
        limit = min(limit, settings.NEWS_FEED_FIRST_POLL_ITEMS)
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
                problems.append(f"{entry.title[:80]!r} ({type(exc).__name__})")
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
    cutoff = timezone.now() - timedelta(days=settings.NEWS_FEED_FIRST_POLL_DAYS)
    new = [entry for entry in entries if guid_hash(entry.key) not in seen]
    recent = [e for e in new if e.published is None or e.published >= cutoff]
    chosen = recent[: settings.NEWS_FEED_FIRST_POLL_ITEMS]
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
    title, lead, body_html = _texts(entry)
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

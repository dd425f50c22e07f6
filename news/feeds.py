"""CSO feeds (RSS 2.0, RSS 1.0, Atom 1.0) fetched safely and filed as drafts.

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
- Parsing uses defusedxml with DTDs, entities and external references
  refused: billion-laughs and XXE documents are errors, not work.
- Entries become drafts through ``news.intake.create_draft_news`` (which
  sanitises their HTML and starts review), once each, by GUID or else link.

A broken or hostile feed is recorded on its ``FeedState`` as a short reason
and never stops the other feeds.
"""

import concurrent.futures
import contextlib
import hashlib
import html
import http.client
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Locale

from home.locales import content_language_codes

from .intake import create_draft_news, plain_text
from .models import FeedItem, FeedState, NewsPage, Organisation

logger = logging.getLogger(__name__)

USER_AGENT = "CivilSocietyProgrammeFeedReader/1.0"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
ERROR_MAX = 300

# Cloud instance metadata endpoints, refused even when private hosts are
# allowed: they hand out credentials.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")

NS_ATOM = "http://www.w3.org/2005/Atom"
NS_RSS1 = "http://purl.org/rss/1.0/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
NS_XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

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
    allow_private = settings.NEWS_FEED_ALLOW_PRIVATE_HOSTS
    for address in addresses:
        reason = forbidden_reason(address, allow_private)
        if reason:
            raise FeedError(
                f"Refused: {host[:100]} points to {reason} ({address}), "
                "not a public internet address."
            )
    return addresses


def forbidden_reason(address, allow_private=False):
    """Why ``address`` may not be fetched, or None if it may."""
    if address.version == 6:
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return forbidden_reason(embedded, allow_private)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if allow_private:
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
    """One item; ``title`` is text (its markup decoded once, by the parser),
    ``summary_html`` and ``content_html`` are HTML still to be sanitised."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary_html: str = ""
    content_html: str = ""
    published: datetime | None = None
    language: str = ""

    @property
    def key(self):
        """What makes this entry the same one next time: GUID, else link."""
        return self.guid or self.link


@dataclass
class Feed:
    language: str = ""
    entries: list = field(default_factory=list)


def parse(body, base_url=""):
    """RSS 2.0, RSS 1.0 or Atom 1.0 bytes as a Feed; FeedError if not one."""
    try:
        root = parse_xml(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise FeedError(
            "The feed declares a DTD or entities, which are refused for safety."
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise FeedError(
            f"The feed is not well-formed XML (line {line}, column {column})."
        ) from None
    if root.tag == "rss":
        return _parse_rss2(root, base_url)
    if root.tag == f"{{{NS_RDF}}}RDF":
        return _parse_rss1(root, base_url)
    if root.tag == f"{{{NS_ATOM}}}feed":
        return _parse_atom(root, base_url)
    name = root.tag.rsplit("}", 1)[-1][:30]
    raise FeedError(f"This is not an RSS or Atom feed (it starts with <{name}>).")


def _text(element, path):
    found = element.find(path)
    if found is None or found.text is None:
        return ""
    return found.text.strip()


def _link(value, base_url):
    """An absolute http(s) link, or nothing (javascript: and the like go)."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        url = urljoin(base_url, value)
        scheme = urlsplit(url).scheme
    except ValueError:
        return ""
    return url if scheme in ("http", "https") and len(url) <= 1000 else ""


def _parse_rss2(root, base_url):
    channel = root.find("channel")
    if channel is None:
        raise FeedError("The RSS feed has no channel.")
    feed = Feed(
        language=_text(channel, "language") or _text(channel, f"{{{NS_DC}}}language")
    )
    for item in channel.findall("item"):
        feed.entries.append(
            Entry(
                guid=_text(item, "guid"),
                link=_link(_text(item, "link"), base_url),
                title=plain_text(_text(item, "title")),
                summary_html=_text(item, "description"),
                content_html=_text(item, f"{{{NS_CONTENT}}}encoded"),
                published=parse_date(
                    _text(item, "pubDate") or _text(item, f"{{{NS_DC}}}date")
                ),
                language=_text(item, f"{{{NS_DC}}}language"),
            )
        )
    return feed


def _parse_rss1(root, base_url):
    channel = root.find(f"{{{NS_RSS1}}}channel")
    feed = Feed(
        language=_text(channel, f"{{{NS_DC}}}language") if channel is not None else ""
    )
    for item in root.findall(f"{{{NS_RSS1}}}item"):
        feed.entries.append(
            Entry(
                guid=(item.get(f"{{{NS_RDF}}}about") or "").strip(),
                link=_link(_text(item, f"{{{NS_RSS1}}}link"), base_url),
                title=plain_text(_text(item, f"{{{NS_RSS1}}}title")),
                summary_html=_text(item, f"{{{NS_RSS1}}}description"),
                content_html=_text(item, f"{{{NS_CONTENT}}}encoded"),
                published=parse_date(_text(item, f"{{{NS_DC}}}date")),
                language=_text(item, f"{{{NS_DC}}}language"),
            )
        )
    return feed


def _parse_atom(root, base_url):
    feed = Feed(language=(root.get(XML_LANG) or "").strip())
    for entry in root.findall(f"{{{NS_ATOM}}}entry"):
        feed.entries.append(
            Entry(
                guid=_text(entry, f"{{{NS_ATOM}}}id"),
                link=_link(_atom_link(entry), base_url),
                title=plain_text(_atom_html(entry.find(f"{{{NS_ATOM}}}title"))),
                summary_html=_atom_html(entry.find(f"{{{NS_ATOM}}}summary")),
                content_html=_atom_html(entry.find(f"{{{NS_ATOM}}}content")),
                published=parse_date(
                    _text(entry, f"{{{NS_ATOM}}}published")
                    or _text(entry, f"{{{NS_ATOM}}}updated")
                ),
                language=(entry.get(XML_LANG) or "").strip(),
            )
        )
    return feed


def _atom_link(entry):
    links = entry.findall(f"{{{NS_ATOM}}}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return ""


def _atom_html(element):
    """An Atom text construct (text, html or xhtml) as HTML."""
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "html":
        return (element.text or "").strip()
    if kind == "xhtml":
        return _xhtml(element)
    if element.get("src"):
        return ""
    return html.escape((element.text or "").strip())


def _xhtml(element):
    """The inside of an Atom xhtml construct as HTML text, namespaces dropped."""
    container = element.find(f"{{{NS_XHTML}}}div")
    if container is None:
        container = element
    parts = [html.escape(container.text or "")]
    for child in container:
        parts.append(_xhtml_element(child))
    return "".join(parts).strip()


def _xhtml_element(element):
    tag = element.tag.rsplit("}", 1)[-1]
    attributes = "".join(
        f' {name.rsplit("}", 1)[-1]}="{html.escape(value)}"'
        for name, value in element.attrib.items()
    )
    inner = html.escape(element.text or "") + "".join(
        _xhtml_element(child) for child in element
    )
    return f"<{tag}{attributes}>{inner}</{tag}>" + html.escape(element.tail or "")


def parse_date(value):
    """An aware datetime from RFC 822 or ISO 8601 text, or None."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


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
    state, _created = FeedState.objects.get_or_create(organisation=organisation)
    state.last_checked_at = timezone.now()
    state.save(update_fields=["last_checked_at"])
    try:
        result = fetch(organisation.feed_url, state.etag, state.last_modified)
        if result.not_modified:
            _record_success(state, imported=0)
            return PollResult(organisation_id, "not_modified")
        feed = parse(result.body, result.url)
        imported, problems = import_entries(organisation, feed)
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


def import_entries(organisation, feed):
    """File the feed's new entries as drafts, newest first, at most
    NEWS_FEED_MAX_ITEMS_PER_POLL. Returns (count imported, problems)."""
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
    imported = 0
    problems = []
    for entry in entries:
        if imported >= limit:
            break
        digest = guid_hash(entry.key)
        if digest in seen:
            continue
        seen.add(digest)
        try:
            if _import_entry(organisation, feed, entry, digest):
                imported += 1
        except Exception as exc:
            logger.exception(
                "Entry %r of organisation %s failed", entry.key[:200], organisation.pk
            )
            problems.append(f"{entry.title[:80]!r} ({type(exc).__name__})")
    return imported, problems


def _import_entry(organisation, feed, entry, digest):
    """One entry as a draft under review, remembered so it is filed once.
    False if another poll filed it first."""
    title = entry.title
    body_html = entry.content_html or entry.summary_html
    lead = (
        plain_text(entry.summary_html) or plain_text(entry.content_html) or title or "—"
    )
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
            return False
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
    return True

"""Fetching a feed through the SSRF guard: vetted addresses only, redirects
vetted again, the body capped while streaming, the exchange cut off at a total
time limit (see news.feeds)."""

import concurrent.futures
import contextlib
import errno
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ImproperlyConfigured

from ..conf import app_settings
from .errors import FeedError, message

USER_AGENT = "CivilSocietyProgrammeFeedReader/1.0"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Response headers the parser reads: the charset, the base of relative links
# and the language.
PARSER_HEADERS = ("content-type", "content-location", "content-language")

# Cloud instance metadata endpoints, refused even inside
# NEWS_FEED_ALLOWED_NETWORKS: they hand out credentials.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


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
    deadline = time.monotonic() + float(app_settings.NEWS_FEED_TIMEOUT_SECONDS)
    max_redirects = app_settings.NEWS_FEED_MAX_REDIRECTS
    for _hop in range(max_redirects + 1):
        response = _request(url, etag, last_modified, deadline)
        if response.status not in REDIRECT_STATUSES:
            return response.result(url)
        location = response.location
        if not location:
            raise FeedError("redirect_without_address", status=response.status)
        url = urljoin(url, location)
    raise FeedError("too_many_redirects", limit=max_redirects)


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
            raise FeedError("http_status", status=self.status)
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
        raise _network_error(exc, host) from None
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
    max_bytes = app_settings.NEWS_FEED_MAX_BYTES
    declared = response.getheader("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise too_large()
    chunks = []
    size = 0
    while True:
        chunk = response.read1(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise too_large()
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
        raise FeedError("unsupported_encoding", encoding=encoding[:20])
    max_bytes = app_settings.NEWS_FEED_MAX_BYTES
    wbits = zlib.MAX_WBITS | 32  # gzip or zlib header, detected
    try:
        decoded = zlib.decompressobj(wbits).decompress(body, max_bytes + 1)
    except zlib.error:
        raise FeedError("corrupt_compression") from None
    if len(decoded) > max_bytes:
        raise too_large()
    return decoded


def _checked_url(url):
    try:
        parts = urlsplit((url or "").strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise FeedError("invalid_url") from None
    if parts.scheme not in ("http", "https"):
        scheme = parts.scheme or "none"
        raise FeedError("scheme_refused", scheme=scheme[:20])
    if not parts.hostname:
        raise FeedError("no_host")
    return parts


def vetted_addresses(host, port, deadline):
    """The host's addresses, all of them allowed, or FeedError naming why not."""
    addresses = _resolve_within(host, port, deadline)
    if not addresses:
        raise FeedError("host_not_found", host=host[:100])
    allowed = allowed_networks()
    for address in addresses:
        reason = forbidden_reason(address, allowed)
        if reason:
            raise FeedError(
                "address_refused", host=host[:100], kind=reason, address=str(address)
            )
    return addresses


def allowed_networks():
    """NEWS_FEED_ALLOWED_NETWORKS as networks (intranet feeds, tests)."""
    networks = []
    for value in app_settings.NEWS_FEED_ALLOWED_NETWORKS:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"NEWS_FEED_ALLOWED_NETWORKS: {value!r} is not a network (CIDR)."
            ) from None
    return networks


def forbidden_reason(address, allowed=()):
    """Why ``address`` may not be fetched (a message: what kind of address
    it is), or None if it may.

        Metadata, unspecified and multicast addresses are refused whatever
        ``allowed`` says; other non-public addresses are fetched only inside one
        of the ``allowed`` networks.
    """
    if address.version == 6:
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return forbidden_reason(embedded, allowed)
    if address in METADATA_ADDRESSES:
        return message("metadata_address")
    if address.is_unspecified:
        return message("unspecified_address")
    if address.is_multicast:
        return message("multicast_address")
    if any(
        address.version == network.version and address in network for network in allowed
    ):
        return None
    if address.is_loopback:
        return message("loopback_address")
    if address.is_link_local:
        return message("link_local_address")
    if address.is_private:
        return message("private_address")
    if address.is_reserved or not address.is_global:
        return message("reserved_address")
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
        raise FeedError("host_not_found", host=host[:100]) from None
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
    return FeedError("timed_out", seconds=app_settings.NEWS_FEED_TIMEOUT_SECONDS)


def too_large():
    limit = app_settings.NEWS_FEED_MAX_BYTES
    size = f"{limit / 1024 / 1024:g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return FeedError("too_large", size=size)


def _network_error(exc, host):
    host = host[:100]
    if isinstance(exc, ssl.SSLCertVerificationError):
        return FeedError("tls_unverified", host=host)
    if isinstance(exc, ssl.SSLError):
        return FeedError("tls_failed", host=host)
    if isinstance(exc, ConnectionRefusedError):
        return FeedError("connection_refused", host=host)
    if isinstance(exc, http.client.HTTPException | ConnectionResetError):
        return FeedError("bad_http", host=host)
    # The error's symbol (ETIMEDOUT, EHOSTUNREACH), not the system's words.
    detail = errno.errorcode.get(exc.errno or 0) or type(exc).__name__
    return FeedError("unreachable", host=host, detail=detail)

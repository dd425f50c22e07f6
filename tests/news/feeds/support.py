"""What the feed tests share: a local HTTP feed server, feed builders and
the checks on a feed's recorded state. Fixtures are in conftest.py."""

import contextlib
import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from wagtail.models import Locale

from news.models import FeedItem, FeedState, NewsPage, Organisation

SAMPLES = Path(__file__).parent.parent / "feed_samples"
PUBLIC_IP = ipaddress.ip_address("93.184.215.14")


class FeedServer:
    """Routes: path -> (status, headers, body) or a callable(handler)."""

    def __init__(self, tls=None):
        self.routes = {}
        self.requests = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.feed_server = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def serve(self, path, body=b"", status=200, headers=None):
        self.routes[path] = (status, headers or {}, body)
        return self.url(path)

    def paths(self):
        return [path for path, _headers in self.requests]

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server.feed_server
        server.requests.append((self.path, dict(self.headers)))
        route = server.routes.get(self.path, (404, {}, b"not here"))
        if callable(route):
            # The client may hang up, as it should on a hostile feed.
            with contextlib.suppress(OSError):
                route(self)
            return
        status, headers, body = route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def organisation(world, iso, feed_url, name=None):
    return Organisation.objects.create(
        name=name or f"CSO of {iso}",
        kind=Organisation.Kind.CSO,
        country=world[iso],
        feed_url=feed_url,
        locale=Locale.objects.get(language_code="en"),
    )


def rss(items, language="en"):
    """RSS 2.0 bytes; items are (guid, title, link, date) tuples."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
        f"<title>Test</title><language>{language}</language>",
    ]
    for guid, title, link, date in items:
        parts.append("<item>")
        if guid:
            parts.append(f"<guid>{guid}</guid>")
        if link:
            parts.append(f"<link>{link}</link>")
        if date:
            parts.append(f"<pubDate>{date}</pubDate>")
        parts.append(f"<title>{title}</title><description>About {title}.</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


GOOD_FEED = rss(
    [
        ("g-1", "Volunteers plant trees", "https://cso.example.org/1", ""),
        ("g-2", "Youth council meets", "https://cso.example.org/2", ""),
    ]
)


def sample(name):
    return (SAMPLES / name).read_bytes()


def body_html(page):
    return " ".join(str(block["value"]) for block in page.body.raw_data)


def state_of(org):
    return FeedState.objects.get(organisation=org)


def assert_failed_without_import(org, *words):
    state = state_of(org)
    assert state.consecutive_failures >= 1
    assert state.last_error_at is not None
    assert state.last_success_at is None
    assert not NewsPage.objects.filter(organisation=org).exists()
    assert not FeedItem.objects.filter(organisation=org).exists()
    # A code and its parameters are stored, no sentence in the poller's
    # language; the words come when someone reads the status (in English here).
    assert state.last_error_code and state.last_error == ""
    assert (state.last_imported, state.last_problems) == (0, 0)
    error = str(state.error_message)
    assert 0 < len(error) <= 300 and "\n" not in error and "Traceback" not in error
    for word in words:
        assert word.lower() in error.lower(), error
    return error

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

from .api_cache import is_personal
from .api_errors import as_problem, is_json, problem
from .conf import app_settings
from .http import client_ip
from .logs import (
    HEADER,
    client_ip_var,
    incoming_request_id,
    new_request_id,
    request_id_var,
)
from .ratelimit import hit

API_PREFIX = "/api/"
ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class RequestIdMiddleware:
    """First of all: ``request.id`` is the incoming ``X-Request-ID`` (a short
    token, home.logs) or a new uuid4, and is in every log record the request
    causes, with the client's address (home.http.client_ip).

    The answer names it in ``X-Request-ID`` only where it helps and costs
    nothing: admin pages, server errors (5xx: the id to quote to support,
    found in the logs and in the error report), and when the client sent one.
    Public and API answers keep the same headers for every request (a
    response cache or CDN serves one answer to many)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = incoming_request_id(request.headers.get(HEADER))
        request.id = sent or new_request_id()
        id_token = request_id_var.set(request.id)
        ip_token = client_ip_var.set(client_ip(request) or None)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(id_token)
            client_ip_var.reset(ip_token)
        if (
            sent
            or response.status_code >= 500
            or request.path_info.startswith(ADMIN_PREFIXES)
        ):
            response[HEADER] = request.id
        return response


class ApiContractMiddleware:
    """What every answer under /api/ keeps to, whichever view or middleware
    made it:

    - errors are JSON in the one shape (home.api_errors): ninja's 405, Django's
      500 page (with its traceback when DEBUG is on), a 400 for a bad Host;
    - HEAD is GET without the body, on every GET route, cached or not (the
      view and the response cache see a GET; the headers stay the same);
    - an answer to a request that names a person (a token, credentials) or
      changes something is ``Cache-Control: private, no-store``.

    Placed right after CORS, so the headers CORS adds reach these answers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.get_response(request)
        if response.status_code >= 400 and not is_json(response):
            response = as_problem(response)
        if request.method not in ("GET", "HEAD") or is_personal(request):
            response["Cache-Control"] = "private, no-store"
        if head:
            request.method = "HEAD"
            _without_body(response)
        return response


def _without_body(response):
    if response.streaming:
        response.streaming_content = []
        return
    if response.status_code == 304:
        return
    response.headers.setdefault("Content-Length", str(len(response.content)))
    response.content = b""


class ApiRateLimitMiddleware:
    """Requests per client address per minute over the whole API
    (``API_RATE_LIMIT``; 0 turns it off): 429 with Retry-After beyond it.

    A middleware, not a ninja throttle, so that responses served from the API
    cache are counted too; placed after CORS so a browser can read the 429.
    One counter increment in the shared cache per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = app_settings.API_RATE_LIMIT
        if limit and request.path.startswith("/api/"):
            verdict = hit("api", client_ip(request) or "unknown", limit, 60)
            if not verdict.allowed:
                return problem(
                    429,
                    "Too many requests from this address.",
                    retry_after=verdict.retry_after,
                )
        return self.get_response(request)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, except that a 404 from a view outside the language-prefixed
    URLs (the API, calendars, webhooks) stays a 404: Django would redirect it
    to /en/<path>, which the page catch-all would accept."""

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        if response.status_code == 404 and match is not None:
            prefixes = tuple(f"{code}/" for code, _name in settings.LANGUAGES)
            if not (match.route or "").startswith(prefixes):
                return response
        return super().process_response(request, response)

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

from .api_errors import problem
from .http import client_ip
from .ratelimit import hit


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
        limit = settings.API_RATE_LIMIT
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

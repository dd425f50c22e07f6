from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


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

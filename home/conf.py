"""Settings of the home app, and the shape every app's settings take.

Each app keeps the defaults of its own settings in its ``conf`` module, as
wagtail-localize does: ``app_settings.NAME`` is ``getattr(settings, NAME,
default)``, read at use time, so a project setting (cms/settings, an
environment variable read there, or a test's override) wins over the default
here. cms/settings keeps Django's settings and the deployment knobs.
"""

from django.conf import settings


class AppSettings:
    """An app's settings with their defaults: each attribute is read from
    Django's settings when it is set there, else is the default."""

    def __init__(self, **defaults):
        self.defaults = defaults

    def __getattr__(self, name):
        try:
            default = self.defaults[name]
        except KeyError:
            raise AttributeError(f"{name} is not a setting of this app") from None
        return getattr(settings, name, default)


app_settings = AppSettings(
    # API response caching (home.api_cache): server-side, invalidated on publish.
    API_CACHE_SECONDS=600,
    API_CACHE_CONTROL="public, max-age=60",
    # Requests per minute per client address across the API (0: no limit).
    API_RATE_LIMIT=1200,
    # Dotted path of a function called after content changes, to purge a CDN.
    API_PURGE_HOOK="",
    # Trusted reverse proxies in front of the web processes (for the client IP).
    NUM_PROXIES=0,
    # Queued mail (home.mail, home.tasks): retried with backoff from
    # EMAIL_RETRY_SECONDS, EMAIL_RETRY_LIMIT times.
    EMAIL_RETRY_SECONDS=30,
    EMAIL_RETRY_LIMIT=10,
    # Where content is missing in a language, try these locales in order
    # before the page's source. One setting, read by the API and by
    # newsletters alike (home.locales.fallback_chain). English ends every chain.
    LANGUAGE_FALLBACKS={
        "en": [],
        "sq": ["en"],
        "bs": ["sr-latn", "en"],
        "mk": ["en"],
        "cnr": ["sr-latn", "sr", "en"],
        "sr": ["sr-latn", "en"],
        "sr-latn": ["sr", "en"],
        "tr": ["en"],
    },
)

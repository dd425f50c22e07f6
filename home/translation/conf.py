"""Settings of the translation app, with their defaults (see home.conf)."""

from ..conf import AppSettings

app_settings = AppSettings(
    # Translatable snippets that language teams edit, each limited to its
    # languages.
    TRANSLATION_SNIPPET_MODELS=["news.Country", "news.Topic", "news.Organisation"],
    # Page types on the translation status board (Reports -> Translation status).
    TRANSLATION_STATUS_PAGE_MODELS=[
        "news.NewsPage",
        "news.EventPage",
        "newsletters.NewsletterPage",
    ],
)

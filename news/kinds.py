"""The kinds of country-sectioned tree (news, events, and what other apps
register): each kind's index and section models and its index titles.

news.structure makes the sections, news.teams scopes the country teams to
them; both read this registry.
"""

from django.conf import settings
from wagtail.models import Locale

from .models import EventIndexPage, EventSectionPage, NewsIndexPage, NewsSectionPage

# Apps that own country-sectioned trees of their own (newsletters) add them
# with ``register_kind`` from their AppConfig.ready: news may not import them.
INDEX_TITLES = {
    "news": {
        "en": "News", "sq": "Lajme", "bs": "Vijesti", "mk": "Вести",
        "cnr": "Vijesti", "sr": "Вести", "sr-latn": "Vesti", "tr": "Haberler",
    },
    "events": {
        "en": "Events", "sq": "Ngjarje", "bs": "Događaji", "mk": "Настани",
        "cnr": "Događaji", "sr": "Догађаји", "sr-latn": "Događaji", "tr": "Etkinlikler",
    },
}  # fmt: skip

KINDS = {
    "news": (NewsIndexPage, NewsSectionPage),
    "events": (EventIndexPage, EventSectionPage),
}
# The name of each kind's review workflow per country ("{country}" is the
# country's name): what the editor's "Submit to ..." button says.
SUBMISSION_REVIEW = "CSO submission review: {country}"
WORKFLOW_NAMES = {"news": SUBMISSION_REVIEW, "events": SUBMISSION_REVIEW}


def register_kind(key, index_model, section_model, titles, workflow_name):
    """Another country-sectioned tree: ensure_sections, section_for and the
    country teams' permissions and workflow (named ``workflow_name``, with
    "{country}" in it) then cover it too."""
    KINDS[key] = (index_model, section_model)
    INDEX_TITLES[key] = titles
    WORKFLOW_NAMES[key] = workflow_name


def default_locale():
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)

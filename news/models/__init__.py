"""The news app's models, one module per concern: the places content is about
(countries, organisations, topics), the pages, the country teams, what comes in
from outside (submissions, feeds) and the listing's read model."""

from .intake import FeedItem, FeedState, Submission
from .pages import (
    TIME_ZONE_CHOICES,
    CountryOwnedPage,
    CountrySection,
    EventIndexPage,
    EventPage,
    EventSectionPage,
    NewsIndexPage,
    NewsPage,
    NewsSectionPage,
)
from .places import Country, Organisation, Topic, validate_language_codes
from .readmodel import NewsListingRow
from .search import FoldedSearchMixin, streamfield_text
from .teams import CountryTeam

__all__ = [
    "TIME_ZONE_CHOICES",
    "Country",
    "CountryOwnedPage",
    "CountrySection",
    "CountryTeam",
    "EventIndexPage",
    "EventPage",
    "EventSectionPage",
    "FeedItem",
    "FeedState",
    "FoldedSearchMixin",
    "NewsIndexPage",
    "NewsListingRow",
    "NewsPage",
    "NewsSectionPage",
    "Organisation",
    "Submission",
    "Topic",
    "streamfield_text",
    "validate_language_codes",
]

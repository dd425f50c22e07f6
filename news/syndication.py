"""RSS 2.0 and Atom 1.0 feeds of published news, per locale and per country.

Titles are text elements. The description (RSS ``<description>``, Atom
``<summary type="html">``) is HTML to every reader, so the lead, which is
plain text, goes in HTML-escaped: ``<img ...>`` in a lead reads as those
characters, never as a tag.
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from wagtail.models import Locale

from .models import Country, NewsPage
from .visibility import page_path, published

FEED_ITEMS = 50


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, language_code):
        locale = Locale.objects.filter(language_code=language_code).first()
        if locale is None:
            raise Http404("Unknown locale.")
        country = None
        iso = request.GET.get("country", "").strip().upper()[:2]
        if iso:
            rows = Country.objects.filter(iso_code=iso)
            country = rows.filter(locale=locale).first() or rows.first()
            if country is None:
                raise Http404("Unknown country.")
        return {"locale": locale, "country": country, "path": request.path}

    def title(self, obj):
        name = settings.WAGTAIL_SITE_NAME
        if obj["country"]:
            return f"{name}: {obj['country'].name}"
        return name

    def link(self, obj):
        return f"{settings.BASE_URL}/{obj['locale'].language_code}/"

    def feed_url(self, obj):
        return settings.BASE_URL + obj["path"]

    def description(self, obj):
        return f"News of the {settings.WAGTAIL_SITE_NAME}"

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django takes the feed's language from the request; it is the locale's.
        feed.feed["language"] = obj["locale"].language_code
        return feed

    def items(self, obj):
        queryset = published(NewsPage).filter(locale=obj["locale"])
        if obj["country"]:
            queryset = queryset.filter(
                country__translation_key=obj["country"].translation_key
            )
        return queryset.select_related("locale", "country").order_by("-date", "-pk")[
            :FEED_ITEMS
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(item.lead)

    def item_link(self, item):
        return settings.BASE_URL + page_path(item.url_path, item.locale.language_code)

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}:{item.locale.language_code}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at or datetime.datetime.combine(
            item.date, datetime.time.min, tzinfo=datetime.UTC
        )

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.country.name] if item.country_id else []


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)

"""What every page endpoint of the read API shares (news, events, and the
newsletter archive): the page's schema and what it embeds, paging and detail
parameters, and the locale, country, paging and translation lookups.

Only live, public pages are ever read (never drafts, unpublished changes,
private pages or their children); pages belong to the default site's tree.
Every GET is cached server-side and answers conditional requests
(home.api_cache).
"""

import datetime

from django.http import Http404
from ninja import Field, Schema
from wagtail.models import Locale

from home.api_errors import BadParameter
from home.locales import best_language, fallback_chain

from ..models import Country

MAX_LIMIT = 100


# Schemas -------------------------------------------------------------------


class RenditionOut(Schema):
    url: str
    width: int
    height: int


class ImageOut(Schema):
    id: int
    alt: str
    width: int
    height: int
    renditions: dict[str, RenditionOut] = Field(
        description="thumbnail (400x225 crop), card (800x450 crop), square "
        "(600x600 crop) around the focal point; large (fits 1600x1600)"
    )


class CountryOut(Schema):
    iso_code: str = Field(description="ISO 3166-1 alpha-2; Kosovo is XK, regional EU")
    name: str
    is_regional: bool
    languages: list[str]


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    country: str | None
    website: str
    description: str
    logo: ImageOut | None


class TopicOut(Schema):
    slug: str
    name: str = Field(
        description="In the requested language, else the next of its fallbacks "
        "that has a translation"
    )
    locale: str = Field(description="The language of the name")


class TranslationOut(Schema):
    locale: str
    id: int
    url: str


class PageBase(Schema):
    id: int
    title: str
    slug: str
    locale: str = Field(description="The locale served")
    url: str = Field(description="Path on the website, with the locale prefix")
    country: CountryOut | None
    translations: list[TranslationOut] = Field(
        description="Every live translation, this one included"
    )
    last_published_at: datetime.datetime | None


# Parameters ----------------------------------------------------------------


class Paging(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)


class DetailParams(Schema):
    locale: str = Field("", description="Serve this locale's translation")
    fallback: bool = False


# Helpers --------------------------------------------------------------------


def _locale(code):
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        raise BadParameter("locale", f"Unknown locale {code!r}.")
    return locale


def _country_keys(iso):
    rows = Country.objects.filter(iso_code=(iso or "").strip().upper()[:2])
    if not rows.exists():
        raise BadParameter("country", f"Unknown country {iso!r}.")
    return rows.values("translation_key")


def _in_country(queryset, iso):
    return queryset.filter(country__translation_key__in=_country_keys(iso))


def _choose_locales(queryset, code, fallback):
    """Narrow to one locale, or with ``fallback`` to the best available
    translation of each item along the chain."""
    _locale(code)
    if not fallback:
        return queryset.filter(locale__language_code=code)
    chain = fallback_chain(code)
    best = {}
    rows = queryset.filter(locale__language_code__in=chain).values_list(
        "pk", "translation_key", "locale__language_code"
    )
    for pk, key, language in rows:
        best.setdefault(key, {})[language] = pk
    return queryset.filter(
        pk__in=[pks[best_language(code, pks)] for pks in best.values()]
    )


def _page(queryset, paging):
    total = queryset.count()
    items = list(queryset[paging.offset : paging.offset + paging.limit])
    return total, items


def _detail(queryset, page_id, params):
    """The page, or with ?locale= its translation (with ?fallback= the best
    along the chain). Returns (page, requested locale)."""
    page = queryset.filter(pk=page_id).first()
    if page is None:
        raise Http404("No such page.")
    if not params.locale or params.locale == page.locale.language_code:
        return page, page.locale.language_code
    _locale(params.locale)
    translations = {
        p.locale.language_code: p
        for p in queryset.filter(translation_key=page.translation_key)
    }
    code = (
        best_language(params.locale, translations) if params.fallback else params.locale
    )
    if code in translations:
        return translations[code], params.locale
    raise Http404("No translation in that locale.")

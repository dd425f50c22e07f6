"""Read API for the website: news, events, organisations, countries, topics.

Only live, public pages are ever read (never drafts, unpublished changes,
private pages or their children); pages belong to the default site's tree.
Every GET is cached server-side and answers conditional requests
(home.api_cache).
"""

import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Tag
from wagtail.models import Locale

from home.api_cache import cached_api
from home.api_errors import BadParameter, Problem
from home.api_params import MAX_ID, IsoDate
from home.locales import best_language, fallback_chain

from ..models import Country, EventPage, NewsPage, Organisation, Topic
from ..visibility import published
from . import serialise
from .listing import news_listing

MAX_LIMIT = 100

news_router = Router(tags=["news"])
events_router = Router(tags=["events"])
directory_router = Router(tags=["directory"])
preview_router = Router(tags=["preview"])


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


class ParagraphBlock(Schema):
    type: Literal["paragraph"]
    html: str = Field(description="Rich text HTML with internal links resolved")


class ImageBlock(Schema):
    type: Literal["image"]
    image: ImageOut | None
    caption: str
    credit: str


class QuoteBlock(Schema):
    type: Literal["quote"]
    text: str
    attribution: str


class EmbedBlock(Schema):
    type: Literal["embed"]
    url: str


class DocumentBlock(Schema):
    type: Literal["document"]
    title: str
    url: str


class CallToActionBlock(Schema):
    type: Literal["call_to_action"]
    text: str
    url: str


Block = Annotated[
    Annotated[ParagraphBlock, Tag("paragraph")]
    | Annotated[ImageBlock, Tag("image")]
    | Annotated[QuoteBlock, Tag("quote")]
    | Annotated[EmbedBlock, Tag("embed")]
    | Annotated[DocumentBlock, Tag("document")]
    | Annotated[CallToActionBlock, Tag("call_to_action")],
    Field(discriminator="type"),
]


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


class NewsSummary(PageBase):
    date: datetime.date
    lead: str
    hero_image: ImageOut | None
    organisation: OrganisationOut | None
    topics: list[TopicOut]


class NewsDetail(NewsSummary):
    requested_locale: str
    body: list[Block]
    source_url: str


class EventSummary(PageBase):
    event_type: str
    start: datetime.datetime
    end: datetime.datetime
    time_zone: str
    is_online: bool
    venue: str
    city: str
    venue_country: CountryOut | None
    organiser: OrganisationOut | None
    registration_url: str
    registration_deadline: datetime.datetime | None
    languages: list[str]
    ics_url: str


class EventDetail(EventSummary):
    requested_locale: str
    description: list[Block]


class NewsList(Schema):
    total: int
    limit: int
    offset: int
    items: list[NewsSummary]


class EventList(Schema):
    total: int
    limit: int
    offset: int
    items: list[EventSummary]


class OrganisationList(Schema):
    total: int
    limit: int
    offset: int
    items: list[OrganisationOut]


class LocaleOut(Schema):
    code: str
    name: str
    fallbacks: list[str] = Field(description="Locales tried, in order, when missing")


# Parameters ----------------------------------------------------------------


class Paging(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)


class NewsFilters(Paging):
    locale: str = Field("en", description="Content language code")
    fallback: bool = Field(
        False, description="Fill gaps from the locale's fallback chain"
    )
    country: str = Field("", description="ISO code, e.g. XK")
    topic: str = Field("", description="Topic slug")
    organisation: int | None = Field(
        None, ge=1, le=MAX_ID, description="Organisation id"
    )
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class EventFilters(Paging):
    locale: str = "en"
    fallback: bool = False
    country: str = ""
    event_type: str = Field("", description="e.g. training, p2p, conference")
    when: Literal["upcoming", "past", "all"] = "upcoming"
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


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


def _news_items(items, language=None):
    """Items as the API shows them; topics named in ``language`` (else each
    item's own) along its fallback chain."""
    translations = serialise.translations_by_key(
        {page.translation_key for page in items}, published(NewsPage)
    )
    topics = serialise.localised_topics(
        [
            (
                language or page.locale.language_code,
                [
                    (t.translation_key, t.slug, t.name, t.locale.language_code)
                    for t in page.topics.all()
                ],
            )
            for page in items
        ]
    )
    result = []
    for page, item_topics in zip(items, topics, strict=True):
        data = serialise.base_page_data(page, translations)
        data.update(
            date=page.date,
            lead=page.lead,
            hero_image=serialise.image_data(page.hero_image),
            organisation=serialise.organisation_data(page.organisation),
            topics=item_topics,
        )
        result.append(data)
    return result


def _news_queryset():
    return serialise.with_related(published(NewsPage), image_field="hero_image")


def _with_news_relations(queryset):
    return queryset.select_related("organisation__country").prefetch_related(
        Prefetch("organisation__logo", queryset=serialise.image_queryset()),
        Prefetch("topics", queryset=Topic.objects.select_related("locale")),
    )


def _event_items(items):
    translations = serialise.translations_by_key(
        {page.translation_key for page in items}, published(EventPage)
    )
    result = []
    for page in items:
        data = serialise.base_page_data(page, translations)
        data.update(
            event_type=page.event_type,
            start=page.start,
            end=page.end,
            time_zone=page.time_zone,
            is_online=page.is_online,
            venue=page.venue,
            city=page.city,
            venue_country=serialise.country_data(page.venue_country),
            organiser=serialise.organisation_data(page.organiser),
            registration_url=page.registration_url,
            registration_deadline=page.registration_deadline,
            languages=list(page.languages or []),
            ics_url=serialise.absolute(f"/calendar/event/{page.pk}.ics"),
        )
        result.append(data)
    return result


def _events_queryset():
    return (
        serialise.with_related(published(EventPage))
        .select_related("venue_country", "organiser__country")
        .prefetch_related(
            Prefetch("organiser__logo", queryset=serialise.image_queryset())
        )
    )


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


# News ----------------------------------------------------------------------


@news_router.get("/", response=NewsList, summary="List news")
@decorate_view(cached_api)
def list_news(request, filters: Query[NewsFilters]):
    return HttpResponse(
        news_listing(filters), content_type="application/json; charset=utf-8"
    )


def _news_detail(page, requested):
    data = _news_items([page], language=requested)[0]
    data.update(
        requested_locale=requested,
        body=serialise.stream_data(page.body),
        source_url=page.source_url,
    )
    return data


@news_router.get("/{id:page_id}/", response=NewsDetail, summary="One news item")
@decorate_view(cached_api)
def news_detail(request, page_id: int, params: Query[DetailParams]):
    page, requested = _detail(_with_news_relations(_news_queryset()), page_id, params)
    return _news_detail(page, requested)


@news_router.get(
    "/by-slug/{locale}/{slug}/", response=NewsDetail, summary="One news item by slug"
)
@decorate_view(cached_api)
def news_by_slug(request, locale: str, slug: str):
    _locale(locale)
    page = (
        _with_news_relations(_news_queryset())
        .filter(locale__language_code=locale, slug=slug)
        .first()
    )
    if page is None:
        raise Http404("No such page.")
    return _news_detail(page, locale)


# Events --------------------------------------------------------------------


@events_router.get("/", response=EventList, summary="List events")
@decorate_view(cached_api)
def list_events(request, filters: Query[EventFilters]):
    queryset = _events_queryset()
    if filters.country:
        queryset = queryset.filter(
            country__translation_key__in=_country_keys(filters.country)
        )
    if filters.event_type:
        if filters.event_type not in EventPage.EventType.values:
            raise BadParameter(
                "event_type",
                "Unknown event type; use one of "
                + ", ".join(EventPage.EventType.values),
            )
        queryset = queryset.filter(event_type=filters.event_type)
    now = timezone.now()
    if filters.when == "upcoming":
        queryset = queryset.filter(end__gte=now)
    elif filters.when == "past":
        queryset = queryset.filter(end__lt=now)
    if filters.date_from:
        queryset = queryset.filter(start__date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(start__date__lte=filters.date_to)
    queryset = _choose_locales(queryset, filters.locale, filters.fallback)
    order = ("-start", "-pk") if filters.when == "past" else ("start", "pk")
    total, items = _page(queryset.order_by(*order), filters)
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": _event_items(items),
    }


@events_router.get("/{id:page_id}/", response=EventDetail, summary="One event")
@decorate_view(cached_api)
def event_detail(request, page_id: int, params: Query[DetailParams]):
    page, requested = _detail(_events_queryset(), page_id, params)
    return _event_detail(page, requested)


def _event_detail(page, requested):
    data = _event_items([page])[0]
    data.update(
        requested_locale=requested, description=serialise.stream_data(page.description)
    )
    return data


# Directory -----------------------------------------------------------------


class OrganisationFilters(Paging):
    country: str = ""
    kind: str = Field("", description="cso, resource_centre, network, ...")


@directory_router.get("/organisations/", response=OrganisationList)
@decorate_view(cached_api)
def list_organisations(request, filters: Query[OrganisationFilters]):
    queryset = (
        Organisation.objects.filter(
            verified=True, locale__language_code=settings.LANGUAGE_CODE
        )
        .select_related("country")
        .prefetch_related(Prefetch("logo", queryset=serialise.image_queryset()))
        .order_by("name", "pk")
    )
    if filters.country:
        queryset = queryset.filter(
            country__translation_key__in=_country_keys(filters.country)
        )
    if filters.kind:
        if filters.kind not in Organisation.Kind.values:
            raise BadParameter("kind", "Unknown kind.")
        queryset = queryset.filter(kind=filters.kind)
    total, items = _page(queryset, filters)
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [serialise.organisation_data(org) for org in items],
    }


@directory_router.get("/organisations/{id:organisation_id}/", response=OrganisationOut)
@decorate_view(cached_api)
def organisation_detail(request, organisation_id: int):
    organisation = (
        Organisation.objects.filter(verified=True, pk=organisation_id)
        .select_related("country", "logo")
        .first()
    )
    if organisation is None:
        raise Http404("No such organisation.")
    return serialise.organisation_data(organisation)


class LocaleParam(Schema):
    locale: str = "en"


@directory_router.get("/countries/", response=list[CountryOut])
@decorate_view(cached_api)
def list_countries(request, params: Query[LocaleParam]):
    locale = _locale(params.locale)
    default = Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    local = {c.translation_key: c for c in Country.objects.filter(locale=locale)}
    return [
        serialise.country_data(local.get(country.translation_key, country))
        for country in default
    ]


@directory_router.get("/topics/", response=list[TopicOut])
@decorate_view(cached_api)
def list_topics(request, params: Query[LocaleParam]):
    _locale(params.locale)
    default = Topic.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE
    ).select_related("locale")
    linked = [
        (t.translation_key, t.slug, t.name, t.locale.language_code) for t in default
    ]
    return serialise.localised_topics([(params.locale, linked)])[0]


@directory_router.get("/locales/", response=list[LocaleOut])
@decorate_view(cached_api)
def list_locales(request):
    names = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
    return [
        {"code": code, "name": str(name), "fallbacks": fallback_chain(code)[1:]}
        for code, name in names.items()
    ]


# Preview -------------------------------------------------------------------


class PreviewOut(Schema):
    type: Literal["news", "event"]
    news: NewsDetail | None = None
    event: EventDetail | None = None


class PreviewParams(Schema):
    token: str = Field(description="From the admin's preview link; expires")


@preview_router.get(
    "/",
    response={200: PreviewOut, 404: Problem},
    summary="Draft content for the website's preview page",
)
@decorate_view(never_cache)
def preview(request, params: Query[PreviewParams]):
    from ..preview import load

    page = load(params.token)
    if page is None:
        raise Http404("Unknown or expired preview token.")
    code = page.locale.language_code
    with serialise.showing_private_images():
        if isinstance(page, NewsPage):
            return {"type": "news", "news": _news_detail(page, code)}
        data = _event_items([page])[0]
        data.update(
            requested_locale=code,
            description=serialise.stream_data(page.description),
        )
    return {"type": "event", "event": data}

"""The news endpoints: the listing (served from the read model, see
news.api.listing), one item by id or by slug."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from ninja import Query, Router
from ninja.decorators import decorate_view

from home.api_cache import cached_api

from ..models import NewsPage, Topic
from ..visibility import published
from . import serialise
from .content import DetailParams, _detail, _locale
from .listing import news_listing
from .schemas import NewsDetail, NewsFilters, NewsList

# Operation ids are kept as they were when these endpoints lived in
# news.api.content: clients generated from the OpenAPI schema name their calls
# after them.
router = Router(tags=["news"])


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


@router.get(
    "/",
    response=NewsList,
    summary="List news",
    operation_id="news_api_content_list_news",
)
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


@router.get(
    "/{id:page_id}/",
    response=NewsDetail,
    summary="One news item",
    operation_id="news_api_content_news_detail",
)
@decorate_view(cached_api)
def news_detail(request, page_id: int, params: Query[DetailParams]):
    page, requested = _detail(_with_news_relations(_news_queryset()), page_id, params)
    return _news_detail(page, requested)


@router.get(
    "/by-slug/{locale}/{slug}/",
    response=NewsDetail,
    summary="One news item by slug",
    operation_id="news_api_content_news_by_slug",
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

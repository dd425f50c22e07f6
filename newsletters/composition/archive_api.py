"""The newsletter archive in the API: each published issue and its web version.

The same rules as news (news.visibility.published: live, public, not expired,
in the site's trees), the same locale and fallback parameters, the same
response cache. The web version is the email's HTML with no per-recipient
values; an issue that has been sent shows the edition subscribers received
(its digests as frozen at sending), else the issue rendered now.
"""

import datetime

from django.db.models import F
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from home.api_cache import cached_api
from home.api_errors import BadParameter
from home.api_params import IsoDate
from news.api import content, serialise
from news.visibility import published

from .models import NewsletterPage
from .rendering import public_url, published_web_html

router = Router(tags=["newsletters"])


class NewsletterSummary(content.PageBase):
    subject: str
    preheader: str
    published_at: datetime.datetime | None = Field(
        description="When the issue was first published"
    )
    web_url: str = Field(description="Absolute URL of the public web version")


class NewsletterDetail(NewsletterSummary):
    requested_locale: str
    html: str = Field(
        description="The web version: the email's HTML document, with no "
        "subscriber's data in it"
    )


class NewsletterList(Schema):
    total: int
    limit: int
    offset: int
    items: list[NewsletterSummary]


class NewsletterFilters(content.Paging):
    locale: str = Field("en", description="Content language code")
    fallback: bool = Field(
        False, description="Fill gaps from the locale's fallback chain"
    )
    country: str = Field("", description="ISO code, e.g. XK; EU for regional issues")
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


def _queryset():
    return serialise.with_related(published(NewsletterPage))


def _items(pages):
    translations = serialise.translations_by_key(
        {page.translation_key for page in pages}, published(NewsletterPage)
    )
    items = []
    for page in pages:
        data = serialise.base_page_data(page, translations)
        data.update(
            subject=page.subject,
            preheader=page.preheader,
            published_at=page.first_published_at,
            web_url=public_url(page),
        )
        items.append(data)
    return items


@router.get("/", response=NewsletterList, summary="List published newsletters")
@decorate_view(cached_api)
def list_newsletters(request, filters: Query[NewsletterFilters]):
    queryset = _queryset()
    if filters.country:
        queryset = content._in_country(queryset, filters.country)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise BadParameter("date_to", "date_to is before date_from.")
    if filters.date_from:
        queryset = queryset.filter(first_published_at__date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(first_published_at__date__lte=filters.date_to)
    queryset = content._choose_locales(queryset, filters.locale, filters.fallback)
    total, pages = content._page(
        queryset.order_by(F("first_published_at").desc(nulls_last=True), "-pk"),
        filters,
    )
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": _items(pages),
    }


def _detail(page, requested):
    data = _items([page])[0]
    # "" when published content no longer renders (e.g. a digest that now
    # resolves to nothing): the issue is still listed, its web version absent.
    data.update(requested_locale=requested, html=published_web_html(page))
    return data


@router.get("/{id:page_id}/", response=NewsletterDetail, summary="One newsletter issue")
@decorate_view(cached_api)
def newsletter_detail(request, page_id: int, params: Query[content.DetailParams]):
    page, requested = content._detail(_queryset(), page_id, params)
    return _detail(page, requested)


@router.get(
    "/by-slug/{locale}/{slug}/",
    response=NewsletterDetail,
    summary="One newsletter issue by slug",
)
@decorate_view(cached_api)
def newsletter_by_slug(request, locale: str, slug: str):
    content._locale(locale)
    page = _queryset().filter(locale__language_code=locale, slug=slug).first()
    if page is None:
        raise Http404("No such newsletter.")
    return _detail(page, locale)

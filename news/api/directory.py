"""The directory endpoints: organisations, countries, topics and locales."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from home.api_cache import cached_api
from home.api_errors import BadParameter
from home.locales import fallback_chain

from ..models import Country, Organisation, Topic
from . import serialise
from .content import (
    CountryOut,
    OrganisationOut,
    Paging,
    TopicOut,
    _country_keys,
    _locale,
    _page,
)
from .schemas import LocaleOut, OrganisationList

# Operation ids are kept as they were when these endpoints lived in
# news.api.content: clients generated from the OpenAPI schema name their calls
# after them.
router = Router(tags=["directory"])


class OrganisationFilters(Paging):
    country: str = ""
    kind: str = Field("", description="cso, resource_centre, network, ...")


@router.get(
    "/organisations/",
    response=OrganisationList,
    operation_id="news_api_content_list_organisations",
)
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


@router.get(
    "/organisations/{id:organisation_id}/",
    response=OrganisationOut,
    operation_id="news_api_content_organisation_detail",
)
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


@router.get(
    "/countries/",
    response=list[CountryOut],
    operation_id="news_api_content_list_countries",
)
@decorate_view(cached_api)
def list_countries(request, params: Query[LocaleParam]):
    locale = _locale(params.locale)
    default = Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    local = {c.translation_key: c for c in Country.objects.filter(locale=locale)}
    return [
        serialise.country_data(local.get(country.translation_key, country))
        for country in default
    ]


@router.get(
    "/topics/", response=list[TopicOut], operation_id="news_api_content_list_topics"
)
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


@router.get(
    "/locales/", response=list[LocaleOut], operation_id="news_api_content_list_locales"
)
@decorate_view(cached_api)
def list_locales(request):
    names = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
    return [
        {"code": code, "name": str(name), "fallbacks": fallback_chain(code)[1:]}
        for code, name in names.items()
    ]

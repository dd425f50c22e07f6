"""The event endpoints: the listing and one event."""

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Query, Router
from ninja.decorators import decorate_view

from home.api_cache import cached_api
from home.api_errors import BadParameter

from ..models import EventPage
from ..visibility import published
from . import serialise
from .content import DetailParams, _choose_locales, _country_keys, _detail, _page
from .schemas import EventDetail, EventFilters, EventList

# Operation ids are kept as they were when these endpoints lived in
# news.api.content: clients generated from the OpenAPI schema name their calls
# after them.
router = Router(tags=["events"])


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


@router.get(
    "/",
    response=EventList,
    summary="List events",
    operation_id="news_api_content_list_events",
)
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


@router.get(
    "/{id:page_id}/",
    response=EventDetail,
    summary="One event",
    operation_id="news_api_content_event_detail",
)
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

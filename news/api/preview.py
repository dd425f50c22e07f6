"""The website's preview of a draft, by the token of the admin's preview link
(news.preview)."""

from typing import Literal

from django.http import Http404
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from home.api_errors import Problem

from ..models import NewsPage
from ..preview import load
from . import serialise
from .events import _event_items
from .news import _news_detail
from .schemas import EventDetail, NewsDetail

# Operation ids are kept as they were when these endpoints lived in
# news.api.content: clients generated from the OpenAPI schema name their calls
# after them.
router = Router(tags=["preview"])


class PreviewOut(Schema):
    type: Literal["news", "event"]
    news: NewsDetail | None = None
    event: EventDetail | None = None


class PreviewParams(Schema):
    token: str = Field(description="From the admin's preview link; expires")


@router.get(
    "/",
    response={200: PreviewOut, 404: Problem},
    summary="Draft content for the website's preview page",
    operation_id="news_api_content_preview",
)
@decorate_view(never_cache)
def preview(request, params: Query[PreviewParams]):
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

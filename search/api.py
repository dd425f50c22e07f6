"""Search API: full search with filters and facets, and autocomplete."""

from ninja import Query, Router, Schema
from pydantic import Field

from home.api_errors import Problem
from home.api_params import IsoDate

from .query import TYPES, autocomplete, search

router = Router(tags=["search"])

MAX_LIMIT = 50


class HitOut(Schema):
    type: str = Field(description=f"One of: {', '.join(TYPES)}")
    id: int
    title: str
    url: str
    locale: str
    country: str | None = Field(description="ISO code of the item's country")
    date: str | None = Field(
        description="News date, event start or newsletter publication (ISO 8601)"
    )
    snippet: str = Field(
        description="Text around the first match, HTML-escaped, matches in <mark>"
    )
    score: float


class Facets(Schema):
    type: dict[str, int]
    country: dict[str, int]


class SearchOut(Schema):
    query: str
    locale: str
    total: int
    limit: int
    offset: int
    results: list[HitOut]
    facets: Facets


class SuggestionsOut(Schema):
    query: str
    results: list[HitOut]


class SearchParams(Schema):
    q: str = Field(description="The words to find, in any script or spelling")
    locale: str = Field("en", description="Content language code")
    type: str = Field(
        "", description=f"Comma-separated types to include: {', '.join(TYPES)}"
    )
    country: str = Field("", description="ISO code, e.g. XK")
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000)


class AutocompleteParams(Schema):
    q: str = Field(description="What the reader has typed so far")
    locale: str = Field("en", description="Content language code")
    limit: int = Field(8, ge=1, le=20)


@router.get(
    "/",
    response={200: SearchOut, 400: Problem},
    summary="Search news, events, organisations and newsletters",
)
def search_view(request, params: Query[SearchParams]):
    types = [t.strip() for t in params.type.split(",") if t.strip()]
    results = search(
        params.q,
        locale=params.locale,
        types=types,
        country=params.country,
        date_from=params.date_from,
        date_to=params.date_to,
        limit=params.limit,
        offset=params.offset,
    )
    return {
        "query": results.query,
        "locale": results.locale,
        "total": results.total,
        "limit": params.limit,
        "offset": params.offset,
        "results": [vars(hit) for hit in results.hits],
        "facets": results.facets,
    }


@router.get(
    "/autocomplete/",
    response={200: SuggestionsOut, 400: Problem},
    summary="Suggest titles while the reader types",
)
def autocomplete_view(request, params: Query[AutocompleteParams]):
    hits = autocomplete(params.q, locale=params.locale, limit=params.limit)
    return {"query": params.q, "results": [vars(hit) for hit in hits]}

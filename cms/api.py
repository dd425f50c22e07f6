"""The headless API: one OpenAPI schema at /api/v3/openapi.json, docs at /api/v3/docs/.

Wagtail 8's own v3 API (django-ninja) is the base; each app's router is
mounted on it here, and only here.
"""

from django.http import Http404
from ninja.errors import ValidationError as NinjaValidationError
from wagtail.api.v3.urls import api

from home.api_errors import BadParameter, Problem, error_body, field_error
from news.api import (
    directory_router,
    events_router,
    news_router,
    preview_router,
    submissions_router,
)
from newsletters.api import router as newsletter_router
from newsletters.archive import router as newsletter_archive_router
from search.api import router as search_router

api.title = "Civil Society Programme API"
api.description = (
    "Read API for the programme website: news, events, organisations, countries "
    "and newsletters in eight languages."
)
api.add_router("/news/", news_router)
api.add_router("/events/", events_router)
api.add_router("/", directory_router)
api.add_router("/submissions/", submissions_router)
api.add_router("/preview/", preview_router)
api.add_router("/newsletter/", newsletter_router)
api.add_router("/newsletters/", newsletter_archive_router)
api.add_router("/search/", search_router)


@api.exception_handler(NinjaValidationError)
def bad_parameters(request, exc):
    """A parameter or body that does not fit the schema: 400 naming each field,
    in the same shape as the apps' own validation errors."""
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        name = location[-1] if location else "request"
        errors.setdefault(name, []).append(
            {"message": str(error.get("msg", "Invalid value.")), "code": "invalid"}
        )
    return api.create_response(
        request, error_body(400, "Invalid request", errors), status=400
    )


@api.exception_handler(BadParameter)
def bad_parameter(request, exc):
    return api.create_response(
        request,
        error_body(400, "Invalid request", field_error(exc.field, exc.message)),
        status=400,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, error_body(404, str(exc) or "Not found"), status=404
    )


_ninja_schema = api.get_openapi_schema


def _schema_with_limits(**kwargs):
    """Every operation can answer 429 (home.middleware.ApiRateLimitMiddleware):
    say so in the schema."""
    schema = _ninja_schema(**kwargs)
    throttled = {
        "description": "Too many requests from this address; see Retry-After.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            operation.setdefault("responses", {}).setdefault("429", throttled)
    schema["components"].setdefault("schemas", {}).setdefault(
        "Problem", Problem.model_json_schema()
    )
    return schema


api.get_openapi_schema = _schema_with_limits

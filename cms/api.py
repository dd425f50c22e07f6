"""The headless API: one OpenAPI schema at /api/v3/openapi.json, docs at /api/v3/docs/.

The public API is the website's contract only: the project's own NinjaAPI
with each app's router mounted here, and only here. Wagtail's own v3 routes
(pages, images, documents, redirects, sites, snippets, schema, whoami) are
registered on Wagtail's ``wagtail.api.v3.api.api``, which no public URL
mounts: they would list images of unreviewed submissions, expired pages and
other sites' pages, outside the project's visibility rule.
"""

import copy
from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import register_converter
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from home.api_errors import (
    BadParameter,
    JsonOnlyParser,
    Problem,
    UnsupportedMediaType,
    error_body,
    field_error,
)
from home.api_params import IdConverter
from news.api.routers import (
    directory_router,
    events_router,
    news_router,
    preview_router,
    submissions_router,
)
from newsletters.audience.subscription_api import router as newsletter_router
from newsletters.composition.archive_api import router as newsletter_archive_router
from search.api import router as search_router

# Before ninja builds the routes that use it (``{id:...}``).
register_converter(IdConverter, "id")


def _gate_docs(view):
    """WAGTAILAPI_DOCS_ENABLED = False hides the schema and the docs (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not getattr(settings, "WAGTAILAPI_DOCS_ENABLED", True):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


def _problem(description):
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


# The answers any operation may give besides its own, each in the one error
# shape (home.api_errors), and when they apply.
BAD_REQUEST = _problem("A parameter or the body does not fit; each field named.")
NOT_FOUND = _problem("No such item (or not public).")
NOT_ALLOWED = _problem("This path does not take that method; see Allow.")
UNSUPPORTED = _problem("The body must be sent as application/json.")
THROTTLED = _problem("Too many requests from this address; see Retry-After.")


class ProgrammeAPI(NinjaAPI):
    """NinjaAPI whose schema documents the answers every operation can give
    and is built once per process (building it costs about a second of CPU)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = path_prefix if path_prefix is not None else self.get_root_path({})
        cache = self.__dict__.setdefault("_schemas", {})
        if key not in cache:
            schema = super().get_openapi_schema(path_prefix=key)
            cache[key] = _with_common_answers(dict(copy.deepcopy(schema)))
        return cache[key]


def _with_common_answers(schema):
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault("400", BAD_REQUEST)
            if "{" in path:
                responses.setdefault("404", NOT_FOUND)
            responses.setdefault("405", NOT_ALLOWED)
            if operation.get("requestBody"):
                responses.setdefault("415", UNSUPPORTED)
            responses.setdefault("429", THROTTLED)
    schema["components"].setdefault("schemas", {}).setdefault(
        "Problem", Problem.model_json_schema()
    )
    return schema


api = ProgrammeAPI(
    title="Civil Society Programme API",
    version="3.0.0",
    description=(
        "Read API for the programme website: news, events, organisations, "
        "countries and newsletters in eight languages."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    docs_decorator=_gate_docs,
    parser=JsonOnlyParser(),
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


@api.exception_handler(HttpError)
def http_error(request, exc):
    """Ninja's own refusals (a body it cannot parse...) in the one shape; a body
    that is not JSON is 415 (ninja reports every parser error as a 400)."""
    if isinstance(exc.__cause__, UnsupportedMediaType):
        status, title = 415, str(exc.__cause__)
    else:
        status, title = exc.status_code, str(exc)
    return api.create_response(request, error_body(status, title), status=status)


@api.exception_handler(Exception)
def unexpected(request, exc):
    """Left to Django, which logs it and signals got_request_exception;
    home.middleware.ApiErrorMiddleware turns its page into the JSON 500 (ninja
    would answer with the traceback as text when DEBUG is on)."""
    raise exc

"""Errors the API answers with, in one JSON shape for every app:
{"status": 400, "title": "...", "errors": {"<field>": [{"message", "code"}]}}."""

from http import HTTPStatus

from django.http import JsonResponse
from ninja import Schema
from ninja.parser import Parser


class BadParameter(Exception):
    """A parameter a client sent is not acceptable; answered with 400."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class Problem(Schema):
    status: int
    title: str
    errors: dict[str, list[dict[str, str]]] = {}


def error_body(status, title, errors=None):
    return {"status": status, "title": title, "errors": errors or {}}


def field_error(field, message, code="invalid"):
    return {field: [{"message": message, "code": code}]}


def problem(status, title, errors=None, retry_after=0):
    """The error as a JSON response (with Retry-After for 429)."""
    response = JsonResponse(error_body(status, title, errors), status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class UnsupportedMediaType(Exception):
    """A request body that is not ``application/json``; answered with 415."""


class JsonOnlyParser(Parser):
    """Bodies are read as JSON only when sent as ``application/json``: a
    cross-site HTML form (urlencoded, multipart, text/plain) cannot reach an
    endpoint without a CORS preflight."""

    def parse_body(self, request):
        if request.content_type != "application/json":
            raise UnsupportedMediaType("The body must be sent as application/json.")
        return super().parse_body(request)


def is_json(response):
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type == "application/json" or content_type.endswith("+json")


def as_problem(response):
    """An error answer of a view outside the API's own handlers (a 405 from
    ninja's dispatch, Django's 500 page, a 400 for a bad Host) in the one shape,
    keeping the headers that say what to do next."""
    status = response.status_code
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    replacement = problem(status, title)
    for header in ("Allow", "Retry-After"):
        if header in response:
            replacement[header] = response[header]
    return replacement


def unknown_path(request, *args, **kwargs):
    """Any path under /api/ that no route takes: a JSON 404 (no redirect to a
    language-prefixed page, no HTML)."""
    return problem(404, "Not found")

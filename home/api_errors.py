"""Errors the API answers with, in one JSON shape for every app:
{"status": 400, "title": "...", "errors": {"<field>": [{"message", "code"}]}}."""

from django.http import JsonResponse
from ninja import Schema


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

"""Errors the API answers with, in one JSON shape:
{"status": 400, "title": "...", "errors": {"<field>": [{"message", "code"}]}}."""


class BadParameter(Exception):
    """A parameter a client sent is not acceptable; answered with 400."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def error_body(status, title, errors=None):
    return {"status": status, "title": title, "errors": errors or {}}


def field_error(field, message, code="invalid"):
    return {field: [{"message": message, "code": code}]}

"""Request ids and structured logs.

``RequestIdMiddleware`` (home.middleware) gives each request an id: the
client's (or the proxy's) ``X-Request-ID`` when it is a short token, else a
new uuid4. While the request runs the id and the client's address are in
context variables, and ``RequestContextFilter`` copies them onto every log
record, so each line a request causes names it. ``LOG_FORMAT=json`` logs
through ``JsonFormatter``: one JSON object per line.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

request_id_var = contextvars.ContextVar("request_id", default=None)
client_ip_var = contextvars.ContextVar("client_ip", default=None)

HEADER = "X-Request-ID"
# Letters, digits, "-", "_", ".", ":", up to 64: what proxies and load
# balancers send (uuids, hex); anything else is replaced, never logged.
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def incoming_request_id(value):
    """The client's request id if it is a short token, else None."""
    if value and VALID_ID.match(value):
        return value
    return None


def new_request_id():
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Puts ``request_id`` and ``client_ip`` (None outside a request) on
    every record."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        record.client_ip = client_ip_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger,
    message, request_id, client_ip, and the traceback when there is one."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        client_ip = getattr(record, "client_ip", client_ip_var.get())
        if client_ip:
            entry["client_ip"] = client_ip
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

"""Request ids, structured logs and error reporting.

Each request has an id (a valid incoming X-Request-ID, else a new uuid4) in
every log line it causes; answers name it only on admin pages, server
errors, and to a client that sent one, so public and API answers keep the
same headers for every request."""

import io
import json
import logging
import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from home.logs import JsonFormatter, RequestContextFilter

from .test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

log = logging.getLogger("tests.observability")


def fails(request):
    log.warning("about to fail")
    raise RuntimeError("boom")


def fine(request):
    log.warning("all good")
    return HttpResponse("ok")


urlpatterns = [
    path("fails/", fails),
    path("fine/", fine),
]


@pytest.fixture
def json_log():
    """What the JSON console handler would write, one line per record."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_public_and_api_answers_carry_no_request_id(client):
    assert "X-Request-ID" not in client.get("/api/v3/locales/").headers
    assert "X-Request-ID" not in client.get("/api/v3/nothing-here/").headers


def test_a_clients_request_id_is_returned_and_logged(client, settings, json_log):
    settings.ROOT_URLCONF = __name__
    answer = client.get("/fine/", HTTP_X_REQUEST_ID="edge-7f3a.1")
    assert answer["X-Request-ID"] == "edge-7f3a.1"
    (line,) = [e for e in json_log() if e["logger"] == "tests.observability"]
    assert line["request_id"] == "edge-7f3a.1"
    assert line["message"] == "all good"
    assert line["level"] == "WARNING"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert line["client_ip"] == "127.0.0.1"


def test_an_invalid_request_id_is_replaced_not_echoed(client, settings, json_log):
    settings.ROOT_URLCONF = __name__
    answer = client.get("/fine/", HTTP_X_REQUEST_ID="x" * 65)
    assert "X-Request-ID" not in answer.headers
    answer = client.get("/fine/", HTTP_X_REQUEST_ID="a b\r\n<script>")
    assert "X-Request-ID" not in answer.headers
    ids = [e["request_id"] for e in json_log() if e["logger"] == "tests.observability"]
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert ids[0] != ids[1]


def test_a_server_error_names_its_request_id_as_its_log_lines_do(settings, json_log):
    settings.ROOT_URLCONF = __name__
    answer = Client(raise_request_exception=False).get("/fails/")
    assert answer.status_code == 500
    request_id = answer["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    lines = json_log()
    ours = [e for e in lines if e["logger"] == "tests.observability"]
    assert ours[0]["request_id"] == request_id
    error = [e for e in lines if e["logger"] == "django.request"][0]
    assert error["request_id"] == request_id
    assert "RuntimeError: boom" in error["exception"]


def test_admin_pages_name_their_request_id(client):
    answer = client.get("/admin/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", answer["X-Request-ID"])


def shell(code, **env):
    result = run_manage(
        "cms.settings.production",
        "shell",
        "--verbosity=0",
        "-c",
        code,
        extra_env={**PRODUCTION_ENV, **env},
    )
    assert result.returncode == 0, result.stderr
    return result


def test_log_format_json_writes_one_object_per_line():
    result = shell(
        "import logging; logging.getLogger('probe').warning('hello %s', 'there')",
        LOG_FORMAT="json",
    )
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "hello there"
    assert entry["logger"] == "probe"
    assert entry["level"] == "WARNING"
    assert entry["request_id"] is None
    assert set(entry) >= {"time", "level", "logger", "message", "request_id"}


SENTRY_STATE = (
    "import sentry_sdk; c = sentry_sdk.get_client(); o = c.options;"
    "print(c.is_active(), o['send_default_pii'], o['environment'], o['release'],"
    " sorted(i for i in c.integrations if i in ('django', 'celery')))"
)


def test_sentry_is_set_up_only_with_a_dsn():
    assert shell(SENTRY_STATE).stdout.split()[0] == "False"
    active = shell(
        SENTRY_STATE,
        SENTRY_DSN="http://public@127.0.0.1:9/1",
        SENTRY_ENVIRONMENT="staging",
        SENTRY_RELEASE="cms@1.2.3",
    )
    assert active.stdout.split() == [
        "True",
        "False",
        "staging",
        "cms@1.2.3",
        "['celery',",
        "'django']",
    ]

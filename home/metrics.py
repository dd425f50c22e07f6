"""Prometheus metrics at /metrics: the health checks, the heartbeat, the
broker's queue depths, and what the apps register (the newsletters app: the
campaigns by status and the deliveries of the campaigns under way).

The endpoint is off (404) unless METRICS_TOKEN is set, and then asks for it
as a bearer token: the figures are not secret, but the queries are not free
and the endpoint must not be a way to load the database from outside.
Everything here reads; nothing touches the broker's messages.
"""

import math
import secrets

from celery import current_app
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import heartbeat_age_seconds, run_checks

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# kombu's Redis transport keeps a queue's messages of priority p > 0 in the
# list "<queue>\x06\x16<p>" beside the list "<queue>" (its PRIORITY_STEPS).
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)

_collectors = []


class Metric:
    """One metric family: its samples as (labels, value)."""

    def __init__(self, name, kind, help_text):
        self.name, self.kind, self.help_text = name, kind, help_text
        self.samples = []

    def add(self, value, **labels):
        self.samples.append((labels, value))
        return self

    def lines(self):
        yield f"# HELP {self.name} {self.help_text}"
        yield f"# TYPE {self.name} {self.kind}"
        for labels, value in self.samples:
            yield f"{self.name}{_labels(labels)} {_value(value)}"


def _labels(labels):
    if not labels:
        return ""
    inner = ",".join(
        f'{key}="{_escape(str(value))}"' for key, value in sorted(labels.items())
    )
    return "{" + inner + "}"


def _escape(text):
    return text.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _value(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    if isinstance(value, bool):
        return "1" if value else "0"
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def register(collector):
    """Add ``collector``, a callable returning Metric objects, to /metrics
    (an app's ready() calls it; registering twice counts once)."""
    if collector not in _collectors:
        _collectors.append(collector)


def health_metrics():
    _ok, checks = run_checks()
    up = Metric("cms_dependency_up", "gauge", "1 when the dependency answers.")
    seconds = Metric(
        "cms_dependency_check_seconds", "gauge", "Time the health check took."
    )
    for name, result in checks.items():
        up.add(result["ok"], dependency=name)
        seconds.add(result["ms"] / 1000, dependency=name)
    age = heartbeat_age_seconds()
    heartbeat = Metric(
        "cms_worker_heartbeat_age_seconds",
        "gauge",
        "Seconds since a worker last ran beat's heartbeat task (NaN: never).",
    ).add(float("nan") if age is None else float(age))
    return [up, seconds, heartbeat]


def queue_names():
    return sorted(
        {
            settings.CELERY_TASK_DEFAULT_QUEUE,
            settings.CELERY_SENDING_QUEUE,
            settings.CELERY_MAIL_QUEUE,
        }
    )


def queue_metrics():
    """Messages waiting in each queue (Redis broker only; others: none)."""
    metric = Metric(
        "cms_queue_messages", "gauge", "Messages waiting in the broker's queue."
    )
    if not str(current_app.conf.broker_url).startswith(("redis://", "rediss://")):
        return [metric]
    try:
        with current_app.connection_for_read() as connection:
            client = connection.default_channel.client
            for queue in queue_names():
                keys = [queue] + [
                    f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS
                ]
                pipe = client.pipeline()
                for key in keys:
                    pipe.llen(key)
                metric.add(sum(pipe.execute()), queue=queue)
    except Exception:  # noqa: BLE001 - cms_dependency_up says the broker is down
        metric.samples = [({"queue": queue}, None) for queue in queue_names()]
    return [metric]


def render():
    families = health_metrics() + queue_metrics()
    for collector in _collectors:
        families.extend(collector())
    lines = [line for family in families for line in family.lines()]
    return "\n".join(lines) + "\n"


def authorised(request):
    token = getattr(settings, "METRICS_TOKEN", "")
    if not token:
        raise Http404
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(
        given.strip().encode(), token.encode()
    )


@never_cache
@require_safe
def metrics_view(request):
    if not authorised(request):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render(), content_type=CONTENT_TYPE)

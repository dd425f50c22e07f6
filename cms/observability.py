"""Error reporting through sentry-sdk, set up by the settings when SENTRY_DSN
is set (web, workers and beat alike).

No personal data leaves: ``send_default_pii`` is off (no user, cookies,
client address or request bodies), and request bodies are never attached.
Events carry the request id (``X-Request-ID``, home.logs) as a tag, so a
report and the log lines of its request find each other.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration


def _tag_request_id(event, hint):
    from home.logs import request_id_var

    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(dsn, environment=None, release=None, traces_sample_rate=0.0):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(),
        ],
        before_send=_tag_request_id,
    )

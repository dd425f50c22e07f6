"""No mail is sent inside a request: Django's mail is queued after commit and
sent by a worker, retried while the mail server is away.

The settings under test are the project's own (cms.settings.base), not the
locmem backend pytest-django puts in place for the rest of the suite.
"""

import json
import smtplib
import socket
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from cms.settings import base as project_settings
from home import mail as queued_mail
from home import tasks
from home.conf import app_settings

SUBSCRIBE = "/api/v3/newsletter/subscribe/"
SUBMIT = "/api/v3/submissions/"
HUMAN = {"HTTP_USER_AGENT": "Mozilla/5.0 (test browser)", "REMOTE_ADDR": "203.0.113.9"}


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    """The project's mail settings, with an SMTP server that is not there."""
    settings.EMAIL_BACKEND = project_settings.EMAIL_BACKEND
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    return settings


def subscribe(client, email="jovana@example.rs"):
    return client.post(
        SUBSCRIBE,
        json.dumps(
            {
                "email": email,
                "countries": ["RS"],
                "language": "sr",
                "name": "Јована Ђорђевић",
                "consent": True,
            }
        ),
        content_type="application/json",
        **HUMAN,
    )


def test_subscribing_while_the_mail_server_is_down_answers_202(
    client, team_lists, mail_server_down, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(queued_mail.current_app, "send_task") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = subscribe(client)
    assert response.status_code == 202, response.content
    ((name,), kwargs) = enqueue.call_args
    assert name == "home.tasks.send_email"
    (queued,) = kwargs["args"]
    assert queued["to"] == ["jovana@example.rs"]
    assert queued["subject"] == "Потврдите пријаву на билтен"


def test_a_cso_submission_while_the_mail_server_is_down_answers_202(
    client, programme, team_user, mail_server_down, django_capture_on_commit_callbacks
):
    moderator = team_user("XK", "moderator")
    payload = {
        "submitter_name": "Arbër Gashi",
        "submitter_email": "arber@example.org",
        "country": "XK",
        "language": "sq",
        "organisation": None,
        "new_organisation_name": "Shoqata e të rinjve të Gjilanit",
        "title": "Punëtori për shoqërinë civile në Gjilan",
        "text": "Çdo vit organizojmë një punëtori.",
        "consent": True,
    }
    with (
        mock.patch.object(queued_mail.current_app, "send_task") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            SUBMIT, json.dumps(payload), content_type="application/json", **HUMAN
        )
    assert response.status_code == 202, response.content
    recipients = {
        address
        for call in enqueue.call_args_list
        for address in call[1]["args"][0]["to"]
    }
    # The acknowledgement and Wagtail's own notification to the moderators
    # both went to the queue.
    assert {"arber@example.org", moderator.email} <= recipients


def test_a_queued_message_is_delivered_unchanged(settings):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_BACKEND = queued_mail.QUEUED
    mail.outbox = []
    message = EmailMultiAlternatives(
        subject="Потврдите пријаву: İstanbul, Gjilan ë ç",
        body="Tekst: ë ç ı İ Ђ",
        from_email="Programme <news@example.org>",
        to=["ana@example.org"],
        reply_to=["office@example.org"],
        headers={"X-Programme": "EU4CS"},
    )
    message.attach_alternative("<p>Tekst: ë ç</p>", "text/html")
    message.attach("notes.txt", "Shënime", "text/plain")
    data = json.loads(json.dumps(queued_mail.serialise(message)))
    queued_mail.deliver(data)
    queued_mail.deliver(data)  # a retry after an unclear failure
    first, second = mail.outbox
    assert first.subject == message.subject
    assert first.body == message.body
    assert first.alternatives[0][0] == "<p>Tekst: ë ç</p>"
    assert first.reply_to == ["office@example.org"]
    assert first.attachments[0][0] == "notes.txt"
    assert first.extra_headers["X-Programme"] == "EU4CS"
    assert first.message()["Message-ID"] == second.message()["Message-ID"]


def test_a_permanent_refusal_is_not_retried_and_an_outage_is(settings):
    data = queued_mail.serialise(
        EmailMultiAlternatives("s", "b", "news@example.org", ["x@example.org"])
    )
    refused = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})
    with mock.patch.object(queued_mail, "deliver", side_effect=refused):
        tasks.send_email.apply(args=(data,)).get()  # returns: nothing to retry
    with (
        mock.patch.object(queued_mail, "deliver", side_effect=ConnectionRefusedError),
        mock.patch.object(tasks.send_email, "retry", side_effect=RuntimeError) as retry,
        pytest.raises(RuntimeError),
    ):
        tasks.send_email.apply(args=(data,), throw=True).get()
    assert retry.call_args[1]["countdown"] == app_settings.EMAIL_RETRY_SECONDS

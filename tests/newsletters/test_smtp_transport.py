"""The SMTP transport against a real SMTP server on loopback (aiosmtpd in a
thread of the test process): replies are classified, a failing RSET never
escapes as a crash, and Return-Path stays in the envelope, not the message."""

import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.core.mail import get_connection

from cms.celery import app
from newsletters.delivery.models import Campaign
from newsletters.delivery.transports import (
    FAILED,
    RETRY,
    SENT,
    DjangoTransport,
    Outgoing,
)
from tests.newsletters.compose import intro, newsletter
from tests.newsletters.test_campaigns import make_campaign, run, subscribe
from tests.reliability.smtpd import Recorder, SMTPServer


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RejectThenHangUpOnReset(Recorder):
    """554 after the message body, then the connection drops at RSET."""

    async def handle_DATA(self, server, session, envelope):
        return "554 5.7.1 Message refused"

    async def handle_RSET(self, server, session, envelope):
        server.transport.abort()
        return "421 closing"


@pytest.fixture
def smtp(settings):
    port = free_port()
    server = SMTPServer(port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return server


def message(to="ana@example.org"):
    data = (
        f"From: Programme <news@example.org>\r\nTo: {to}\r\n"
        "Subject: Shoqëria civile\r\nMessage-ID: <m1@example.org>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nTekst.\r\n"
    ).encode()
    return Outgoing(
        envelope_from="news@example.org", to=to, data=data, message_id="<m1@x>"
    )


def test_a_refusal_followed_by_a_dropped_reset_is_a_result_not_a_crash(smtp):
    smtp.recorder = RejectThenHangUpOnReset()
    smtp.controller.handler = smtp.recorder
    with smtp, DjangoTransport() as transport:
        result = transport.send(message())
        assert result.status == FAILED
        assert result.code == 554
        # The dropped connection is opened again for the next recipient.
        smtp.recorder.__class__ = Recorder
        assert transport.send(message("beni@example.org")).status == SENT
    assert [m.to for m in smtp.recorder.messages] == ["beni@example.org"]


def test_transport_sends_through_a_django_smtp_connection(smtp):
    with smtp as recorder, DjangoTransport() as transport:
        assert transport.send(message()).status == SENT
    assert recorder.messages[0].envelope_from == "news@example.org"
    assert get_connection().__class__.__name__ == "EmailBackend"


def test_return_path_is_the_envelope_sender_and_not_a_header(
    smtp, settings, programme, team_lists, django_capture_on_commit_callbacks
):
    issue = newsletter(
        programme, "XK", "sq", [intro("<p>Shoqëria civile.</p>")], subject="Buletini"
    )
    settings.NEWSLETTERS_RETURN_PATH = "bounces@mail.example.org"
    settings.NEWSLETTERS_SEND_RATE = 0
    subscribe("ana@example.org", "sq", team_lists["XK"])
    campaign = make_campaign(issue, team_lists["XK"])
    app.conf.task_always_eager = True
    try:
        with smtp as recorder:
            assert run(campaign, django_capture_on_commit_callbacks)
    finally:
        app.conf.task_always_eager = False
    assert campaign.status == Campaign.Status.SENT
    (received,) = recorder.messages
    assert received.envelope_from.startswith("bounces+")
    assert received.envelope_from.endswith("@mail.example.org")
    parsed = message_from_bytes(received.data, policy=default_policy)
    assert parsed["Return-Path"] is None
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


class Pipelining(Recorder):
    """Offers ESMTP PIPELINING and notes, at each MAIL, whether the client's
    RCPT and DATA were already waiting behind it (sent in the same write)."""

    def __init__(self, refuse_mail=(), tempfail_data=False):
        super().__init__()
        self.queued_at_mail = []
        self.refuse_mail = set(refuse_mail)
        self.tempfail_data = tempfail_data

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        waiting = bytes(server._reader._buffer)
        self.queued_at_mail.append(b"RCPT TO:" in waiting and b"DATA" in waiting)
        if address in self.refuse_mail:
            return "451 4.3.2 Sender deferred"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail_data:
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def pipelining_server(smtp, **faults):
    smtp.recorder = Pipelining(**faults)
    smtp.controller.handler = smtp.recorder
    return smtp


def test_a_server_offering_pipelining_gets_mail_rcpt_and_data_in_one_write(smtp):
    pipelining_server(smtp)
    dotted = message("ana@example.org")
    dotted = Outgoing(
        envelope_from=dotted.envelope_from,
        to=dotted.to,
        data=dotted.data.replace(b"Tekst.\r\n", b"Tekst.\r\n.\r\n..pika\r\nfund"),
        message_id=dotted.message_id,
    )
    with smtp as recorder, DjangoTransport() as transport:
        assert transport.send(dotted).status == SENT
        assert transport.send(message("beni@example.org")).status == SENT
    assert recorder.queued_at_mail == [True, True]
    assert [m.to for m in recorder.messages] == ["ana@example.org", "beni@example.org"]
    # The body arrives as it left: dot-stuffing undone by the server, the
    # missing final line break added.
    assert recorder.messages[0].data.endswith(b"Tekst.\r\n.\r\n..pika\r\nfund\r\n")


def test_pipelined_replies_are_judged_for_their_own_command(smtp):
    pipelining_server(smtp, refuse_mail={"deferred@example.org"})
    smtp.recorder.faults.reject = {"nobody@example.org"}
    deferred = message("ana@example.org")
    deferred = Outgoing(
        envelope_from="deferred@example.org",
        to=deferred.to,
        data=deferred.data,
        message_id=deferred.message_id,
    )
    with smtp as recorder, DjangoTransport() as transport:
        refused = transport.send(message("nobody@example.org"))
        assert (refused.status, refused.code, refused.suppress) == (FAILED, 550, True)
        later = transport.send(deferred)
        assert (later.status, later.code) == (RETRY, 451)
        # The same connection goes on: the refusals were reset, not fatal.
        assert transport.send(message("beni@example.org")).status == SENT
    assert [m.to for m in recorder.messages] == ["beni@example.org"]
    assert all(recorder.queued_at_mail)


def test_a_temporary_refusal_after_a_pipelined_body_is_a_retry(smtp):
    pipelining_server(smtp, tempfail_data=True)
    with smtp as recorder, DjangoTransport() as transport:
        result = transport.send(message())
    assert (result.status, result.code) == (RETRY, 451)
    assert recorder.messages == []


@pytest.mark.parametrize(
    "data",
    [
        b".first line is a dot\r\nthen text",
        b"Tekst.\r\n.\r\n..pika\r\nfund\r\n",
        b"no dots at all\r\n",
        b"a bare LF\n.dot after it\r\n.",
        b"",
    ],
)
def test_dot_stuffing_doubles_every_leading_dot_and_ends_the_data(data):
    """The body as DATA sends it (RFC 5321 4.5.2): what the multiline regular
    expression made, byte for byte, without rescanning 36 kB with it."""
    import re

    from newsletters.delivery.transports import dot_stuffed

    expected = re.sub(rb"(?m)^\.", b"..", data)
    if not expected.endswith(b"\r\n"):
        expected += b"\r\n"
    assert dot_stuffed(data) == expected + b".\r\n"


@pytest.mark.parametrize(
    "address",
    [
        "ana@example.org",
        "bounce+c12.s34=example.org@news.example.org",
        "Ana <ana@example.org>",
        "ana.ë@shembull.example",
        '"odd name"@example.org',
        "no-at-sign",
        "",
        "<ana@example.org>",
    ],
)
def test_envelope_addresses_are_quoted_as_smtplib_quotes_them(address):
    import smtplib

    from newsletters.delivery.transports import quoted

    assert quoted(address) == smtplib.quoteaddr(address)

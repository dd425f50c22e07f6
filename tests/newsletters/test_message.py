"""The per-recipient message: spliced bytes decode to the edition with the
recipient's values, in every script, within line limits; the transport's
outcomes; test sends."""

import email
import email.policy
import socket

import pytest
from django.core import mail, signing

from newsletters.audience.models import Subscriber, Subscription
from newsletters.audience.tokens import (
    MANAGE_SALT,
    ManageClaim,
    ManageSigner,
    read_manage_token,
)
from newsletters.delivery.message import Personaliser, PreparedMessage, message_id
from newsletters.delivery.sending import send_test
from newsletters.delivery.transports import (
    FAILED,
    RETRY,
    SENT,
    ConnectionLost,
    DjangoTransport,
    Outgoing,
    classify,
)
from tests.newsletters.editions import make_edition, substituted
from tests.reliability.smtpd import SMTPServer

VALUES = {
    "first_name": "Ђорђе <Ana> & İlkay",
    "unsubscribe_url": "http://testserver/sr/newsletters/unsubscribe/"
    + "x" * 160
    + "/?a=1&b=2",
    "preferences_url": "http://testserver/sr/newsletters/preferences/abc/",
}


def free_port():
    for port in range(8100, 8200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8100-8199")


def parse(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def parts(message):
    text, html = (part.get_content() for part in message.iter_parts())
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


@pytest.mark.parametrize("language", ["sr", "mk", "tr", "sq", "en"])
def test_spliced_message_decodes_to_edition_with_values(language):
    edition = make_edition(language)
    prepared = PreparedMessage.from_edition(edition)
    data = prepared.render(
        to="reader@example.org",
        message_id="<newsletter.1.2@example.org>",
        values=VALUES,
        headers={"List-Unsubscribe": f"<{VALUES['unsubscribe_url']}>"},
    )
    message = parse(data)
    assert message["Subject"] == edition.subject
    assert message["From"].addresses[0].display_name == "Програм ëç"
    assert message["To"] == "reader@example.org"
    assert message["Message-ID"] == "<newsletter.1.2@example.org>"
    assert message["List-Unsubscribe"] == f"<{VALUES['unsubscribe_url']}>"
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    assert text == substituted(edition.text, VALUES, escape=False)
    assert html == substituted(edition.html, VALUES, escape=True)
    assert "&lt;Ana&gt; &amp; İlkay" in html
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    body = data.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= 76
    assert data.isascii()


def test_values_cannot_inject_headers_or_markup():
    prepared = PreparedMessage.from_edition(make_edition("en"))
    values = {**VALUES, "first_name": 'Eve\r\nBcc: all@example.org <script>"'}
    message = parse(
        prepared.render(
            to="r@example.org", message_id="<m@example.org>", values=values, headers={}
        )
    )
    assert message["Bcc"] is None
    text, html = parts(message)
    assert "<script>" not in html and "Eve Bcc: all@example.org &lt;script&gt;" in html


def test_each_recipient_differs_only_in_their_values():
    prepared = PreparedMessage.from_edition(make_edition("sr"))
    one = parse(
        prepared.render(
            to="a@example.org",
            message_id="<1@x>",
            values={**VALUES, "first_name": "Ана"},
            headers={},
        )
    )
    two = parse(
        prepared.render(
            to="b@example.org",
            message_id="<2@x>",
            values={**VALUES, "first_name": "Бојан"},
            headers={},
        )
    )
    assert "Здраво Ана," in parts(one)[0] and "Здраво Бојан," in parts(two)[0]
    assert parts(one)[0].replace("Ана", "Бојан") == parts(two)[0]


def test_message_id_is_fixed_per_campaign_and_subscriber():
    assert message_id(7, 42, "example.org") == message_id(7, 42, "example.org")
    assert message_id(7, 42, "example.org") != message_id(7, 43, "example.org")


@pytest.mark.django_db
def test_recipient_values_carry_the_subscribers_one_click_link():
    subscriber = Subscriber.objects.create(
        email="ilkay@example.org", name="İlkay Yılmaz", language="tr"
    )
    edition = make_edition("tr")
    values, headers = Personaliser(edition, [3, 1])(subscriber)
    assert values["first_name"] == "İlkay"
    assert headers["List-Unsubscribe"] == f"<{values['unsubscribe_url']}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = values["unsubscribe_url"].rstrip("/").rsplit("/", 1)[1]
    assert read_manage_token(token) == ManageClaim(subscriber.pk, (1, 3))
    assert values["unsubscribe_url"].startswith("http://testserver/tr/")
    nameless = Subscriber.objects.create(email="x@example.org", language="tr")
    assert Personaliser(edition)(nameless)[0]["first_name"] == "dostum"


@pytest.mark.parametrize(
    "value",
    [
        "http://testserver/en/newsletter/unsubscribe/" + "a" * 200 + "/",
        "x" * 74 + " " + "y" * 80,  # a space where a line would end
        "." + "z" * 150,  # a line beginning with a dot
        "Ana " * 40,
    ],
)
def test_plain_ascii_values_decode_exactly(value):
    """ASCII values skip the quoted-printable encoder; they must still come
    back byte for byte, within the line limit, in both parts."""
    edition = make_edition("en")
    values = {"first_name": "Ana", "unsubscribe_url": value, "preferences_url": value}
    data = PreparedMessage.from_edition(edition).render(
        to="r@example.org", message_id="<m@x>", values=values, headers={}
    )
    text, html = parts(parse(data))
    expected = " ".join(value.split())
    assert text == substituted(
        edition.text,
        {**values, "unsubscribe_url": expected, "preferences_url": expected},
        False,
    )
    assert f'href="{expected}"' in html
    body = data.split(b"\r\n\r\n", 1)[1]
    assert max(len(line) for line in body.split(b"\r\n")) <= 76


@pytest.mark.django_db
def test_one_token_serves_the_newsletters_unsubscribe_and_preference_links(
    lists, client
):
    """The per-recipient path signs once: both links carry the same token,
    the preferences page opens with it, and one-click unsubscribe with it
    leaves only the campaign's lists."""
    subscriber = Subscriber.objects.create(email="ilkay@example.org", language="tr")
    for mailing_list in (lists["XK"], lists["EU"]):
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=Subscription.Status.CONFIRMED,
        )
    values, _headers = Personaliser(make_edition("tr"), [lists["XK"]])(subscriber)
    unsubscribe = values["unsubscribe_url"].removeprefix("http://testserver")
    preferences = values["preferences_url"].removeprefix("http://testserver")
    assert unsubscribe.startswith("/tr/") and preferences.startswith("/tr/")
    assert unsubscribe.split("/")[-2] == preferences.split("/")[-2]
    assert client.get(preferences).status_code == 200
    answer = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    statuses = dict(subscriber.subscriptions.values_list("mailing_list_id", "status"))
    assert statuses == {
        lists["XK"].pk: Subscription.Status.UNSUBSCRIBED,
        lists["EU"].pk: Subscription.Status.CONFIRMED,
    }
    ours, theirs = (
        ManageSigner([3, 1])(9),
        signing.dumps({"s": 9, "l": [1, 3]}, salt=MANAGE_SALT),
    )
    assert ours.split(":")[0] == theirs.split(":")[0]  # same payload format
    assert read_manage_token(ours) == ManageClaim(9, (1, 3))


def test_smtp_replies_are_classified():
    assert classify(451, "4.3.0 busy", "data").status == RETRY
    hard = classify(550, "5.1.1 No such user", "rcpt")
    assert hard.status == FAILED and hard.suppress
    policy = classify(550, "5.7.1 Message rejected as spam", "data")
    assert policy.status == FAILED and not policy.suppress


def test_send_test_through_django_backend_keeps_the_bytes(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    results = send_test(make_edition("mk"), ["Tester@Example.org", "not an address"])
    assert [(r.address, r.ok) for r in results] == [
        ("not an address", False),
        ("tester@example.org", True),
    ]
    message = parse(mail.outbox[0].message().as_bytes(linesep="\r\n"))
    assert message["Subject"] == "Билтен: граѓанско општество"
    assert "Здраво пријателе," in parts(message)[0]


def test_send_test_over_smtp_reports_each_address(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    with SMTPServer(port) as server:
        server.faults.reject = {"gone@example.org"}
        results = send_test(make_edition("sq"), ["ok@example.org", "gone@example.org"])
    assert results[0].ok and not results[1].ok
    assert results[1].error.startswith("550")
    (received,) = server.messages
    assert received.to == "ok@example.org"
    assert received.parsed()["Subject"] == "Buletini: shoqëria civile çdo javë"


def test_transport_reports_drop_after_data_as_connection_lost(settings):
    port = free_port()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    prepared = PreparedMessage.from_edition(make_edition("en"))
    data = prepared.render(
        to="a@example.org", message_id="<1@x>", values=VALUES, headers={}
    )
    outgoing = Outgoing("news@example.org", "a@example.org", data, "<1@x>")
    with SMTPServer(port) as server:
        server.faults.drop_after_data = 1
        transport = DjangoTransport("django.core.mail.backends.smtp.EmailBackend")
        with transport, pytest.raises(ConnectionLost) as lost:
            transport.send(outgoing)
        assert lost.value.after_data
        with transport:
            assert transport.send(outgoing).status == SENT
    assert len(server.messages) == 1

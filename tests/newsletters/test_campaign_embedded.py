"""A campaign sent end to end by a real Celery worker process: on the embedded
default (SQLite, kombu's filesystem broker, one .eml file per message) when
no services are configured, and on PostgreSQL + Redis + an SMTP server on
loopback in CI. Every recipient's message must arrive, once, in their
language, with working one-click unsubscribe and preference links."""

import email
import email.policy
import os
import socket

import pytest
from django.conf import settings
from django.utils import timezone

from newsletters.audience.models import Subscriber, Subscription
from newsletters.delivery import lifecycle
from newsletters.delivery.models import Campaign, Delivery
from tests.conftest import wait_until
from tests.newsletters.compose import intro, newsletter, translate
from tests.reliability.smtpd import SMTPServer

READERS = {
    # address: (language, name, the subject they must get)
    "arta@example.org": ("sq", "Arta Berisha", "Buletini: shoqëria civile çdo javë"),
    "dorde@example.org": ("sr", "Ђорђе Петровић", "Kosovo civil society"),
    "ilkay@example.org": ("tr", "İlkay Işık", "Kosovo civil society"),
    "ema@example.org": ("sq", "", "Buletini: shoqëria civile çdo javë"),
    "john@example.org": ("en", "John Smith", "Kosovo civil society"),
}


def free_port():
    for port in range(8230, 8260):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8230-8259")


@pytest.fixture
def inbox(monkeypatch, tmp_path):
    """Where the worker's messages land, as a function returning the parsed
    messages: .eml files on the embedded default; an SMTP server on loopback
    that records them when the run is configured for SMTP (CI), since CI's
    own SMTP server keeps nothing. Set in the environment the worker inherits."""
    monkeypatch.setenv("NEWSLETTERS_SEND_RATE", "0")
    monkeypatch.setenv("NEWSLETTERS_SEND_CHUNK_SIZE", "2")
    monkeypatch.setenv("NEWSLETTERS_SEND_RECHECK_EVERY", "1")
    if os.environ.get("EMAIL_URL", "").startswith("smtp"):
        port = free_port()
        server = SMTPServer(port)
        recorder = server.__enter__()
        monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
        yield lambda: [m.parsed() for m in list(recorder.messages)]
        server.__exit__(None, None, None)
        return
    mail_dir = tmp_path / "mail"
    monkeypatch.setenv("EMAIL_URL", f"file://{mail_dir}")

    def read():
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(mail_dir.glob("*.eml"))
        ]

    yield read


@pytest.fixture
def worker(inbox, celery_worker_process):
    """The worker, started after ``inbox`` has set its environment."""
    return celery_worker_process


def test_campaign_reaches_every_recipient_through_a_worker_process(
    django_db_serialized_rollback,
    transactional_db,
    programme,
    team_lists,
    admin_user,
    inbox,
    worker,
    client,
):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.CELERY_BROKER_URL.startswith("filesystem://")
    page = newsletter(
        programme,
        "XK",
        "en",
        [intro("<p>Civil society in Kosovo.</p>")],
        subject="Kosovo civil society",
    )
    albanian = translate(page, ["sq"], admin_user)["sq"]
    albanian.subject = "Buletini: shoqëria civile çdo javë"
    albanian.body = [intro("<p>Shoqëria civile në Kosovë, çdo javë.</p>")]
    albanian.save_revision().publish()
    xk = team_lists["XK"]
    for address, (language, name, _subject) in READERS.items():
        subscriber = Subscriber.objects.create(
            email=address, language=language, name=name
        )
        Subscription.objects.create(
            subscriber=subscriber,
            mailing_list=xk,
            status=Subscription.Status.CONFIRMED,
            confirmed_at=timezone.now(),
        )
    left = Subscriber.objects.create(email="left@example.org", language="sq")
    Subscription.objects.create(
        subscriber=left, mailing_list=xk, status=Subscription.Status.UNSUBSCRIBED
    )
    campaign = Campaign.objects.create(newsletter=page)
    campaign.lists.set([xk])

    assert lifecycle.start(campaign.pk)
    wait_until(
        lambda: Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENT,
        timeout=120,
    )
    assert worker.poll() is None, "the worker died; see var/test/worker.log"

    wait_until(lambda: len(inbox()) >= len(READERS), timeout=10)
    received = {}
    for message in inbox():
        received.setdefault(message["To"], []).append(message)
    assert sorted(received) == sorted(READERS)
    assert all(len(messages) == 1 for messages in received.values())
    assert Delivery.objects.filter(
        campaign=campaign, status=Delivery.Status.SENT
    ).count() == len(READERS)

    for address, (_language, name, subject) in READERS.items():
        message = received[address][0]
        assert message["Subject"] == subject
        assert message["Message-ID"].startswith(f"<newsletter.{campaign.pk}.")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        assert "%%" not in html and "%%" not in text
        if name:
            assert name.split()[0] in text
    arta = received["arta@example.org"][0]
    assert (
        "Shoqëria civile në Kosovë, çdo javë." in arta.get_body(("html",)).get_content()
    )

    # The one-click link of a message unsubscribes its reader from the list.
    link = received["dorde@example.org"][0]["List-Unsubscribe"].strip("<>")
    path = link.removeprefix(settings.BASE_URL)
    answer = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert (
        Subscription.objects.get(
            subscriber__email="dorde@example.org", mailing_list=xk
        ).status
        == Subscription.Status.UNSUBSCRIBED
    )

"""Mail queued during an SMTP outage reaches the subscriber once the server
is back: a real worker process, the configured broker, an SMTP server on
loopback that starts only after the first attempt failed.

(Its own module: a transactional test cannot share a module with the
programme fixture's outer transaction.)"""

import json
import socket
import time

from home import mail as queued_mail
from tests.reliability.smtpd import SMTPServer

HUMAN = {"HTTP_USER_AGENT": "Mozilla/5.0 (test browser)", "REMOTE_ADDR": "203.0.113.9"}


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_mail_queued_during_an_outage_arrives_when_the_server_is_back(
    django_db_serialized_rollback,
    transactional_db,
    client,
    lists,
    monkeypatch,
    settings,
    request,
):
    """A real worker process: the first attempt finds no server, a retry
    after it comes back delivers the confirmation."""
    port = closed_port()
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("EMAIL_RETRY_SECONDS", "1")
    settings.EMAIL_BACKEND = queued_mail.QUEUED
    response = client.post(
        "/api/v3/newsletter/subscribe/",
        json.dumps(
            {
                "email": "milica@example.rs",
                "countries": ["RS"],
                "language": "sr",
                "consent": True,
            }
        ),
        content_type="application/json",
        **HUMAN,
    )
    assert response.status_code == 202
    log = settings.VAR_DIR / "worker.log"
    seen = log.stat().st_size if log.exists() else 0
    request.getfixturevalue("celery_worker_process")
    deadline = time.monotonic() + 60
    while "retry in" not in log.read_text(errors="replace")[seen:]:
        assert time.monotonic() < deadline, "the worker never tried to send"
        time.sleep(0.2)
    with SMTPServer(port) as recorder:
        deadline = time.monotonic() + 60
        while not recorder.to("milica@example.rs"):
            assert time.monotonic() < deadline, "the mail never arrived"
            time.sleep(0.2)
    (received,) = recorder.to("milica@example.rs")
    assert received.parsed()["Subject"].strip() == "Потврдите пријаву на билтен"

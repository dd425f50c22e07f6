"""An SMTP server on loopback that records every message and misbehaves on
request: 451 for a while, 550 for chosen addresses, or a connection dropped
after DATA. Runs in a thread of the test process; workers reach it by TCP."""

import email
import email.policy
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    envelope_from: str
    to: str
    data: bytes
    at: float

    def parsed(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def message_id(self):
        return self.parsed()["Message-ID"]


@dataclass
class Faults:
    reject: set = field(default_factory=set)  # addresses answered 550 at RCPT
    tempfail_seconds: float = 0.0  # answer 451 to DATA for this long from the first
    tempfail_until: float | None = None
    drop_after_data: int = 0  # drop the connection after DATA this many times


class Recorder:
    def __init__(self):
        self.messages = []
        self.faults = Faults()
        self.lock = threading.Lock()
        self.tempfailed = 0
        self.dropped = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.faults.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        if self.faults.tempfail_seconds and self.faults.tempfail_until is None:
            self.faults.tempfail_until = now + self.faults.tempfail_seconds
        if self.faults.tempfail_until and now < self.faults.tempfail_until:
            with self.lock:
                self.tempfailed += 1
            return "451 4.3.0 Try again later"
        with self.lock:
            if self.faults.drop_after_data > 0:
                self.faults.drop_after_data -= 1
                self.dropped += 1
                server.transport.abort()
                return "421 closing"
            for to in envelope.rcpt_tos:
                self.messages.append(
                    Received(
                        envelope.mail_from,
                        to,
                        bytes(envelope.original_content or envelope.content),
                        time.monotonic(),
                    )
                )
        return "250 2.0.0 Accepted"

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if m.to == address]

    def count(self):
        with self.lock:
            return len(self.messages)


class SMTPServer:
    def __init__(self, port):
        self.recorder = Recorder()
        self.port = port
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=port, decode_data=False
        )

    def __enter__(self):
        self.controller.start()
        return self.recorder

    def __exit__(self, *exc):
        self.controller.stop()

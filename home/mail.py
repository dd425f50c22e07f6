"""Transactional mail leaves through a Celery queue, never inside a request.

``EMAIL_BACKEND`` is ``QueuedEmailBackend``: whatever sends mail through
Django (confirmations, acknowledgements, Wagtail's moderation and review
notifications, password resets) only serialises the message and enqueues
``home.tasks.send_email`` on the ``mail`` queue once the transaction commits.
The task sends it through ``EMAIL_DELIVERY_BACKEND`` (what ``EMAIL_URL``
names), retrying with backoff while the server is away. A request therefore
answers the same way, in about the same time, whether or not mail is sent and
whether or not the mail server is up.

Newsletters do not pass through here: their transport
(``newsletters.delivery.transports``) talks to the delivery backend directly.
"""

import base64
import logging

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils.http import http_date

log = logging.getLogger(__name__)

QUEUED = "home.mail.QueuedEmailBackend"
SEND_TASK = "home.tasks.send_email"


def delivery_backend():
    """The backend that really sends: EMAIL_DELIVERY_BACKEND behind the queue."""
    if settings.EMAIL_BACKEND == QUEUED:
        return settings.EMAIL_DELIVERY_BACKEND
    return settings.EMAIL_BACKEND


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages or ():
            data = serialise(message)
            transaction.on_commit(
                lambda data=data: current_app.send_task(SEND_TASK, args=(data,))
            )
            count += 1
        return count


def serialise(message):
    """A JSON-able copy of an EmailMessage, with its Message-ID and Date fixed
    now so that a retried delivery is the same message."""
    headers = dict(message.extra_headers)
    names = {name.lower() for name in headers}
    if "message-id" not in names:
        headers["Message-ID"] = make_msgid(domain=_domain())
    if "date" not in names:
        headers["Date"] = http_date()
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append(
            [filename, base64.b64encode(content).decode("ascii"), mimetype]
        )
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
        "alternatives": [
            [str(content), mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def deserialise(data, connection=None):
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        connection=connection,
    )
    message.content_subtype = data["content_subtype"]
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def deliver(data):
    """Send one queued message now through the delivery backend."""
    connection = get_connection(delivery_backend(), fail_silently=False)
    deserialise(data, connection).send()


def _domain():
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    return address or "localhost"

"""Sending an edition's messages: test sends now, and a campaign's chunks.

A chunk is the unit of work: it claims its delivery rows, opens one
connection, builds each recipient's message from the prepared edition and
records each outcome as soon as the server answers, so a crash at any point
loses at most the message on the wire.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .addresses import InvalidAddress, normalise_email
from .backends import SENT, ConnectionLost, Outgoing, get_transport
from .message import PreparedMessage, sample_message_id

MAX_TEST_ADDRESSES = 10


@dataclass(frozen=True)
class TestSendResult:
    address: str
    ok: bool
    error: str = ""


def sample_values(edition):
    """What the placeholders become in a test send: the web version for links
    (a test recipient is no subscriber, so there is nothing to unsubscribe)."""
    link = edition.web_url or settings.BASE_URL
    return {
        "first_name": edition.first_name_fallback,
        "unsubscribe_url": link,
        "preferences_url": link,
    }


def send_test(edition, addresses):
    """Send ``edition`` to a few ``addresses`` now, through the campaign
    transport, without a campaign or deliveries. One result per address."""
    results = []
    good = []
    for raw in addresses[:MAX_TEST_ADDRESSES]:
        try:
            good.append(normalise_email(raw))
        except InvalidAddress:
            results.append(TestSendResult(str(raw), False, _("Not an email address.")))
    for raw in addresses[MAX_TEST_ADDRESSES:]:
        results.append(
            TestSendResult(
                str(raw),
                False,
                _("At most %(n)d test addresses.") % {"n": MAX_TEST_ADDRESSES},
            )
        )
    if not good:
        return results
    prepared = PreparedMessage.from_edition(edition)
    values = sample_values(edition)
    try:
        with get_transport() as transport:
            for address in good:
                results.append(_send_one(transport, prepared, values, address))
    except ConnectionLost as exc:
        done = {result.address for result in results}
        results.extend(
            TestSendResult(address, False, exc.reason)
            for address in good
            if address not in done
        )
    return results


def _send_one(transport, prepared, values, address):
    message_id = sample_message_id(prepared.domain())
    data = prepared.render(to=address, message_id=message_id, values=values, headers={})
    result = transport.send(
        Outgoing(
            envelope_from=prepared.from_email,
            to=address,
            data=data,
            message_id=message_id,
            prepared=prepared,
            values=values,
            headers={},
        )
    )
    return TestSendResult(
        address, result.status == SENT, result.reason if result.status != SENT else ""
    )

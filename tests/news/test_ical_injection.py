"""A line break in an event's text cannot add a property to its calendar, and
an id too large for the database is an unknown event (404), not a 500."""

import re

import icalendar
import pytest

from tests.news.test_ical import events  # noqa: F401 - the event factory

BREAKS = {
    "title": "Punëtori\rATTENDEE:mailto:boss@evil.example",
    "venue": "Salla 2\nATTENDEE;CN=x:mailto:x@evil.example",
    "city": "Prishtinë\r\nX-INJECTED:yes",
}


def as_lines(body):
    """Content lines as a lenient calendar reads them: any CR or LF ends one."""
    return [line for line in re.split(r"\r\n|\r|\n", body.decode()) if line]


@pytest.mark.parametrize("path", ["event", "country"])
def test_line_breaks_in_text_cannot_inject_a_property(client, events, path):  # noqa: F811
    event = events("XK", "sq", "ngjarje", 3, title=BREAKS["title"])
    event.venue, event.city = BREAKS["venue"], BREAKS["city"]
    event.save_revision().publish()
    url = f"/calendar/event/{event.pk}.ics" if path == "event" else "/calendar/xk.ics"
    if path == "country":
        url += "?locale=sq"
    body = client.get(url).content

    names = {line.split(":")[0].split(";")[0] for line in as_lines(body)}
    assert "ATTENDEE" not in names and "X-INJECTED" not in names
    assert b"\r" not in body.replace(b"\r\n", b"")
    assert b"\n" not in body.replace(b"\r\n", b"")
    (parsed,) = icalendar.Calendar.from_ical(body).events
    assert "ATTENDEE" not in parsed and "X-INJECTED" not in parsed
    assert str(parsed["SUMMARY"]) == "Punëtori\nATTENDEE:mailto:boss@evil.example"
    assert str(parsed["LOCATION"]) == (
        "Salla 2\nATTENDEE;CN=x:mailto:x@evil.example, Prishtinë\nX-INJECTED:yes"
    )


@pytest.mark.parametrize(
    "page_id",
    ["99999999999999999999999", "9223372036854775808", "18446744073709551616"],
)
def test_an_id_beyond_the_database_is_an_unknown_event(client, programme, page_id):
    response = client.get(f"/calendar/event/{page_id}.ics")
    assert response.status_code == 404
    assert client.head(f"/calendar/event/{page_id}.ics").status_code == 404

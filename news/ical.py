"""iCalendar (RFC 5545) for events: one event, or a country's upcoming ones.

Built with the ``icalendar`` library, which folds long lines without
splitting a character. Every text value is given to it as ``vText``, which
escapes it (a CR, LF or CRLF in a title or venue is written as ``\\n``, so
no text can start a property of its own): the library's default type for some
properties, X-WR-CALNAME among them, writes the value as it stands.
Times are written in UTC, which every calendar converts to its reader's
zone; the event's own zone is named in the description's first line.
"""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event, vText

from .intake import plain_text

PRODID = "-//Civil Society Programme//Events//EN"


def _utc(value):
    return value.astimezone(datetime.UTC)


def event_component(event, base_url):
    url = event.url or ""
    if not url.startswith(("http://", "https://")):
        url = base_url + url
    where = (
        "Online"
        if event.is_online
        else ", ".join(part for part in (event.venue, event.city) if part)
    )
    description = "\n\n".join(
        part
        for part in (
            f"{event.get_event_type_display()} ({event.time_zone})",
            plain_text(str(event.description)),
            f"Registration: {event.registration_url}" if event.registration_url else "",
        )
        if part
    )
    component = Event()
    component.add("uid", f"{event.translation_key}-{event.locale.language_code}@cms")
    component.add("dtstamp", _utc(event.last_published_at or timezone.now()))
    component.add("dtstart", _utc(event.start))
    component.add("dtend", _utc(event.end))
    component.add("summary", vText(event.title))
    component.add("description", vText(description))
    component.add("url", url)
    if where:
        component.add("location", vText(where))
    return component


def calendar(events, base_url, name):
    """The calendar of ``events`` as RFC 5545 bytes."""
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(name))
    for event in events:
        cal.add_component(event_component(event, base_url))
    return cal.to_ical()

"""iCalendar (RFC 5545) for events: one event, or a country's upcoming ones.

Times are written in UTC, which every calendar converts to its reader's
zone; the event's own zone is named in the description's first line.
"""

import datetime

from django.utils import timezone

from .intake import plain_text

PRODID = "-//Civil Society Programme//Events//EN"


def escape_text(value):
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line):
    """Split a content line into pieces of at most 75 octets, never inside a
    UTF-8 character; continuation lines start with one space."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not pieces else 74
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(event, base_url):
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
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.translation_key}-{event.locale.language_code}@cms",
        f"DTSTAMP:{_utc(event.last_published_at or timezone.now())}",
        f"DTSTART:{_utc(event.start)}",
        f"DTEND:{_utc(event.end)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
    ]
    if where:
        lines.append(f"LOCATION:{escape_text(where)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events, base_url, name):
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(event_lines(event, base_url))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

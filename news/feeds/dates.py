"""Dates as CSO feeds write them, in the programme's languages."""

import calendar
import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from feedparser.datetimes import _parse_date as feedparser_date

# Month and weekday names of the programme's languages (Albanian, Bosnian,
# Serbian in both scripts, Macedonian, Turkish; Montenegrin is Serbian Latin),
# full, genitive and short, mapped to English for feedparser's parsers.
_MONTHS = {
    1: "januar january januara jan јануар јануара јан јануари siječanj "
    "siječnja sij ocak oca",
    2: "februar februara feb фебруар фебруара феб февруари фев shkurt shk "
    "veljača veljače velj şubat şub",
    3: "mart marta mar март марта мар mars ožujak ožujka ožu",
    4: "april aprila apr април априла апр prill pri travanj travnja tra nisan nis",
    5: "maj maja мај маја may svibanj svibnja svi mayıs",
    6: "jun juni juna јун јуна јуни qershor qer lipanj lipnja lip haziran haz",
    7: "jul juli jula јул јула јули korrik kor srpanj srpnja srp temmuz tem",
    8: "avgust avgusta august augusta avg aug август августа авг gusht gush "
    "kolovoz kolovoza kol ağustos ağu",
    9: "septembar septembra septemvri sep sept септембар септембра септември "
    "сеп shtator sht rujan rujna ruj eylül eyl",
    10: "oktobar oktobra okt октобар октобра октомври окт tetor tet listopad "
    "listopada lis ekim eki",
    11: "novembar novembra nov новембар новембра ноември ное нов nëntor nentor "
    "nën studeni studenog stu kasım kas",
    12: "decembar decembra dec децембар децембра декември дек дец dhjetor dhj "
    "prosinac prosinca pro aralık ara",
}
_MONTH_NAMES = {
    word.replace("ı", "i"): number
    for number, words in _MONTHS.items()
    for word in words.split()
}
_ENGLISH_MONTHS = [None, *calendar.month_abbr[1:]]
# Named zones feedparser does not know or takes differently, as offsets.
_ZONES = {
    "UTC": "+0000", "GMT": "+0000", "UT": "+0000", "Z": "+0000",
    "WET": "+0000", "WEST": "+0100", "BST": "+0100",
    "CET": "+0100", "CEST": "+0200", "MET": "+0100", "MEST": "+0200",
    "EET": "+0200", "EEST": "+0300", "MSK": "+0300", "TRT": "+0300",
    "EST": "-0500", "EDT": "-0400", "ET": "-0500",
    "CST": "-0600", "CDT": "-0500", "CT": "-0600",
    "MST": "-0700", "MDT": "-0600", "MT": "-0700",
    "PST": "-0800", "PDT": "-0700", "PT": "-0800",
}  # fmt: skip
_ZONE_AT_END = re.compile(r"(?<![A-Za-z])([A-Z]{1,4})\s*$")
_OFFSET_AT_END = re.compile(r"\s([+-]\d{2}):?(\d{2})\s*$")
_WORD = re.compile(r"[^\W\d_]+\.?")
_LOCAL_DATE = re.compile(
    r"(?P<day>\d{1,2})\.?\s*(?P<month>[^\W\d_]+)\.?,?\s*(?P<year>\d{4})\.?"
    r"(?:[^\d]*(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
)
_NUMERIC_DATE = re.compile(
    r"^(?P<day>\d{1,2})\.\s*(?P<month>\d{1,2})\.\s*(?P<year>\d{4})\.?"
    r"(?:[^\d]*(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
)
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)


def parse_date(value):
    """An aware datetime from a feed's date text, or None; never raises.

    feedparser reads RFC 822, ISO 8601 and their common mistakes; before it,
    month names in the programme's languages become English (weekday names
    go), day.month.year becomes RFC 822, and named zones become offsets. A
    date more than a day ahead is now (a wrong clock or a typo, not a
    scheduled post); one before 1990 is unknown.
    """
    value = " ".join(str(value or "").split())[:200]
    if not value:
        return None
    try:
        parsed = feedparser_date(_english_date(value))
        if parsed is None:
            return None
        moment = datetime(*parsed[:6], tzinfo=UTC)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    now = timezone.now()
    if moment > now + timedelta(days=1):
        return now
    if moment < EARLIEST_DATE:
        return None
    return moment


def _english_date(value):
    zone = ""
    match = _ZONE_AT_END.search(value)
    if match and match.group(1) in _ZONES:
        zone = _ZONES[match.group(1)]
        value = value[: match.start()].rstrip()
    offset = _OFFSET_AT_END.search(value)
    if offset and not zone and (_NUMERIC_DATE.match(value) or _local(value)):
        zone = offset.group(1) + offset.group(2)
        value = value[: offset.start()].rstrip()
    numeric = _NUMERIC_DATE.match(value)
    if numeric:
        return _rfc822(numeric, int(numeric["month"]), zone)
    if not _local(value):
        return f"{value} {zone}".strip()
    for local in _LOCAL_DATE.finditer(value):
        month = _MONTH_NAMES.get(_folded(local["month"]))
        if month:
            return _rfc822(local, month, zone)
    return f"{value} {zone}".strip()


def _local(value):
    """Whether ``value`` names a month in a language other than English."""
    return any(
        _MONTH_NAMES.get(_folded(word)) and not _is_english_month(word)
        for word in _WORD.findall(value)
    )


def _rfc822(match, month, zone):
    if not 1 <= month <= 12:
        return ""
    clock = match["time"] or "00:00:00"
    if clock.count(":") == 1:
        clock += ":00"
    return (
        f"{int(match['day']):02d} {_ENGLISH_MONTHS[month]} {match['year']} "
        f"{clock} {zone or '+0000'}"
    )


def _folded(word):
    return word.replace("İ", "i").lower().rstrip(".").replace("ı", "i")


_ENGLISH_NAMES = {
    name.lower()
    for name in (*calendar.month_abbr[1:], *calendar.month_name[1:], "Sept")
}


def _is_english_month(word):
    return _folded(word) in _ENGLISH_NAMES

"""Parameters every API router shares: ids within the databases' 64 bits,
dates in ISO form."""

import datetime
import re
from typing import Annotated

from pydantic import BeforeValidator

# The largest id any database stores (a signed 64-bit integer); a larger
# number is no id at all, never a reason to overflow a query.
MAX_ID = 2**63 - 1


class IdConverter:
    """``{id:...}`` in an API path: digits within 64 bits. A larger number
    matches no route (a JSON 404), instead of reaching the database."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(value)


def _iso_date(value):
    """Only the ISO form (2026-11-30): pydantic would also read a number as
    a Unix time (``date_to=0`` is 1970-01-01), which the schema does not
    promise."""
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("Enter a date as YYYY-MM-DD.")
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]

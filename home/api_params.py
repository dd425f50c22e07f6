"""Parameters every API router shares: ids within the databases' 64 bits."""

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

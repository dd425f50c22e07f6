"""Why a feed could not be read, shortened for the feed's status in the admin."""

ERROR_MAX = 300


class FeedError(Exception):
    """Why a feed could not be read, in words an editor understands."""


def short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"

"""Why a feed could not be read: a code and its parameters.

The poller runs in a worker, in no one's language, so a feed's status keeps
the code and parameters (``FeedState.last_error_code`` and
``last_error_params``) and ``render`` puts them into words when someone reads
them, in the reader's language. A parameter may itself be a message
(``{"code": ..., "params": ...}``, see ``message``), put into words the same
way.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

ERROR_MAX = 300

MESSAGES = {
    # Fetching
    "redirect_without_address": _(
        "The server answered HTTP %(status)s with no address."
    ),
    "too_many_redirects": _("Too many redirects (more than %(limit)s)."),
    "http_status": _("The server answered HTTP %(status)s."),
    "unsupported_encoding": _(
        "The server sent an unsupported encoding (%(encoding)s)."
    ),
    "corrupt_compression": _("The server sent a corrupt compressed body."),
    "invalid_url": _("The feed address is not a valid URL."),
    "scheme_refused": _(
        "Only http and https feed addresses are allowed (not %(scheme)s)."
    ),
    "no_host": _("The feed address has no host name."),
    "host_not_found": _("The host name %(host)s could not be found."),
    "address_refused": _(
        "Refused: %(host)s points to %(kind)s (%(address)s), not a public "
        "internet address."
    ),
    "timed_out": _("The feed took longer than %(seconds)s seconds to download."),
    "too_large": _("The feed is larger than the %(size)s allowed."),
    "tls_unverified": _("The TLS certificate of %(host)s could not be verified."),
    "tls_failed": _("The TLS connection to %(host)s failed."),
    "connection_refused": _("%(host)s refused the connection."),
    "bad_http": _("%(host)s sent an invalid or incomplete HTTP response."),
    "unreachable": _("Could not reach %(host)s (%(detail)s)."),
    # What an address refused by the SSRF guard is (the "kind" above)
    "metadata_address": _("a cloud metadata address"),
    "unspecified_address": _("an unspecified address"),
    "multicast_address": _("a multicast address"),
    "loopback_address": _("a loopback address"),
    "link_local_address": _("a link-local address"),
    "private_address": _("a private network address"),
    "reserved_address": _("a reserved address"),
    # Parsing
    "dtd_refused": _(
        "The feed declares its own DTD subset or entities, which are refused "
        "for safety."
    ),
    "empty": _("The feed is empty."),
    "unreadable": _("The feed could not be read (%(kind)s)."),
    "unknown_encoding": _("The feed's character encoding is unknown."),
    "not_xml": _(
        "This is not an RSS or Atom feed, nor well-formed XML (line %(line)s, "
        "column %(column)s)."
    ),
    "not_a_feed": _("This is not an RSS or Atom feed."),
    # Checking and polling
    "not_a_source": _("Neither a feed address (http, https) nor a file."),
    "unexpected": _("Unexpected error while reading the feed (%(kind)s)."),
    "no_feed": _("No feed to poll."),
    "entries_not_imported": ngettext_lazy(
        "%(count)s entry could not be imported: %(first)s",
        "%(count)s entries could not be imported: %(first)s",
        "count",
    ),
    "entry_without_key": _("an entry without id, link or title"),
    "entry_failed": _("“%(title)s” (%(kind)s)"),
}
UNREADABLE_STATUS = _("The reason was recorded in a form no longer known (%(code)s).")


class FeedError(Exception):
    """Why a feed could not be read: ``code`` (a key of MESSAGES) and its
    parameters. ``str()`` is the English words, for logs and check_feed."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self):
        return english(self.code, self.params)


def message(code, **params):
    """A message to store or to pass as another's parameter."""
    return {"code": code, "params": params}


def render(code, params=None):
    """The words of ``code`` with ``params``, in the active language,
    shortened for the status; never an exception, whatever was stored."""
    text = MESSAGES.get(code)
    try:
        values = {name: _value(value) for name, value in dict(params or {}).items()}
        words = str(text % values) if text is not None else None
    except (KeyError, TypeError, ValueError):
        words = None
    if words is None:
        words = str(UNREADABLE_STATUS % {"code": str(code)[:64]})
    return short(words)


def english(code, params=None):
    with translation.override("en"):
        return render(code, params)


def _value(value):
    if isinstance(value, dict) and "code" in value:
        if value["code"] not in MESSAGES:
            raise KeyError(value["code"])
        return render(value["code"], value.get("params"))
    return value


def short(text):
    text = " ".join(str(text).split())
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"

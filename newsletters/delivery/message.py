"""One edition encoded once; each recipient's message spliced from bytes.

Rendering MJML and encoding a 100 kB body per recipient would cost far more
than sending it. So an edition is encoded once into a multipart/alternative
MIME message (UTF-8, quoted-printable) cut at its placeholder tokens: the
literal pieces are encoded ahead of time and each ends with a soft line break,
so a recipient's value (HTML-escaped in the HTML part, then encoded on its
own) can be put between them without touching their bytes. Decoding the
result gives exactly the edition with the values substituted.
"""

import email.policy
import html
import re
import secrets
import time
from email.headerregistry import Address
from email.message import EmailMessage
from email.quoprimime import body_encode
from email.utils import formatdate, make_msgid

from ..audience import links
from ..composition import placeholders

CRLF = b"\r\n"
SOFT_BREAK = b"=\r\n"
MAX_LINE = 76
MAX_HEADER_LINE = 998
HEADER_POLICY = email.policy.SMTP.clone(max_line_length=MAX_LINE)


_QP_SAFE = re.compile(r"[!-<>-~ ]*")
_QP_LINE = MAX_LINE - 1  # room for the soft break's "="
_HTML_SPECIAL = re.compile("[&<>\"']")


def qp(text):
    """Quoted-printable bytes of ``text`` (UTF-8), CRLF line ends, <= 76 octets."""
    if not text:
        return b""
    if _QP_SAFE.fullmatch(text):
        # Printable ASCII without "=" (links, most names) encodes as itself:
        # only cut it into lines of 75 plus a soft break, unless a line would
        # end in a space (which must be encoded).
        if len(text) <= _QP_LINE and text[-1] != " ":
            return text.encode("ascii")
        lines = [text[i : i + _QP_LINE] for i in range(0, len(text), _QP_LINE)]
        if " " not in text or not any(line[-1] == " " for line in lines):
            return "=\r\n".join(lines).encode("ascii")
    latin = text.encode("utf-8").decode("latin-1")
    return body_encode(latin, maxlinelen=MAX_LINE, eol="\r\n").encode("ascii")


def _pieces(template):
    """Literal text and token names, alternating, starting with literal text."""
    parts = placeholders.TOKEN_RE.split(template)
    literals = [qp(part) for part in parts[0::2]]
    names = parts[1::2]
    return literals, names


def _header_line(name, value):
    """One header line. ASCII values (URLs in List-Unsubscribe, Message-ID) go
    as they are, never as encoded words, which would break them; others are
    RFC 2047 encoded and folded to 76 octets."""
    if isinstance(value, str) and value.isascii() and "\n" not in value:
        line = f"{name}: {value}".encode("ascii")
        if len(line) <= MAX_HEADER_LINE:
            return line + CRLF
    message = EmailMessage(policy=HEADER_POLICY)
    message[name] = value
    return message.as_bytes().split(b"\r\n\r\n", 1)[0] + CRLF


def _address(display_name, addr_spec):
    local, _, domain = addr_spec.rpartition("@")
    return Address(display_name=display_name or "", username=local, domain=domain)


def message_id(campaign_id, subscriber_id, domain):
    """The Message-ID of one campaign's message to one subscriber, the same on
    every attempt, so a duplicate after a crash is recognisable as one."""
    return f"<newsletter.{campaign_id}.{subscriber_id}@{domain}>"


class PreparedMessage:
    """An edition encoded once, ready for per-recipient splicing."""

    def __init__(self, *, head, text_pieces, html_pieces, boundary, edition):
        self.head = head
        self.text_pieces = text_pieces
        self.html_pieces = html_pieces
        self.boundary = boundary
        self.edition = edition
        self.from_email = edition.from_email

    @classmethod
    def from_edition(cls, edition):
        head = b"".join(
            [
                _header_line("From", _address(edition.from_name, edition.from_email)),
                _header_line("Subject", edition.subject),
                *(
                    [_header_line("Reply-To", _address("", edition.reply_to))]
                    if edition.reply_to
                    else []
                ),
                b"MIME-Version: 1.0\r\n",
            ]
        )
        boundary = "=_nl_" + secrets.token_hex(12)
        return cls(
            head=head,
            text_pieces=_pieces(edition.text),
            html_pieces=_pieces(edition.html),
            boundary=boundary.encode("ascii"),
            edition=edition,
        )

    def domain(self):
        return self.from_email.rpartition("@")[2] or "localhost"

    @staticmethod
    def _splice(out, pieces, encoded):
        """Append one part's body to ``out``: the literal pieces and the
        encoded values, a soft line break between any two that are not empty."""
        literals, names = pieces
        started = bool(literals[0])
        if started:
            out.append(literals[0])
        for name, literal in zip(names, literals[1:], strict=True):
            for piece in (encoded[name], literal):
                if piece:
                    if started:
                        out.append(SOFT_BREAK)
                    out.append(piece)
                    started = True

    def render(self, *, to, message_id, values, headers):
        """The complete message to ``to`` as bytes (CRLF line ends).

        Each value is encoded once for the text part and, unless HTML-escaping
        changes it, reused in the HTML part; the message is one join."""
        as_text = {}
        as_html = {}
        for name in placeholders.NAMES:
            value = _one_line(values.get(name, ""))
            as_text[name] = encoded = qp(value)
            if _HTML_SPECIAL.search(value):
                encoded = qp(html.escape(value, quote=True))
            as_html[name] = encoded
        boundary = self.boundary
        out = [
            self.head,
            _header_line("To", to),
            _header_line("Message-ID", message_id),
            _date_line(),
        ]
        for name, value in headers.items():
            out.append(_header_line(name, value))
        out += [
            b'Content-Type: multipart/alternative;\r\n boundary="',
            boundary,
            b'"\r\n\r\n--',
            boundary,
            b"\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
        ]
        self._splice(out, self.text_pieces, as_text)
        out += [
            b"\r\n--",
            boundary,
            b"\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
        ]
        self._splice(out, self.html_pieces, as_html)
        out += [b"\r\n--", boundary, b"--\r\n"]
        return b"".join(out)

    def substitute(self, values):
        """(subject, text, html) as strings with ``values`` put in, for email
        services that take the parts rather than the encoded message."""
        values = {name: _one_line(value) for name, value in values.items()}

        def fill(template, escape):
            return placeholders.TOKEN_RE.sub(
                lambda m: (
                    html.escape(values.get(m[1], ""), quote=True)
                    if escape
                    else values.get(m[1], "")
                ),
                template,
            )

        return (
            self.edition.subject,
            fill(self.edition.text, False),
            fill(self.edition.html, True),
        )


_date = [0, b""]


def _date_line():
    """The Date header, formatted at most once a second."""
    now = int(time.time())
    if _date[0] != now:
        _date[:] = [now, _header_line("Date", formatdate(now, localtime=False))]
    return _date[1]


def _one_line(value):
    value = str(value or "")
    if value.isascii() and value.isprintable() and "  " not in value:
        return value.strip()
    return " ".join(value.split())


def first_name(subscriber, edition):
    name = (subscriber.name or "").split()
    return name[0] if name else edition.first_name_fallback


class Personaliser:
    """Recipients' placeholder values and headers for one edition and the
    campaign's ``lists``; links reversed and signing keys derived once, so
    build one per edition and chunk and call it per recipient."""

    def __init__(self, edition, lists=None):
        self.edition = edition
        self.links = links.NewsletterLinks(edition.language, lists)

    def __call__(self, subscriber):
        """(placeholder values, extra headers) of ``subscriber``.

        The one-click unsubscribe link in the body and in List-Unsubscribe is
        the same, limited to the campaign's lists when given; the links open
        the subscriber's pages in the subscriber's language.
        """
        unsubscribe, preferences, headers = self.links(
            subscriber.pk, subscriber.language
        )
        values = {
            "first_name": first_name(subscriber, self.edition),
            "unsubscribe_url": unsubscribe,
            "preferences_url": preferences,
        }
        return values, headers


def sample_message_id(domain):
    return make_msgid(domain=domain)

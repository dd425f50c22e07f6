"""One spelling per address: what makes two addresses the same subscriber.

Surrounding space and case are dropped and an internationalised domain is
stored as its ASCII (punycode) form, so "Ana@Shembull.AL ", "ana@shembull.al"
and a Unicode domain and its xn-- form are one subscriber. The local part is
lowercased too: providers treat it case-insensitively in practice, and two
subscribers differing only by case would get two copies.
"""

import hashlib
import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

MAX_LENGTH = 254
_validate = EmailValidator()


class InvalidAddress(ValueError):
    pass


def normalise_email(raw):
    """The canonical form of ``raw``, or InvalidAddress saying why not."""
    if not isinstance(raw, str):
        raise InvalidAddress("not text")
    value = unicodedata.normalize("NFC", raw).strip().strip("<>").strip()
    if not value:
        raise InvalidAddress("empty")
    if value.count("@") != 1:
        raise InvalidAddress("not an email address")
    local, domain = value.split("@")
    domain = domain.rstrip(".")
    if not local or not domain:
        raise InvalidAddress("not an email address")
    if not local.isascii():
        raise InvalidAddress("non-ASCII characters before the @")
    if domain.isascii():
        domain = domain.lower()
    else:
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise InvalidAddress("invalid domain") from None
    address = f"{local.lower()}@{domain}"
    if len(address) > MAX_LENGTH:
        raise InvalidAddress("too long")
    try:
        _validate(address)
    except ValidationError:
        raise InvalidAddress("not an email address") from None
    return address


def email_hash(email):
    """SHA-256 of the normalised address (None if it is no address at all)."""
    try:
        address = normalise_email(email)
    except InvalidAddress:
        return None
    return hash_normalised(address)


def hash_normalised(address):
    # UTF-8: the same bytes as ASCII for every normalised address, and no
    # crash on a row written outside normalise_email.
    return hashlib.sha256(address.encode()).hexdigest()

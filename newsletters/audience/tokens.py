"""Signed tokens in links: confirmation, preferences/unsubscribe, VERP.

All are signed with the secret key (django.core.signing) under their own salt,
so a token of one kind is worthless as another, and all expire. A confirmation
token also carries the subscriber's current nonce, which confirming clears:
it works once.
"""

import datetime
import hashlib
import json
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from ..conf import app_settings

CONFIRM_SALT = "newsletters.confirm"
MANAGE_SALT = "newsletters.manage"
VERP_SALT = "newsletters.verp"


class InvalidToken(Exception):
    """Altered, unknown or used: the link is no good (404)."""


class ExpiredToken(InvalidToken):
    """Genuine but too old (410)."""


class UsedToken(InvalidToken):
    """A genuine confirmation link whose subscriber has confirmed since (or
    left every list): it works once (404, but the page can say so)."""

    def __init__(self, subscriber_id):
        super().__init__(subscriber_id)
        self.subscriber_id = subscriber_id


@dataclass(frozen=True)
class ManageClaim:
    subscriber_id: int
    list_ids: tuple | None  # None: every list
    # When the link was signed; not part of what the link names.
    issued_at: datetime.datetime | None = field(default=None, compare=False)


def _load(token, salt, max_age):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidToken from None


def confirm_token(subscriber):
    return signing.dumps(
        {"s": subscriber.pk, "n": subscriber.confirm_nonce}, salt=CONFIRM_SALT
    )


def read_confirm_token(token):
    """(subscriber id, nonce) of a genuine, unexpired confirmation token."""
    data = _load(token, CONFIRM_SALT, app_settings.NEWSLETTERS_CONFIRM_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise InvalidToken
    return data["s"], str(data.get("n", ""))


_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


class _SaltedHmac:
    """``salted_hmac(key_salt, msg, secret, algorithm=...)`` for many messages:
    the derived key and the padded inner and outer hashes (RFC 2104) are made
    once; each message then costs two hash copies in C (``hmac.HMAC.copy``
    is Python and costs several times more)."""

    def __init__(self, key_salt, secret, algorithm):
        hasher = getattr(hashlib, algorithm)
        key = hasher(key_salt.encode() + secret.encode()).digest()
        key = key.ljust(hasher().block_size, b"\0")
        self._inner = hasher(key.translate(_IPAD))
        self._outer = hasher(key.translate(_OPAD))

    def digest(self, message):
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer


class ManageSigner:
    """Signs preferences/unsubscribe tokens for many subscribers of the same
    ``lists`` (None: every list); build one per chunk, call per recipient.

    The tokens are exactly what ``signing.dumps(..., salt=MANAGE_SALT)``
    makes (compact JSON, URL-safe base64, base62 timestamp, HMAC-SHA256 under
    the salted key), read back by ``signing.loads``; only the work is done
    once: the key is derived and the JSON of the lists written when the
    signer is built, and the timestamp formatted once a second.
    """

    def __init__(self, lists=None):
        self.list_ids = (
            None if lists is None else sorted(getattr(x, "pk", x) for x in lists)
        )
        self._lists_json = json.dumps(self.list_ids, separators=(",", ":"))
        self._mac = _SaltedHmac(MANAGE_SALT + "signer", settings.SECRET_KEY, "sha256")
        self._second = None
        self._timestamp = ""

    def __call__(self, subscriber_id):
        subscriber_id = int(subscriber_id)
        now = int(time.time())
        if now != self._second:
            self._second, self._timestamp = now, signing.b62_encode(now)
        data = f'{{"s":{subscriber_id},"l":{self._lists_json}}}'.encode("ascii")
        value = signing.b64_encode(data) + b":" + self._timestamp.encode("ascii")
        signature = signing.b64_encode(self._mac.digest(value).digest())
        return (value + b":" + signature).decode("ascii")


def manage_token(subscriber, lists=None):
    """A preferences/unsubscribe token, limited to ``lists`` when given."""
    return ManageSigner(lists)(subscriber.pk)


def read_manage_token(token):
    data = _load(token, MANAGE_SALT, app_settings.NEWSLETTERS_MANAGE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise InvalidToken
    lists = data.get("l")
    if lists is not None and not (
        isinstance(lists, list) and all(isinstance(x, int) for x in lists)
    ):
        raise InvalidToken
    return ManageClaim(
        data["s"], None if lists is None else tuple(lists), _signed_at(token)
    )


def _signed_at(token):
    """The time a genuine token was signed (its second field from the end)."""
    stamp = token.rsplit(":", 2)[-2]
    return datetime.datetime.fromtimestamp(signing.b62_decode(stamp), tz=datetime.UTC)


def _verp_macs(subscriber_id):
    """The VERP tag under the secret key, then under each former key
    (SECRET_KEY_FALLBACKS), so bounces of mail sent before a rotation still
    name their subscriber."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        yield salted_hmac(VERP_SALT, str(subscriber_id), secret=secret).hexdigest()[:16]


class ReturnPaths:
    """VERP addresses for many subscribers, the HMAC key derived once."""

    def __init__(self):
        base = app_settings.NEWSLETTERS_RETURN_PATH
        self.enabled = bool(base) and "@" in base
        if self.enabled:
            self.local, self.domain = base.rsplit("@", 1)
            self._mac = _SaltedHmac(VERP_SALT, settings.SECRET_KEY, "sha1")

    def __call__(self, subscriber_id):
        """bounces+<id>-<mac>@domain, or "" when NEWSLETTERS_RETURN_PATH is unset."""
        if not self.enabled:
            return ""
        mac = self._mac.digest(str(subscriber_id).encode("ascii")).hexdigest()[:16]
        return f"{self.local}+{subscriber_id}-{mac}@{self.domain}"


def subscriber_id_from_return_path(address):
    """The subscriber id a VERP address names, or None if it is not genuine."""
    base = app_settings.NEWSLETTERS_RETURN_PATH
    if not base or "@" not in base or not isinstance(address, str):
        return None
    local, _, domain = address.strip().strip("<>").rpartition("@")
    base_local, base_domain = base.rsplit("@", 1)
    if domain.lower() != base_domain.lower() or "+" not in local:
        return None
    prefix, tag = local.split("+", 1)
    if prefix.lower() != base_local.lower() or "-" not in tag:
        return None
    number, mac = tag.split("-", 1)
    if not number.isdigit() or not any(
        constant_time_compare(mac, expected) for expected in _verp_macs(number)
    ):
        return None
    return int(number)

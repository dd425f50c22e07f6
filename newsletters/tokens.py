"""Signed tokens in links: confirmation, preferences/unsubscribe, VERP.

All are signed with the secret key (django.core.signing) under their own salt,
so a token of one kind is worthless as another, and all expire. A confirmation
token also carries the subscriber's current nonce, which confirming clears:
it works once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes

CONFIRM_SALT = "newsletters.confirm"
MANAGE_SALT = "newsletters.manage"
VERP_SALT = "newsletters.verp"


class InvalidToken(Exception):
    """Altered, unknown or used: the link is no good (404)."""


class ExpiredToken(InvalidToken):
    """Genuine but too old (410)."""


@dataclass(frozen=True)
class ManageClaim:
    subscriber_id: int
    list_ids: tuple | None  # None: every list


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
    data = _load(token, CONFIRM_SALT, settings.NEWSLETTERS_CONFIRM_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise InvalidToken
    return data["s"], str(data.get("n", ""))


class _KeyedSigner(signing.TimestampSigner):
    """Django's TimestampSigner (same token format, read by ``signing.loads``)
    that derives its HMAC key once instead of on every signature: signing one
    token per recipient of a campaign is then one HMAC of a short string."""

    def __init__(self, salt):
        super().__init__(salt=salt)
        self._mac = salted_hmac(self.salt + "signer", b"", self.key, algorithm="sha256")

    def signature(self, value, key=None):
        if key is not None and key != self.key:
            return super().signature(value, key)
        mac = self._mac.copy()
        mac.update(force_bytes(value))
        return signing.b64_encode(mac.digest()).decode()


class ManageSigner:
    """Signs preferences/unsubscribe tokens for many subscribers of the same
    ``lists`` (None: every list); build one per chunk, call per recipient."""

    def __init__(self, lists=None):
        self.list_ids = (
            None if lists is None else sorted(getattr(x, "pk", x) for x in lists)
        )
        self._signer = _KeyedSigner(MANAGE_SALT)

    def __call__(self, subscriber_id):
        return self._signer.sign_object({"s": subscriber_id, "l": self.list_ids})


def manage_token(subscriber, lists=None):
    """A preferences/unsubscribe token, limited to ``lists`` when given."""
    return ManageSigner(lists)(subscriber.pk)


def read_manage_token(token):
    data = _load(token, MANAGE_SALT, settings.NEWSLETTERS_MANAGE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise InvalidToken
    lists = data.get("l")
    if lists is not None and not (
        isinstance(lists, list) and all(isinstance(x, int) for x in lists)
    ):
        raise InvalidToken
    return ManageClaim(data["s"], None if lists is None else tuple(lists))


def _verp_mac(subscriber_id):
    return salted_hmac(VERP_SALT, str(subscriber_id)).hexdigest()[:16]


class ReturnPaths:
    """VERP addresses for many subscribers, the HMAC key derived once."""

    def __init__(self):
        base = settings.NEWSLETTERS_RETURN_PATH
        self.enabled = bool(base) and "@" in base
        if self.enabled:
            self.local, self.domain = base.rsplit("@", 1)
            self._mac = salted_hmac(VERP_SALT, b"")

    def __call__(self, subscriber_id):
        """bounces+<id>-<mac>@domain, or "" when NEWSLETTERS_RETURN_PATH is unset."""
        if not self.enabled:
            return ""
        mac = self._mac.copy()
        mac.update(str(subscriber_id).encode("ascii"))
        return f"{self.local}+{subscriber_id}-{mac.hexdigest()[:16]}@{self.domain}"


def return_path_for(subscriber):
    """bounces+<id>-<mac>@domain for NEWSLETTERS_RETURN_PATH, or "" if unset."""
    return ReturnPaths()(subscriber.pk)


def subscriber_id_from_return_path(address):
    """The subscriber id a VERP address names, or None if it is not genuine."""
    base = settings.NEWSLETTERS_RETURN_PATH
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
    if not number.isdigit() or not constant_time_compare(mac, _verp_mac(number)):
        return None
    return int(number)

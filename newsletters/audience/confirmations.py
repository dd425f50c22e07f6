"""When a subscribe request may email the address, and what the answer says.

Anyone can type any address into the subscribe form, so every email a
request causes is counted against the address (and list), never against
what is stored about it: the decision and the answer depend only on the
requests made for the address, so they tell a stranger nothing about
whether it is subscribed, pending or suppressed (a suppressed address gets
the same answers; only the email is not sent).

Two kinds of email, two limits:

- the **first** email for a list (a confirmation link, or the notice that the
  address already receives it) goes out at once, then at most once per
  NEWSLETTERS_CONFIRMATION_EMAIL_INTERVAL for that address and list, unless
  the address left the list since (only its owner can do that, with a link
  from its mailbox, so a stranger cannot reset the count): a person who
  unsubscribes and comes back gets a confirmation at once;
- a **resend** (the same lists asked for again) at most once per
  NEWSLETTERS_CONFIRMATION_RESEND_INTERVAL after the last email to the
  address.

Besides, no address gets more than NEWSLETTERS_CONFIRMATION_EMAILS_PER_DAY of
them a day, whatever the lists, so a stranger cycling through the lists
cannot flood a mailbox. The counts live in the shared cache (Redis in
production) as the times of the last emails; a time kept by each claim makes
two simultaneous requests send once.
"""

import datetime
import hashlib
import time
from dataclasses import dataclass

from home.ratelimit import hit, store

from ..conf import app_settings


@dataclass(frozen=True)
class MailVerdict:
    """Whether to email now; when the last email went (now, if this one
    goes) and when the address may ask for another."""

    send: bool
    sent_at: datetime.datetime | None
    next_at: datetime.datetime


def _digest(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _when(seconds):
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def _claim(key, interval, now):
    """Take ``key``'s turn if nothing went for it within ``interval``.

    The key holds the time of its last email; a second key named after that
    time lets exactly one of several simultaneous requests take the turn.
    Times are compared here, not left to the cache's expiry, so the rule is
    the same on every cache backend."""
    cache = store()
    last = cache.get(key)
    if last is not None and now - last < interval:
        return False
    keep = interval + 3600
    if not cache.add(f"{key}:after:{last}", now, timeout=keep):
        return False
    cache.set(key, now, timeout=keep)
    return True


def decide(email, lists, force=False):
    """The verdict for a request of ``email`` (normalised) for ``lists``:
    ``(mailing list id, episode)`` pairs, the episode naming the last time
    the address left the list ("" if never). ``force`` (a link from the
    address's own mailbox asked for it) skips the first and resend limits,
    never the daily one."""
    now = time.time()
    cache = store()
    digest = _digest(email)
    interval = app_settings.NEWSLETTERS_CONFIRMATION_EMAIL_INTERVAL
    resend = app_settings.NEWSLETTERS_CONFIRMATION_RESEND_INTERVAL
    last_key = f"newsletter-mail:last:{digest}"
    # Every list's turn is taken (not only the first free one's), so each
    # first email is counted for the list it covers.
    firsts = [
        _claim(f"newsletter-mail:first:{digest}:{pk}:{left}", interval, now)
        for pk, left in lists
    ]
    resend_key = f"newsletter-mail:resend:{digest}"
    due = force or any(firsts) or _claim(resend_key, resend, now)
    last = cache.get(last_key)
    if not due:
        return MailVerdict(
            False, _when(last) if last else None, _when((last or now) + resend)
        )
    verdict = hit(
        "newsletter-mail-day",
        email,
        app_settings.NEWSLETTERS_CONFIRMATION_EMAILS_PER_DAY,
        24 * 3600,
    )
    if not verdict.allowed:
        return MailVerdict(
            False, _when(last) if last else None, _when(now + verdict.retry_after)
        )
    cache.set(last_key, now, timeout=max(interval, resend) + 3600)
    # A first email also starts the resend interval.
    cache.set(resend_key, now, timeout=resend + 3600)
    return MailVerdict(True, _when(now), _when(now + resend))


def episode(subscription):
    """The episode of an address on a list: when it last left it."""
    left = subscription.unsubscribed_at if subscription is not None else None
    return left.isoformat() if left else ""

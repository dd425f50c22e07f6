"""Settings of the newsletters app, with their defaults (see home.conf).

Those an operator sets through an environment variable are read from it in
cms/settings/base.py, only when the variable is set (README, "Production
configuration").
"""

from home.conf import AppSettings

app_settings = AppSettings(
    # Consent text version stored with every consent event; raise it whenever
    # the wording subscribers agree to changes.
    NEWSLETTERS_CONSENT_TEXT_VERSION="1",
    # Rate limits (attempts, window seconds): subscribe requests per client
    # IP and per address.
    NEWSLETTERS_SUBSCRIBE_RATE_PER_IP=(20, 3600),
    NEWSLETTERS_SUBSCRIBE_RATE_PER_ADDRESS=(10, 3600),
    # Emails a subscribe request sends (newsletters.audience.confirmations):
    # a list's first email to an address at most once per interval (seconds)
    # unless the address left the list since; the same request again (a
    # resend) at most once per resend interval; and at most so many a day.
    NEWSLETTERS_CONFIRMATION_EMAIL_INTERVAL=3600,
    NEWSLETTERS_CONFIRMATION_RESEND_INTERVAL=600,
    NEWSLETTERS_CONFIRMATION_EMAILS_PER_DAY=10,
    # Link lifetimes: confirmation links, and preference/unsubscribe links in
    # mail.
    NEWSLETTERS_CONFIRM_MAX_AGE=7 * 24 * 3600,
    NEWSLETTERS_MANAGE_MAX_AGE=400 * 24 * 3600,
    # Soft bounces (mailbox full, deferred) within a window of days before an
    # address is suppressed (newsletters.audience.bounces).
    NEWSLETTERS_SOFT_BOUNCE_LIMIT=5,
    NEWSLETTERS_SOFT_BOUNCE_WINDOW_DAYS=30,
    # VERP return path: "bounces@example.org" sends as
    # bounces+<token>@example.org; empty means no VERP (bounces come through
    # the email service's webhooks).
    NEWSLETTERS_RETURN_PATH="",
    # CSV import: largest file accepted, rows per database chunk.
    NEWSLETTERS_IMPORT_MAX_BYTES=50 * 1024 * 1024,
    NEWSLETTERS_IMPORT_CHUNK_ROWS=2000,
    # An import without progress this long has lost its worker: the
    # reconciler (every NEWSLETTERS_RECONCILE_SECONDS) fails it, or queues a
    # lost one again.
    NEWSLETTERS_IMPORT_STALE_SECONDS=900,
    # Sending campaigns (newsletters.delivery.sending): recipients per chunk
    # task; a global rate in messages per second shared by all workers
    # through Redis (0: none); attempts of a temporarily refused message,
    # with exponential backoff from NEWSLETTERS_SEND_RETRY_SECONDS;
    # deliveries left "sending" this long (a dead worker) go back to the
    # queue, and a campaign without progress this long is dispatched again
    # (the reconciler on beat); recipients checked for unsubscribes and
    # suppression (and the campaign for a pause) this many messages ahead:
    # 50 is a twentieth of a second at the rates of docs/benchmarks.md, and
    # four queries per 25 messages were a sixth of a message's cost.
    NEWSLETTERS_SEND_CHUNK_SIZE=500,
    NEWSLETTERS_SEND_RATE=50,
    # Processes consuming the sending queue on all hosts: while Redis is down
    # each keeps to NEWSLETTERS_SEND_RATE / this, so together they stay under
    # the rate.
    NEWSLETTERS_SEND_PROCESSES=4,
    NEWSLETTERS_SEND_MAX_ATTEMPTS=6,
    NEWSLETTERS_SEND_RETRY_SECONDS=60,
    NEWSLETTERS_SEND_STALE_SECONDS=600,
    NEWSLETTERS_SEND_RECHECK_EVERY=50,
    # Messages a sending process may have had accepted by the server and not
    # yet recorded as sent (newsletters.delivery.sending.SentMarks): a
    # process killed mid-chunk sends at most this many again. 1: record each
    # message as its reply arrives (one UPDATE a message). 50 with P1's
    # worker (4 processes) reaches its target (docs/benchmarks.md).
    NEWSLETTERS_SEND_IN_FLIGHT=50,
    NEWSLETTERS_RECONCILE_SECONDS=60,
    # Test sends from the newsletter editor
    # (newsletters.composition.admin_views): addresses one user may mail in
    # an hour.
    NEWSLETTERS_TEST_SENDS_PER_HOUR=20,
    # Transport of campaigns and test sends (newsletters.delivery.transports):
    # an empty CLASS picks DjangoTransport over EMAIL_DELIVERY_BACKEND (not
    # the mail queue), or AnymailTransport when that is an anymail service.
    NEWSLETTER_BACKEND={"CLASS": "", "OPTIONS": {}},
)

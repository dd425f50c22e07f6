"""Settings of the news app, with their defaults (see home.conf).

Those an operator sets through an environment variable are read from it in
cms/settings/base.py, only when the variable is set.
"""

from home.conf import AppSettings

app_settings = AppSettings(
    # CSO submissions: (attempts, window in seconds) per client IP and per
    # email (NEWS_SUBMISSIONS_PER_IP_PER_HOUR, ..._PER_EMAIL_PER_HOUR).
    NEWS_SUBMISSION_RATE_PER_IP=(10, 3600),
    NEWS_SUBMISSION_RATE_PER_EMAIL=(5, 3600),
    NEWS_SUBMISSION_IMAGE_MAX_BYTES=5 * 1024 * 1024,
    NEWS_SUBMISSION_TEXT_MAX_CHARS=20_000,
    # CSO feeds: polled by beat; fetched through an SSRF guard with caps.
    NEWS_FEED_POLL_MINUTES=30,
    NEWS_FEED_MAX_BYTES=2 * 1024 * 1024,
    NEWS_FEED_TIMEOUT_SECONDS=10,
    NEWS_FEED_MAX_REDIRECTS=5,
    NEWS_FEED_MAX_ITEMS_PER_POLL=50,
    # The first poll of a feed (or the first after that many days without a
    # success) files only entries of the last NEWS_FEED_FIRST_POLL_DAYS, at
    # most NEWS_FEED_FIRST_POLL_ITEMS of them.
    NEWS_FEED_FIRST_POLL_DAYS=14,
    NEWS_FEED_FIRST_POLL_ITEMS=5,
    # Networks (CIDRs) whose private addresses the SSRF guard admits, for
    # intranet feeds and tests; metadata addresses stay refused.
    NEWS_FEED_ALLOWED_NETWORKS=[],
    # Headless preview: the website page that renders a draft from
    # /api/v3/preview/?token=... for PREVIEW_SECONDS; empty keeps Wagtail's
    # own preview.
    WEBSITE_PREVIEW_URL="",
    PREVIEW_SECONDS=3600,
)

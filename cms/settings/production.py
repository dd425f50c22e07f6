"""Production: every service named by the environment, HTTPS only.

Start-up stops with a message naming each missing variable.
"""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str, require

# NUM_PROXIES: how many proxies append to X-Forwarded-For in front of the
# web processes (0 when clients connect directly). Left unset behind nginx,
# every request would seem to come from the proxy: one shared rate limit and
# the proxy's address in every consent event, so it must be said.
require(
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "BASE_URL",
        "DATABASE_URL",
        "EMAIL_URL",
        "NUM_PROXIES",
    ]
    + ([] if env_str("REDIS_URL") else ["CELERY_BROKER_URL", "CACHE_URL"])
)
# The website's origins must be named; the dev default is not a production one.
CORS_ALLOWED_ORIGINS = WEBSITE_ORIGINS = env_list("WEBSITE_ORIGINS", [])

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
if env_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is hard to undo (browsers ship the list): only when asked for.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    # Wagtail's live preview frames pages of this same origin: SAMEORIGIN, not DENY.
    "security.W019",
]
if not SECURE_HSTS_PRELOAD:
    # An explicit opt-out of the browsers' preload list.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

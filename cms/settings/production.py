"""Production: every service named by the environment, HTTPS only.

Start-up stops with a message naming each missing variable.
"""

from .base import *  # noqa: F403
from .base import env_bool, env_int, env_str
from .env import require

require(["SECRET_KEY", "ALLOWED_HOSTS", "BASE_URL", "DATABASE_URL", "EMAIL_URL"])
if not env_str("REDIS_URL"):
    require(["CELERY_BROKER_URL", "CACHE_URL"])

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

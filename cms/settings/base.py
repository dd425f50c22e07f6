"""Settings shared by every mode.

Everything that differs between the embedded demo, tests and production is read
from the environment here; the defaults are the embedded ones (SQLite, a
filesystem Celery broker and .eml files under ``var/``), so that nothing needs
a server. ``DEBUG`` is off and there is no secret key: dev and test set dummy
ones, production requires them.
"""

import contextlib
from functools import partial
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from news.conf import app_settings as news_conf
from newsletters.conf import app_settings as newsletters_conf

from .env import (
    anymail_settings,
    email_config,
    env_int,
    env_list,
    env_setting,
    env_str,
    redis_database,
    same_redis_database,
)
from .search import search_backends
from .storage import file_storages
from .translation import machine_translator

# App settings read from the environment only when it sets them (env_setting).
from_env = partial(env_setting, globals())

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
# Former keys, newest first (comma-separated): what they signed (unsubscribe,
# preferences and confirmation links, VERP return paths) still verifies after
# SECRET_KEY is rotated; new signatures use SECRET_KEY only.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# Public base URL of this service (admin links, absolute URLs in emails and feeds).
BASE_URL = (env_str("BASE_URL") or "http://localhost:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [BASE_URL])

INSTALLED_APPS = [
    "home",
    "home.translation",
    "news",
    "newsletters",
    "search",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v3",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "corsheaders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: request.id and the request's id and client address in every log
    # record (home.logs).
    "home.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Every /api/ answer: JSON errors, HEAD, private answers (home.middleware).
    "home.middleware.ApiContractMiddleware",
    "home.middleware.ApiRateLimitMiddleware",
    # Cached API responses leave here, before sessions, locale and auth (P5).
    "home.api_cache.CachedApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "home.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Admin views that name a page answer 404 for pages the user may not see,
    # before any other check on that page; then the translation routes'
    # language and review rules (home.translation).
    "news.admin_scope.PageScopeMiddleware",
    "home.translation.middleware.TranslationScopeMiddleware",
    # Last: admin views that write a page run one at a time per page, and an
    # autosave never performs a workflow action (cms.page_edits).
    "cms.page_edits.SerialisedPageEditsMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"
ASGI_APPLICATION = "cms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user:pass@host:5432/name in production),
# else SQLite under var/ in WAL mode so that the web process and the worker can
# write side by side.
# The embedded defaults (SQLite, the file broker, cache and mail) and the
# worker logs of tests and benchmarks keep their files under VAR_DIR, which
# nothing else creates, whatever DATABASE_URL says (a read-only image that
# uses none of them may have none).
with contextlib.suppress(OSError):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding (Django's supported option for psycopg 3): queries
    # are sent with their parameters apart, so psycopg prepares a statement
    # after it has run ``prepare_threshold`` times on a connection. Planning
    # the news listing's query costs PostgreSQL more than running it; with
    # persistent connections it is planned once per connection. The option
    # is per connection (per DATABASES alias), not per query: a second alias
    # for the listing alone would be another connection, outside the
    # request's transaction, so every query binds server-side. Empty the
    # threshold behind PgBouncer in transaction mode (nothing is prepared).
    _threshold = env_str("DATABASE_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=int(_threshold) if _threshold else None,
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis keeps three roles apart, each in its own database (or server): the
# Celery broker and results (CELERY_BROKER_URL, default REDIS_URL's database),
# the cache (CACHE_URL, the next database) and the rate limits and send
# throttle (RATELIMIT_REDIS_URL, the one after). Clearing or evicting the
# cache never drops queued tasks or resets the limits; the broker's Redis
# wants `maxmemory-policy noeviction` (README), the cache's may evict.
REDIS_URL = env_str("REDIS_URL")

# Cache: CACHE_URL (redis://...), else the database after REDIS_URL's, else
# files under var/ (shared by the web and worker processes, unlike a
# per-process memory cache).
CACHE_URL = env_str("CACHE_URL") or (REDIS_URL and redis_database(REDIS_URL, 1))
# Rate limits (home.ratelimit) and the newsletters' send throttle: without
# REDIS_URL, in the cache's Redis under their own key prefix.
RATELIMIT_REDIS_URL = env_str("RATELIMIT_REDIS_URL") or (
    redis_database(REDIS_URL, 2) if REDIS_URL else CACHE_URL
)
if CACHE_URL:
    CACHES = {
        "default": {
            # Django's, reusing its Redis client (home.api_cache.RedisCache).
            "BACKEND": "home.api_cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "cms"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CACHES["ratelimit"] = (
    {
        "BACKEND": "home.api_cache.RedisCache",
        "LOCATION": RATELIMIT_REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "cms") + "-limits",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if RATELIMIT_REDIS_URL
    else dict(CACHES["default"])
)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation.
# Django has no Montenegrin: register it here (before anything asks for language
# info) and ship a catalogue in locale/cnr so that Django treats it as an
# available language (URL prefixes, LocaleMiddleware, admin language names).
LANG_INFO.setdefault(
    "cnr",
    {
        "bidi": False,
        "code": "cnr",
        "name": "Montenegrin",
        "name_local": "crnogorski",
        "name_translated": _("Montenegrin"),
    },
)

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Belgrade"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("sq", _("Albanian")),
    ("bs", _("Bosnian")),
    ("mk", _("Macedonian")),
    ("cnr", _("Montenegrin")),
    ("sr", _("Serbian (Cyrillic)")),
    ("sr-latn", _("Serbian (Latin)")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]

# Where content is missing in a language: LANGUAGE_FALLBACKS (home.conf).

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = env_str("MEDIA_URL", "/media/")
# Media and private files (subscriber imports): local disk, or S3-compatible
# object storage when AWS_STORAGE_BUCKET_NAME is set (cms/settings/storage.py).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
globals().update(file_storages(PRIVATE_MEDIA_ROOT))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: EMAIL_URL (see cms/settings/env.py), else one .eml file per message
# under var/mail/.
EMAIL_URL = env_str("EMAIL_URL") or "file://"
_email = email_config(EMAIL_URL, VAR_DIR / "mail")
globals().update(_email)
# No mail leaves inside a request: Django's mail (confirmations,
# acknowledgements, Wagtail's notifications) is queued after commit on the
# "mail" queue and sent by a worker through EMAIL_DELIVERY_BACKEND, retried
# with backoff from EMAIL_RETRY_SECONDS, EMAIL_RETRY_LIMIT times (home.mail).
EMAIL_DELIVERY_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_BACKEND = "home.mail.QueuedEmailBackend"
from_env("EMAIL_RETRY_SECONDS", env_int)
from_env("EMAIL_RETRY_LIMIT", env_int)
ANYMAIL = anymail_settings()
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Civil Society Programme <newsletter@localhost>"
)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery. Embedded default: kombu's filesystem transport and a file result
# store under var/celery, so a real worker and beat run with no server.
# Production: Redis (REDIS_URL, or CELERY_BROKER_URL / CELERY_RESULT_BACKEND).
CELERY_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_RESULT_BACKEND = (
    env_str("CELERY_RESULT_BACKEND") or REDIS_URL or f"file://{CELERY_DIR / 'results'}"
)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# Longer than any task may run, or Redis hands a running task to a second
# worker; not much longer, or a chunk whose worker was killed waits that long.
CELERY_VISIBILITY_TIMEOUT = CELERY_TASK_TIME_LIMIT + 5 * 60
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "broker"),
        "data_folder_out": str(CELERY_DIR / "broker"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 5,
    }
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 5}
# The cache and the rate limits are cleared (tests, an operator) and may be
# evicted: never in the broker's database.
for _role, _url in [
    ("CACHE_URL", CACHE_URL),
    ("RATELIMIT_REDIS_URL", RATELIMIT_REDIS_URL),
]:
    if _url and same_redis_database(_url, CELERY_BROKER_URL):
        raise ImproperlyConfigured(
            f"{_role} names the Celery broker's Redis database ({_url}): "
            "clearing it would drop queued tasks; give it another database."
        )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_TASK_DEFAULT_QUEUE = "default"
# Newsletter sending runs on its own queue, whose tasks are acknowledged only
# after they finish and given back to the broker if their worker dies
# (cms.celery.SendingQueueAnnotation): a killed worker loses no chunk.
CELERY_SENDING_QUEUE = "sending"
CELERY_MAIL_QUEUE = "mail"
CELERY_TASK_ROUTES = {
    "home.tasks.send_email": {"queue": CELERY_MAIL_QUEUE},
    "newsletters.tasks.send_*": {"queue": CELERY_SENDING_QUEUE},
    "newsletters.tasks.deliver_*": {"queue": CELERY_SENDING_QUEUE},
}
CELERY_TASK_ANNOTATIONS = ["cms.celery.SendingQueueAnnotation"]
# Wagtail's own background work (search and reference indexing, file
# deletion) runs on the workers' "default" queue after the request's
# transaction commits, not inside the officer's request (home.task_backend).
TASKS = {"default": {"BACKEND": "home.task_backend.CeleryBackend"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DIR / "beat-schedule")
# Only one beat schedules at a time (cms.beat): the one holding a lock in the
# broker's Redis (BEAT_LOCK_URL to choose another), renewed every tick, lost
# BEAT_LOCK_SECONDS after its holder stops; other beats wait their turn.
CELERY_BEAT_SCHEDULER = "cms.beat:LockedScheduler"
BEAT_LOCK_URL = env_str("BEAT_LOCK_URL")
BEAT_LOCK_SECONDS = env_int("BEAT_LOCK_SECONDS", 60)
# Trusted reverse proxies in front of the web processes (for the client IP).
from_env("NUM_PROXIES", env_int)
METRICS_TOKEN = env_str("METRICS_TOKEN")  # /metrics is off without it (home.metrics)

# App settings an operator may set (README, "Production configuration"): each
# is set here only when its variable is; the defaults are the apps' own, in
# their conf modules (home.conf, news.conf, newsletters.conf).
# CSO submissions (news.conf): attempts per hour per client IP and per email.
from_env(
    "NEWS_SUBMISSION_RATE_PER_IP",
    env_int,
    "NEWS_SUBMISSIONS_PER_IP_PER_HOUR",
    lambda attempts: (attempts, 3600),
)
from_env(
    "NEWS_SUBMISSION_RATE_PER_EMAIL",
    env_int,
    "NEWS_SUBMISSIONS_PER_EMAIL_PER_HOUR",
    lambda attempts: (attempts, 3600),
)
# CSO feeds (news.conf): polled by beat; fetched through an SSRF guard with caps.
from_env("NEWS_FEED_POLL_MINUTES", env_int)
from_env("NEWS_FEED_MAX_BYTES", env_int)
from_env("NEWS_FEED_TIMEOUT_SECONDS", env_int)
from_env("NEWS_FEED_FIRST_POLL_DAYS", env_int)
from_env("NEWS_FEED_FIRST_POLL_ITEMS", env_int)
from_env("NEWS_FEED_ALLOWED_NETWORKS", env_list)


# The API (home.conf): response caching, rate limit, CDN purge hook.
from_env("API_CACHE_SECONDS", env_int)
from_env("API_RATE_LIMIT", env_int)
from_env("API_CACHE_CONTROL")
from_env("API_PURGE_HOOK")
# Headless preview (news.conf): the website page that renders a draft.
from_env("WEBSITE_PREVIEW_URL")
from_env("PREVIEW_SECONDS", env_int)

# Headless API: the website's origins may call it from browsers.
WEBSITE_ORIGINS = env_list("WEBSITE_ORIGINS", ["http://localhost:3000"])
CORS_ALLOWED_ORIGINS = WEBSITE_ORIGINS
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT"]
# Conditional requests and the rate limit need these readable from scripts.
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

# Wagtail.
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Civil Society Programme")
# Search. Indexed text is folded in Python (home.textfold: scripts, Turkish i,
# diacritics, crude stems), so the database backend uses PostgreSQL's
# "simple" configuration (no English stemming of Albanian or Serbian words);
# SQLite uses FTS5. For large installations set OPENSEARCH_URL (install
# opensearch-py) or ELASTICSEARCH_URL (install elasticsearch 8).
WAGTAILSEARCH_BACKENDS = search_backends()
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILAPI_DOCS_ENABLED = True

# Security that holds in every mode; production adds HTTPS-only settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True

# Logs: plain lines, or LOG_FORMAT=json for one JSON object per line (time,
# level, logger, message, request_id, client_ip; home.logs). Every record
# carries the request's id (X-Request-ID) and the client's address.
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "home.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "home.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
if LOG_FORMAT == "json":
    # Workers and beat log through the same handler, not Celery's own format.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reporting: Sentry (or a compatible service) when SENTRY_DSN is set;
# no personal data is sent (cms.observability).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from cms.observability import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )

# ---------------------------------------------------------------------------
# NEWSLETTERS: lists, subscribers, consent, bounces (newsletters app).
# Consent, subscription limits, links, bounces, imports, sending and the
# transport (newsletters.conf has each one's default and meaning).
from_env("NEWSLETTERS_CONSENT_TEXT_VERSION")
from_env(
    "NEWSLETTERS_SUBSCRIBE_RATE_PER_IP",
    env_int,
    "NEWSLETTERS_SUBSCRIBE_PER_IP_PER_HOUR",
    lambda attempts: (attempts, 3600),
)
from_env(
    "NEWSLETTERS_SUBSCRIBE_RATE_PER_ADDRESS",
    env_int,
    "NEWSLETTERS_SUBSCRIBE_PER_ADDRESS_PER_HOUR",
    lambda attempts: (attempts, 3600),
)
for _name in [
    "NEWSLETTERS_CONFIRMATION_EMAIL_INTERVAL",
    "NEWSLETTERS_CONFIRMATION_RESEND_INTERVAL",
    "NEWSLETTERS_CONFIRMATION_EMAILS_PER_DAY",
    "NEWSLETTERS_CONFIRM_MAX_AGE",
    "NEWSLETTERS_MANAGE_MAX_AGE",
    "NEWSLETTERS_SOFT_BOUNCE_LIMIT",
    "NEWSLETTERS_SOFT_BOUNCE_WINDOW_DAYS",
    "NEWSLETTERS_IMPORT_MAX_BYTES",
    "NEWSLETTERS_IMPORT_STALE_SECONDS",
    "NEWSLETTERS_SEND_CHUNK_SIZE",
    "NEWSLETTERS_SEND_RATE",
    "NEWSLETTERS_SEND_PROCESSES",
    "NEWSLETTERS_SEND_MAX_ATTEMPTS",
    "NEWSLETTERS_SEND_RETRY_SECONDS",
    "NEWSLETTERS_SEND_STALE_SECONDS",
    "NEWSLETTERS_SEND_RECHECK_EVERY",
    "NEWSLETTERS_SEND_IN_FLIGHT",
    "NEWSLETTERS_RECONCILE_SECONDS",
    "NEWSLETTERS_TEST_SENDS_PER_HOUR",
]:
    from_env(_name, env_int)
from_env("NEWSLETTERS_RETURN_PATH")
from_env(
    "NEWSLETTER_BACKEND",
    env_str,
    "NEWSLETTER_BACKEND_CLASS",
    lambda dotted_path: {"CLASS": dotted_path, "OPTIONS": {}},
)
# Bounce and complaint webhooks (/webhooks/anymail/<esp>/tracking/) take HTTP
# basic auth from ANYMAIL_WEBHOOK_SECRET ("user:password"), read into ANYMAIL
# above with every other ANYMAIL_<KEY> variable.

# ---------------------------------------------------------------------------
# TRANSLATION: wagtail-localize as an editorial process (home.translation).
# Translations start as drafts, whatever the source's state; a reviewer of the
# language publishes them through the "Translation review" workflow.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAIL_LOCALIZE_DEFAULT_TRANSLATION_MODE = "synced"
# Approving a language's review publishes without a publish permission on the
# whole locale; every other workflow publishes as Wagtail does.
WAGTAIL_FINISH_WORKFLOW_ACTION = "home.translation.finish.publish_on_approval"
# Machine translation, routed per language pair (home.translation.machine):
# DeepL when DEEPL_AUTH_KEY is set, LibreTranslate when LIBRETRANSLATE_URL is
# set, and an offline placeholder that marks its output, so every pair has a
# draft for a reviewer. Serbian Cyrillic <-> Latin is converted, not
# translated; Montenegrin is translated through the Serbian Latin model.
MACHINE_TRANSLATION_TIMEOUT = env_int("MACHINE_TRANSLATION_TIMEOUT", 30)
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator(MACHINE_TRANSLATION_TIMEOUT)


def _app_setting(conf, name):
    """An app setting as it stands here: set above from the environment, else
    the app's default."""
    return globals().get(name, conf.defaults[name])


_FEED_POLL_SECONDS = _app_setting(news_conf, "NEWS_FEED_POLL_MINUTES") * 60
_RECONCILE_SECONDS = _app_setting(newsletters_conf, "NEWSLETTERS_RECONCILE_SECONDS")


# Celery beat: every periodic task of every app, in one place (run exactly one
# beat process in the whole installation).
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "home.tasks.heartbeat",
        "schedule": env_int("HEARTBEAT_SECONDS", 60),
        "options": {"expires": 55},
    },
    "poll-feeds": {
        "task": "news.tasks.poll_feeds",
        "schedule": _FEED_POLL_SECONDS,
        "options": {"expires": _FEED_POLL_SECONDS},
    },
    # Go-live and expiry of pages (Wagtail's publish_scheduled), at the start
    # of every minute: the admin schedules to the minute.
    "publish-scheduled": {
        "task": "home.tasks.publish_scheduled",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # No expiry: a reconcile run that waited behind busy chunks must still run
    # (an expired one was discarded, and crashed rows waited minutes).
    "newsletters-reconcile": {
        "task": "newsletters.tasks.reconcile_sending",
        "schedule": _RECONCILE_SECONDS,
    },
    "newsletters-reconcile-imports": {
        "task": "newsletters.tasks.reconcile_imports",
        "schedule": _RECONCILE_SECONDS,
    },
    "newsletters-scheduled": {
        "task": "newsletters.tasks.start_scheduled_campaigns",
        "schedule": 30,
        "options": {"expires": 30},
    },
}

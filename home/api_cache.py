"""HTTP caching for the public API: ETag, Last-Modified, 304, and a server-side
response cache that content changes invalidate at once.

Invalidation is one counter, the content version, kept in the shared cache:
every publish, unpublish, move or deletion of a page, and every save or
deletion of a registered model (countries, organisations, topics...), bumps
it. Cached responses are keyed by the version, so the next GET after a change
misses the cache and sees the change; nothing has to find and delete keys.
A CDN in front is told through API_PURGE_HOOK (a dotted path to a function
called with no arguments after each bump, once the transaction commits).

Time changes content too: a page's go-live and expiry send no signal when
they come (beat's publish_scheduled acts up to a minute later, and then
bumps). So no cached response, and no Cache-Control max-age, lasts past the
next scheduled change of any page; one whose go-live is overdue (beat yet to
run) keeps answers to a few seconds.
"""

import datetime
import hashlib
import math
import re
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction
from django.db.models import Max, Min, Q
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.module_loading import import_string
from wagtail.signals import page_published, page_unpublished, post_page_move

from .conf import app_settings

VERSION_KEY = "api:content-version"
CHANGED_AT_KEY = "api:content-changed-at"
SCHEDULE_KEY = "api:next-scheduled-change"
# A go-live overdue by less than this (beat not yet run) keeps responses to
# OVERDUE_SECONDS; an older one is stuck (refused, beat down) and is ignored.
OVERDUE_WINDOW = 180
OVERDUE_SECONDS = 5


def content_version():
    """A number that changes whenever public content does. It starts from the
    clock in microseconds when the cache has none (first use, a flushed or
    restarted Redis), so that a restarted count never meets a version that
    processes still hold responses for."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns() // 1000
        cache.add(VERSION_KEY, version, timeout=None)
        cache.add(CHANGED_AT_KEY, time.time(), timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def content_changed_at():
    return cache.get(CHANGED_AT_KEY) or time.time()


def bump_content_version(**kwargs):
    """Mark every cached API response stale, now and again after commit (a
    reader between the two would otherwise cache the pre-commit state)."""
    _bump()
    transaction.on_commit(_bump_and_purge)


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    cache.set(CHANGED_AT_KEY, time.time(), timeout=None)
    cache.delete(SCHEDULE_KEY)


def scheduled_changes(now=None):
    """(last, next): when a page still live last expired (readers stopped
    seeing it with no publish signal: Last-Modified must not be older), and
    by when cached answers must end (a page goes live or expires); Unix
    times or None. Worked out once per content version (a publish may set an
    expiry) and again after ``next`` passes or a revision is scheduled
    (which sends no publish signal: ``schedule_changed``)."""
    now = time.time() if now is None else now
    stored = cache.get_many([VERSION_KEY, SCHEDULE_KEY])
    version, known = stored.get(VERSION_KEY), stored.get(SCHEDULE_KEY)
    if known is not None and known[0] == version:
        last, at = known[1:]
        if at is None or at > now:
            return last, at
    last, at = _scheduled_around(now)
    cache.set(
        SCHEDULE_KEY, (version, last, at), timeout=app_settings.API_CACHE_SECONDS or 60
    )
    return last, at


def _scheduled_around(now):
    from wagtail.models import Page, Revision

    moment = datetime.datetime.fromtimestamp(now, tz=datetime.UTC)
    expiry = Page.objects.filter(live=True, expire_at__isnull=False).aggregate(
        last=Max("expire_at", filter=Q(expire_at__lte=moment)),
        next=Min("expire_at", filter=Q(expire_at__gt=moment)),
    )
    last = expiry["last"].timestamp() if expiry["last"] else None
    overdue = Revision.objects.filter(
        approved_go_live_at__lte=moment,
        approved_go_live_at__gt=moment - datetime.timedelta(seconds=OVERDUE_WINDOW),
    )
    if overdue.exists():
        return last, now + OVERDUE_SECONDS
    times = [
        expiry["next"],
        Revision.objects.filter(approved_go_live_at__gt=moment).aggregate(
            at=Min("approved_go_live_at")
        )["at"],
    ]
    times = [t.timestamp() for t in times if t is not None]
    return last, (min(times) if times else None)


def schedule_changed(sender, instance, **kwargs):
    """A revision scheduled to go live (a live page's new version sends no
    publish signal): answers cached until later must end by then."""
    if instance.approved_go_live_at is not None:
        bump_content_version()


def _bump_and_purge():
    _bump()
    hook = app_settings.API_PURGE_HOOK
    if hook:
        import_string(hook)()


def invalidate_on_change(*models):
    """Bump the content version whenever one of ``models`` is saved or deleted."""
    for model in models:
        uid = f"api_cache:{model._meta.label}"
        post_save.connect(
            bump_content_version, sender=model, dispatch_uid=uid + ":save"
        )
        post_delete.connect(
            bump_content_version, sender=model, dispatch_uid=uid + ":delete"
        )


def connect_page_signals():
    page_published.connect(bump_content_version, dispatch_uid="api_cache:published")
    page_unpublished.connect(bump_content_version, dispatch_uid="api_cache:unpublished")
    post_page_move.connect(bump_content_version, dispatch_uid="api_cache:moved")
    post_delete.connect(_page_deleted, dispatch_uid="api_cache:page-deleted")
    from wagtail.models import Revision

    post_save.connect(
        schedule_changed, sender=Revision, dispatch_uid="api_cache:scheduled"
    )


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump_content_version()


def _etag(body):
    return quote_etag(hashlib.blake2b(body, digest_size=16).hexdigest())


def _not_modified(request, etag, last_modified):
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return etag in tags or f"W/{etag}" in tags or "*" in tags
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified) <= since


# Responses this process served lately, with their ETags. Each use still
# checks the shared content version, so a hit costs one small GET instead of
# fetching and unpickling the body.
_LOCAL = OrderedDict()
_LOCAL_LOCK = threading.Lock()
LOCAL_ENTRIES = 256


def _remember(key, entry):
    local = (entry, _etag(entry[1]))
    with _LOCAL_LOCK:
        _LOCAL[key] = local
        _LOCAL.move_to_end(key)
        while len(_LOCAL) > LOCAL_ENTRIES:
            _LOCAL.popitem(last=False)
    return local


def is_personal(request):
    """A request that names a person (a token from an email or a preview link,
    credentials): its answer is for that person alone, never stored or shared."""
    return "token" in request.GET or "HTTP_AUTHORIZATION" in request.META


def _key(request):
    """The full path and the language of the answer: LocaleMiddleware picks it
    from Accept-Language or the language cookie, and names and messages follow
    it, so one language's answer is never served to another."""
    language = translation.get_language_from_request(request)
    text = f"{language} {request.get_full_path()}"
    return f"api:response:{hashlib.sha256(text.encode()).hexdigest()}"


def _lookup(request):
    """(cache key, current version, (entry, ETag) or None) in one round trip
    (two right after a content change): an entry carries the version it was
    made under and counts only while that is still the current one and its
    lifetime (bounded by the next scheduled change) has not run out."""
    key = _key(request)
    local = _LOCAL.get(key)
    if local is not None:
        version = cache.get(VERSION_KEY)
        if version is not None and local[0][0] == version and _fresh(local[0]):
            return key, version, local
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return key, content_version(), None
    entry = found.get(key)
    if entry is None or entry[0] != version or not _fresh(entry):
        return key, version, None
    return key, version, _remember(key, entry)


def _fresh(entry):
    until = entry[4]
    return until is None or until > time.time()


def _cached_response(request, local):
    (_version, body, content_type, changed_at, until), etag = local
    if _not_modified(request, etag, changed_at):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed_at)
    return _with_cache_headers(response, cacheable=True, until=until)


def cached_api(view):
    """GET responses: served from the server-side cache while the content
    version holds, with ETag, Last-Modified and Cache-Control, and 304 for a
    matching conditional request. Other methods pass through untouched.
    With API_CACHE_SECONDS = 0 nothing is stored (the headers stay). Neither
    the stored entry nor the max-age outlives the next scheduled change."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or is_personal(request):
            return view(request, *args, **kwargs)
        storing = app_settings.API_CACHE_SECONDS > 0
        key, version, local = _lookup(request) if storing else (None, None, None)
        if local is not None:
            return _cached_response(request, local)
        now = time.time()
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return _with_cache_headers(response, cacheable=False)
        until = now + app_settings.API_CACHE_SECONDS if storing else None
        expired, change = scheduled_changes(now)
        if change is not None:
            until = change if until is None else min(until, change)
        entry = (version, response.content, response["Content-Type"])
        entry += (max(content_changed_at(), expired or 0), until)
        timeout = math.ceil(until - now) if storing else 0
        if timeout < 1:
            return _cached_response(request, (entry, _etag(entry[1])))
        cache.set(key, entry, timeout=timeout)
        return _cached_response(request, _remember(key, entry))

    return wrapper


class CachedApiMiddleware:
    """Answers a GET or HEAD from the response cache before sessions, locale,
    auth, URL resolution and ninja run (benchmark P5): one cache round trip.

    Placed after CORS and the API rate limit, so both still apply; the
    headers the skipped middleware would add to an API response (Vary,
    Content-Language, X-Frame-Options, Content-Length) are set the same way
    here, and a test compares both paths header by header. A miss goes down
    the stack, where ``cached_api`` fills the cache.
    """

    prefixes = ("/api/v3/", "/feeds/news/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and request.path.startswith(self.prefixes)
            and app_settings.API_CACHE_SECONDS > 0
            and not is_personal(request)
        ):
            _key, _version, local = _lookup(request)
            if local is not None:
                return self._as_full_stack(request, _cached_response(request, local))
        return self.get_response(request)

    @staticmethod
    def _as_full_stack(request, response):
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault(
            "Content-Language",
            translation.get_language_from_request(request, check_path=True),
        )
        response.headers.setdefault("X-Frame-Options", _x_frame_options())
        if not response.streaming:
            response.headers.setdefault("Content-Length", str(len(response.content)))
        return response


def _x_frame_options():
    return getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()


_MAX_AGE = re.compile(r"\b(max-age|s-maxage)=(\d+)")


def _cache_control(until):
    """API_CACHE_CONTROL with its max-ages cut to the seconds left until
    ``until`` (a Unix time, or None for no bound)."""
    if until is None:
        return app_settings.API_CACHE_CONTROL
    left = max(0, int(until - time.time()))
    return _MAX_AGE.sub(
        lambda m: f"{m[1]}={min(int(m[2]), left)}", app_settings.API_CACHE_CONTROL
    )


def _with_cache_headers(response, cacheable, until=None):
    if cacheable:
        response["Cache-Control"] = _cache_control(until)
    else:
        response.setdefault("Cache-Control", "no-store")
    response["Vary"] = "Accept-Encoding, Origin"
    return response


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend, reusing one client per connection pool.

    Django builds a new ``redis.Redis`` for every cache call; with redis-py 5
    that costs about 0.4 ms of CPU, more than the round trip itself, on every
    API request (rate limit, response cache). Clients are thread-safe and
    share the pool, which reconnects after a fork.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient

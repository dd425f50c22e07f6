"""Health checks of the services the web process depends on.

Each check returns None when the service answers, else a short reason that
names no host or credential (the endpoint is public).
"""

import os
import secrets
import time
from pathlib import Path

from celery import current_app
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .tasks import HEARTBEAT_CACHE_KEY

TIMEOUT_SECONDS = 2


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    app = current_app
    url = str(app.conf.broker_url)
    if url.startswith("filesystem://"):
        options = app.conf.broker_transport_options or {}
        for key in ("data_folder_in", "data_folder_out"):
            folder = Path(options.get(key, ""))
            if not folder.is_dir() or not os.access(folder, os.W_OK):
                raise OSError(f"broker folder {key} is missing or not writable")
        return
    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_connect_timeout": TIMEOUT_SECONDS,
    }
    with app.connection_for_write(
        connect_timeout=TIMEOUT_SECONDS, transport_options=options
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT_SECONDS)
        conn.default_channel  # noqa: B018 - opening a channel proves the broker speaks


def check_cache():
    key = f"healthz:{secrets.token_hex(8)}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


# A name no file has: asking whether it exists is one HEAD request to an
# object store (an answer, 404 included, means the bucket is reachable).
STORAGE_PROBE = ".healthz-probe"


def check_storage(alias):
    """Media ("default") or private files: a local folder the process may
    write to (or create), or an object store that answers."""
    storage = storages[alias]
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise OSError(f"{alias} storage folder is not writable")
        return
    storage.exists(STORAGE_PROBE)


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "media": lambda: check_storage("default"),
    "private_files": lambda: check_storage("private"),
}


def run_checks():
    """Run every check; return (all_ok, {name: result})."""
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "down"
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results


def heartbeat_age_seconds():
    """Seconds since beat last had a worker run the heartbeat, or None."""
    try:
        value = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:  # noqa: BLE001 - the cache check reports that failure
        return None
    seen = parse_datetime(value) if value else None
    if seen is None:
        return None
    return round((timezone.now() - seen).total_seconds(), 1)

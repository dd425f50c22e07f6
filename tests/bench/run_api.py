# ruff: noqa: T201  (a command-line benchmark prints its figures)
"""P4 and P5: the news list API under load, as ratios against baselines
served by the same gunicorn workers in the same run.

P4: GET /api/v3/news/?locale=en&limit=20 with the response cache off, against
    a trivial Django view returning the same bytes (target >= 0.35).
P5: the same call served from the response cache, against the same bytes as
    a static file through WhiteNoise (target >= 0.7).

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), gunicorn (installed)
and wrk (Debian package). Seeds the demo data and 2,000 published news pages
(500 with --quick) on first run. Each figure is the median of BENCH_RUNS runs
(3; 1 with --quick) of BENCH_DURATION (15s; 6s with --quick) per endpoint.

    DATABASE_URL=postgres://... REDIS_URL=redis://... \
        python tests/bench/run_api.py [--quick] [--json PATH]
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.bench.common import cli, emit, figure, require_services  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
QUICK = "--quick" in sys.argv
PAGES = int(os.environ.get("BENCH_PAGES", "500" if QUICK else "2000"))
DURATION = os.environ.get("BENCH_DURATION", "6s" if QUICK else "15s")
RUNS = int(os.environ.get("BENCH_RUNS", "1" if QUICK else "3"))
API_PATH = "/api/v3/news/?locale=en&limit=20"


def environment(var_dir, cache_seconds):
    require_services("DATABASE_URL", "REDIS_URL")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "SECRET_KEY": "bench-" + "x7#Kq" * 12,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BASE_URL": f"http://127.0.0.1:{PORT}",
        "EMAIL_URL": "memory://",
        "SECURE_SSL_REDIRECT": "false",
        "BEHIND_TLS_PROXY": "false",
        # wrk connects directly: no proxy appends X-Forwarded-For.
        "NUM_PROXIES": "0",
        "VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"),
        "API_CACHE_SECONDS": str(cache_seconds),
        "DATABASE_CONN_MAX_AGE": "600",
        # One client address makes all the load: the per-address limit would
        # answer 429 within a second.
        "API_RATE_LIMIT": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)


# Pages are added live in one transaction, without a revision and its
# publish (about 25 ms a page instead of 90 ms and growing: 2,000 published
# one by one took most of a run); the read model is rebuilt after.
SEED = f"""
import datetime
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale
from news.models import Country, NewsPage
from news.structure import section_for
en = Locale.objects.get(language_code="en")
sections = [section_for(c, en) for c in Country.objects.filter(locale=en)]
existing = set(
    NewsPage.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)
)
now = timezone.now()
with transaction.atomic():
    for n in range({PAGES}):
        if f"bench-{{n}}" in existing:
            continue
        sections[n % len(sections)].add_child(instance=NewsPage(
            title=f"Benchmark news item {{n}} about civil society",
            slug=f"bench-{{n}}",
            live=True,
            first_published_at=now,
            last_published_at=now,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
            lead="A lead paragraph of realistic length for a news listing, " * 3,
        ))
print(NewsPage.objects.live().count(), "live news pages")
"""


def seed(env):
    """Schema, demo data, the pages, the read model and static files, in one
    process (each manage.py start imports Django and Wagtail again)."""
    script = (
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "call_command('load_demo_data')\n"
        + SEED
        + "call_command('rebuild_news_readmodel')\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
    )
    manage(env, "shell", "-v0", "-c", script)


def start_gunicorn(env):
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "cms.wsgi:application",
            "--workers", str(WORKERS), "--bind", f"127.0.0.1:{PORT}",
            "--worker-class", "sync", "--log-level", "warning",
        ],
        cwd=REPO,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    sys.exit("gunicorn did not start")


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def fetch(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as r:  # noqa: S310
        return r.read()


def wrk(path):
    """Requests per second over DURATION, after a short warm-up."""
    url = f"http://127.0.0.1:{PORT}{path}"
    subprocess.run(["wrk", "-t2", "-c4", "-d2s", url], capture_output=True, check=True)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        sys.exit(f"{path}: {non2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def measure(var_dir, body_file):
    """One run: the four figures, each pair measured back to back on one
    server. The first run also takes the listing's bytes for the baselines
    (the trivial view reads its file on its first request; WhiteNoise finds
    static files when it starts, so the cached server starts after)."""
    results = {}
    env = environment(var_dir, cache_seconds=0)
    env["BENCH_BODY_FILE"] = str(body_file)
    server = start_gunicorn(env)
    try:
        if not body_file.exists():
            body = fetch(API_PATH)
            body_file.write_bytes(body)
            static = var_dir / "static" / "bench"
            static.mkdir(parents=True, exist_ok=True)
            (static / "news.json").write_bytes(body)
        body = body_file.read_bytes()
        assert fetch("/bench/trivial.json") == body
        results["trivial"] = wrk("/bench/trivial.json")
        results["uncached"] = wrk(API_PATH)
    finally:
        stop(server)
    env = environment(var_dir, cache_seconds=600)
    env["BENCH_BODY_FILE"] = str(body_file)
    server = start_gunicorn(env)
    try:
        assert fetch("/static/bench/news.json") == body
        fetch(API_PATH)  # fill the cache
        results["static"] = wrk("/static/bench/news.json")
        results["cached"] = wrk(API_PATH)
    finally:
        stop(server)
    results["p4"] = results["uncached"] / results["trivial"]
    results["p5"] = results["cached"] / results["static"]
    results["size"] = len(body)
    sys.stdout.write(
        "run: P4 {uncached:.0f}/{trivial:.0f} = {p4:.2f}, "
        "P5 {cached:.0f}/{static:.0f} = {p5:.2f}\n".format(**results)
    )
    return results


def main():
    args = cli(__doc__)
    var_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    body_file = var_dir / "news.json"
    env = environment(var_dir, cache_seconds=0)
    env["BENCH_BODY_FILE"] = str(body_file)
    seed(env)
    runs = [measure(var_dir, body_file) for _ in range(RUNS)]
    emit(figures(runs, runs[0]["size"]), args)
    shutil.rmtree(var_dir, ignore_errors=True)


def figures(runs, size):
    """The run with the median P4 gives P4, likewise for P5; every run's
    ratios are in the notes."""
    by_p4 = sorted(runs, key=lambda r: r["p4"])[len(runs) // 2]
    by_p5 = sorted(runs, key=lambda r: r["p5"])[len(runs) // 2]
    setting = (
        f"gunicorn {WORKERS} sync workers (production settings, persistent "
        f"connections, API rate limit off), wrk 2 threads x {CONNECTIONS} "
        f"connections x {DURATION}, {PAGES:,} news pages, {size:,} bytes "
        f"(`{API_PATH}`); median of {len(runs)} run(s)"
    )
    return [
        figure(
            "P4",
            "news list API, response cache off, vs a trivial JSON view "
            "returning the same bytes",
            by_p4["uncached"],
            "req/s",
            by_p4["trivial"],
            "req/s",
            target=">= 0.35",
            notes=setting + " (P4 " + ", ".join(f"{r['p4']:.2f}" for r in runs) + ")",
        ),
        figure(
            "P5",
            "news list API from the response cache, vs the same bytes as a "
            "static file (WhiteNoise)",
            by_p5["cached"],
            "req/s",
            by_p5["static"],
            "req/s",
            target=">= 0.7",
            notes=setting + " (P5 " + ", ".join(f"{r['p5']:.2f}" for r in runs) + ")",
        ),
    ]


if __name__ == "__main__":
    main()

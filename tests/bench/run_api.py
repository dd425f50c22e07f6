"""P4 and P5: the news list API under load, as ratios against baselines
served by the same gunicorn workers in the same run.

P4: GET /api/v3/news/?locale=en&limit=20 with the response cache off, against
    a trivial Django view returning the same bytes (target >= 0.35).
P5: the same call served from the response cache, against the same bytes as
    a static file through WhiteNoise (target >= 0.7).

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), gunicorn (installed)
and wrk (Debian package). Seeds 2,000 published news pages on first run.
Prints the figures and writes them into docs/benchmarks.md.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python tests/bench/run_api.py
"""

import datetime
import os
import platform
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
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PAGES = 2000
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
API_PATH = "/api/v3/news/?locale=en&limit=20"


def environment(var_dir, cache_seconds):
    missing = [
        name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)
    ]
    if missing:
        sys.exit(
            f"Set {', '.join(missing)}: the benchmark runs on PostgreSQL and Redis."
        )
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


SEED = f"""
import datetime
from wagtail.models import Locale
from news.models import Country, NewsPage
from news.structure import section_for
en = Locale.objects.get(language_code="en")
countries = list(Country.objects.filter(locale=en))
existing = NewsPage.objects.filter(slug__startswith="bench-").count()
for n in range(existing, {PAGES}):
    country = countries[n % len(countries)]
    page = section_for(country, en).add_child(instance=NewsPage(
        title=f"Benchmark news item {{n}} about civil society",
        slug=f"bench-{{n}}",
        date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
        lead="A lead paragraph of realistic length for a news listing, " * 3,
    ))
    page.save_revision().publish()
print(NewsPage.objects.live().count(), "live news pages")
"""


def seed(env):
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo_data")
    manage(env, "shell", "-v0", "-c", SEED)
    manage(env, "rebuild_news_readmodel")
    manage(env, "collectstatic", "--no-input", "-v0")


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
    """One run: the four figures, each pair measured back to back."""
    results = {}
    env = environment(var_dir, cache_seconds=0)
    env["BENCH_BODY_FILE"] = str(body_file)
    server = start_gunicorn(env)
    try:
        results["trivial"] = wrk("/bench/trivial.json")
        results["uncached"] = wrk(API_PATH)
    finally:
        stop(server)
    env = environment(var_dir, cache_seconds=600)
    env["BENCH_BODY_FILE"] = str(body_file)
    server = start_gunicorn(env)
    try:
        fetch(API_PATH)  # fill the cache
        results["static"] = wrk("/static/bench/news.json")
        results["cached"] = wrk(API_PATH)
    finally:
        stop(server)
    results["p4"] = results["uncached"] / results["trivial"]
    results["p5"] = results["cached"] / results["static"]
    sys.stdout.write(
        "run: P4 {uncached:.0f}/{trivial:.0f} = {p4:.2f}, "
        "P5 {cached:.0f}/{static:.0f} = {p5:.2f}\n".format(**results)
    )
    return results


def main():
    var_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    body_file = var_dir / "news.json"
    body_file.write_bytes(b"{}")

    env = environment(var_dir, cache_seconds=0)
    env["BENCH_BODY_FILE"] = str(body_file)
    seed(env)
    server = start_gunicorn(env)
    try:
        body = fetch(API_PATH)
    finally:
        stop(server)
    body_file.write_bytes(body)
    static = var_dir / "static" / "bench"
    static.mkdir(parents=True, exist_ok=True)
    (static / "news.json").write_bytes(body)
    server = start_gunicorn(env)
    try:
        assert fetch("/bench/trivial.json") == body
        assert fetch("/static/bench/news.json") == body
    finally:
        stop(server)

    runs = [measure(var_dir, body_file) for _ in range(RUNS)]
    report(runs, len(body))
    shutil.rmtree(var_dir, ignore_errors=True)


def report(runs, size):
    """The run with the median P4 gives the P4 row, likewise for P5; every
    run's ratios are listed."""
    by_p4 = sorted(runs, key=lambda r: r["p4"])[len(runs) // 2]
    by_p5 = sorted(runs, key=lambda r: r["p5"])[len(runs) // 2]
    cpu = platform.processor() or platform.machine()
    each = "; ".join(f"P4 {r['p4']:.2f}, P5 {r['p5']:.2f}" for r in runs)
    lines = [
        "## P4 and P5: news list API",
        "",
        f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores "
        f"({cpu}), Python {platform.python_version()}, gunicorn {WORKERS} sync "
        f"workers, wrk 2 threads x {CONNECTIONS} connections x {DURATION}, "
        f"PostgreSQL and Redis on loopback, {PAGES} news pages, response "
        f"{size} bytes (`{API_PATH}`), API rate limit off. Median of {len(runs)} "
        f"runs (each: {each}).",
        "",
        "| id | what | req/s | baseline | baseline req/s | ratio | target |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| P4 | listing, response cache off | {by_p4['uncached']:.0f} | trivial "
        f"JSON view, same bytes | {by_p4['trivial']:.0f} | {by_p4['p4']:.2f} | "
        ">= 0.35 |",
        f"| P5 | listing from the response cache | {by_p5['cached']:.0f} | "
        f"static file, same bytes (WhiteNoise) | {by_p5['static']:.0f} | "
        f"{by_p5['p5']:.2f} | >= 0.7 |",
        "",
        "Reproduce: `make bench-api` (needs DATABASE_URL, REDIS_URL and wrk;"
        " BENCH_RUNS, BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WORKERS).",
        "",
    ]
    text = "\n".join(lines)
    sys.stdout.write(text)
    path = REPO / "docs" / "benchmarks.md"
    current = path.read_text() if path.exists() else "# Benchmarks\n\n"
    start = current.find("## P4 and P5")
    if start != -1:
        end = current.find("\n## ", start + 1)
        current = current[:start] + (current[end + 1 :] if end != -1 else "")
    path.write_text(current.rstrip("\n") + "\n\n" + text)


if __name__ == "__main__":
    main()

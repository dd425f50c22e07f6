# ruff: noqa: T201, S108  (a command-line benchmark: it prints, and /tmp is its scratch)
"""P1, P3 and P6: the sending engine, as ratios against baselines measured in
the same run on the same machine.

P1: delivered messages per second through the whole pipeline (PostgreSQL,
    Celery prefork worker, per-recipient message, SMTP) into Postfix's
    smtp-sink, against `smtp-source -d -s 2` of the same message size into the
    same sink (target >= 0.40).
P3: peak RSS of the worker's processes sending to BIG recipients, against the
    same sending to SMALL (target <= 1.15, and <= 200 MB).
P6: delivery rows materialised per second for BIG recipients, against one raw
    `INSERT ... SELECT` of the same rows into the same table (>= 0.5, <= 20 s).

Needs PostgreSQL and Redis (DATABASE_URL naming a database it may fill,
REDIS_URL) and Postfix's smtp-sink/smtp-source (POSTFIX_DIR, default
/tmp/postfix: `apt-get download postfix && dpkg -x postfix_*.deb /tmp/postfix`).
Writes its section of docs/benchmarks.md.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python tests/bench/run_sending.py

BENCH_BIG (default 1,000,000) and BENCH_SMALL (10,000) size P3 and P6;
BENCH_P1 (20,000) sizes P1; BENCH_P3_SEND=0 measures P3 on materialisation
and a partial send when the full send would take too long (the note says so).
"""

import datetime
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
POSTFIX = Path(os.environ.get("POSTFIX_DIR", "/tmp/postfix"))
SINK_PORT = int(os.environ.get("BENCH_SINK_PORT", "8190"))
BIG = int(os.environ.get("BENCH_BIG", "1000000"))
SMALL = int(os.environ.get("BENCH_SMALL", "10000"))
P1_SIZE = int(os.environ.get("BENCH_P1", "20000"))
P3_SEND_LIMIT = int(os.environ.get("BENCH_P3_SEND", str(BIG)))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))
SECTION = "## P1, P3 and P6: sending"


def setup_django(services=("DATABASE_URL", "REDIS_URL")):
    """Settings for a benchmark run; ``services`` are the variables it needs."""
    for name in services:
        if not os.environ.get(name):
            sys.exit(f"Set {name}: the benchmark runs on PostgreSQL and Redis.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    os.environ.setdefault("VAR_DIR", f"/tmp/bench-sending-{os.getpid()}")
    os.environ["NEWSLETTERS_SEND_RATE"] = "0"
    os.environ["NEWSLETTERS_SEND_CHUNK_SIZE"] = os.environ.get(
        "NEWSLETTERS_SEND_CHUNK_SIZE", "500"
    )
    os.environ["NEWSLETTERS_SEND_RECHECK_EVERY"] = "100"
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{SINK_PORT}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def newsletter_page():
    """A Kosovo issue in English with an Albanian translation's worth of text."""
    from django.conf import settings
    from wagtail.models import Locale

    from news.models import Country
    from news.structure import ensure_sections, section_for
    from newsletters.composition.models import NewsletterPage

    en = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    country = Country.objects.filter(iso_code="XK", locale=en).first()
    if country is None:
        country = Country.objects.create(
            iso_code="XK", name="Kosovo", languages=["sq", "sr", "en"], locale=en
        )
    ensure_sections()
    section = section_for(country, en, key="newsletters")
    paragraph = "<p>" + "Shoqëria civile në Kosovë, Србија, İstanbul ılık. " * 40
    body = [
        {"type": "intro", "value": paragraph + "</p>"},
        {"type": "note", "value": paragraph + "</p>"},
        {"type": "intro", "value": paragraph + "</p>"},
    ]
    page = section.add_child(
        instance=NewsletterPage(
            title="Benchmark issue",
            slug=uuid.uuid4().hex[:12],
            subject="Civil society newsletter: ë ç İ ı Ђ",
            body=body,
        )
    )
    page.save_revision().publish()
    return NewsletterPage.objects.get(pk=page.pk), country


def seed_audience(country, n, name):
    """A list with ``n`` confirmed subscribers, made in SQL."""
    from django.db import connection

    from newsletters.audience.models import MailingList

    mailing_list = MailingList.objects.create(
        name=name,
        country=country,
        languages=["sq", "sr", "en", "tr", "mk"],
        default_language="en",
        is_public=False,
    )
    tag = uuid.uuid4().hex[:8]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO newsletters_subscriber
                (email, name, language, soft_bounces, confirm_nonce,
                 created_at, updated_at)
            SELECT 'r' || g || '.' || %s || '@example.org', 'Reader ' || g,
                   (ARRAY['sq','sr','en','tr','mk'])[1 + g %% 5], 0, '',
                   now(), now()
            FROM generate_series(1, %s) g
            """,
            [tag, n],
        )
        cursor.execute(
            """
            INSERT INTO newsletters_subscription
                (subscriber_id, mailing_list_id, status, created_at, updated_at,
                 confirmed_at)
            SELECT id, %s, 'confirmed', now(), now(), now()
            FROM newsletters_subscriber WHERE email LIKE %s
            """,
            [mailing_list.pk, f"%.{tag}@example.org"],
        )
        cursor.execute("ANALYZE")
    return mailing_list


def campaign_for(page, mailing_list):
    from django.utils import timezone

    from newsletters.delivery.models import Campaign

    campaign = Campaign.objects.create(
        newsletter=page,
        status=Campaign.Status.PREPARING,
        audience_cutoff=timezone.now(),
    )
    campaign.lists.set([mailing_list])
    return campaign


# P6 ---------------------------------------------------------------------------


def measure_p6(page, mailing_list):
    from django.db import connection

    from newsletters.delivery import lifecycle

    campaign = campaign_for(page, mailing_list)
    editions = lifecycle.freeze_editions(campaign)
    started = time.perf_counter()
    rows = lifecycle.materialise(campaign, editions)
    engine = time.perf_counter() - started

    baseline_campaign = campaign_for(page, mailing_list)
    edition = next(iter(editions.values()))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO newsletters_delivery
                (campaign_id, subscriber_id, edition_id, status, attempts,
                 claimed_by, reason, flagged)
            SELECT %s, subscriber_id, %s, 'pending', 0, '', '', false
            FROM newsletters_subscription WHERE mailing_list_id = %s
            """,
            [baseline_campaign.pk, edition.pk, mailing_list.pk],
        )
        raw_rows = cursor.rowcount
        raw = time.perf_counter() - started
        # In SQL: the ORM's cascade would load the million rows into Python.
        cursor.execute(
            "DELETE FROM newsletters_delivery WHERE campaign_id = %s",
            [baseline_campaign.pk],
        )
    baseline_campaign.delete()
    return {
        "rows": rows,
        "raw_rows": raw_rows,
        "engine_s": engine,
        "raw_s": raw,
        "ratio": (rows / engine) / (raw_rows / raw),
        "campaign": campaign,
    }


# Sending through a worker -------------------------------------------------------


def start_sink():
    env = {**os.environ, "LD_LIBRARY_PATH": str(POSTFIX / "usr/lib/postfix")}
    process = subprocess.Popen(  # noqa: S603
        [
            str(POSTFIX / "usr/sbin/smtp-sink"),
            "-u",
            "nobody",
            f"127.0.0.1:{SINK_PORT}",
            "1000",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", SINK_PORT), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    sys.exit("smtp-sink did not start")


def smtp_source(count, size):
    env = {**os.environ, "LD_LIBRARY_PATH": str(POSTFIX / "usr/lib/postfix")}
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [
            str(POSTFIX / "usr/sbin/smtp-source"),
            "-d",
            "-s",
            "2",
            "-m",
            str(count),
            "-l",
            str(size),
            "-f",
            "news@example.org",
            "-t",
            "reader@example.org",
            f"127.0.0.1:{SINK_PORT}",
        ],
        env=env,
        check=True,
    )
    return count / (time.perf_counter() - started)


def start_worker():
    from django.conf import settings

    from tests.conftest import test_database_url  # noqa: F401 (same URL rules)

    log = open(Path(settings.VAR_DIR) / "bench-worker.log", "ab")  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cms",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={CONCURRENCY}",
            "--queues=sending,default",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def peak_rss_mb(worker):
    """Largest VmHWM among the worker's processes (parent and pool children)."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        pid = int(status.parent.name)
        ppid = int(re.search(r"PPid:\s+(\d+)", text)[1])
        if pid != worker.pid and ppid != worker.pid:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", text)
        if found:
            peak = max(peak, int(found[1]) / 1024)
    return peak


def send_and_time(campaign, limit=None):
    """Dispatch the prepared campaign; seconds until all (or ``limit``)
    deliveries are sent, and the worker's peak RSS."""
    from django.db import transaction
    from django.utils import timezone

    from newsletters.delivery import lifecycle
    from newsletters.delivery.models import Campaign, Delivery

    worker = start_worker()
    time.sleep(8)  # the worker imports Django and Wagtail before it takes work
    try:
        with transaction.atomic():
            Campaign.objects.filter(pk=campaign.pk).update(
                status=Campaign.Status.SENDING, started_at=timezone.now()
            )
            campaign.refresh_from_db()
            lifecycle.dispatch(campaign)
        started = time.perf_counter()
        target = limit or campaign.deliveries.count()
        sent = 0
        while sent < target:
            time.sleep(0.5)
            sent = campaign.deliveries.filter(status=Delivery.Status.SENT).count()
            if worker.poll() is not None:
                sys.exit("the worker died; see its log")
        elapsed = time.perf_counter() - started
        rss = peak_rss_mb(worker)
        lifecycle.cancel(campaign.pk)
        return sent, elapsed, rss
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def message_size(campaign):
    from newsletters.composition.rendering import edition_from_dict
    from newsletters.delivery.message import PreparedMessage

    edition = campaign.editions.first()
    prepared = PreparedMessage.from_edition(edition_from_dict(edition.data))
    values = {"first_name": "Reader", "unsubscribe_url": "x" * 160}
    values["preferences_url"] = "y" * 150
    return len(
        prepared.render(
            to="r@example.org",
            message_id="<a@b>",
            values=values,
            headers={"List-Unsubscribe": "<" + "x" * 160 + ">"},
        )
    )


def main():
    setup_django()
    from django.db import connection

    page, country = newsletter_page()
    figures = {"machine": f"{platform.node()} {os.cpu_count()} cores"}

    print(f"P6: seeding {BIG:,} subscribers …", flush=True)
    big_list = seed_audience(country, BIG, f"bench big {uuid.uuid4().hex[:6]}")
    p6 = measure_p6(page, big_list)
    figures["p6"] = p6
    print(
        f"P6: {p6['rows']:,} rows in {p6['engine_s']:.1f} s; raw "
        f"{p6['raw_s']:.1f} s; ratio {p6['ratio']:.2f}",
        flush=True,
    )

    sink = start_sink()
    try:
        print(f"P1: {P1_SIZE:,} recipients …", flush=True)
        p1_list = seed_audience(country, P1_SIZE, f"bench p1 {uuid.uuid4().hex[:6]}")
        p1_campaign = campaign_for(page, p1_list)
        from newsletters.delivery import lifecycle

        lifecycle.materialise(p1_campaign, lifecycle.freeze_editions(p1_campaign))
        size = message_size(p1_campaign)
        sent, elapsed, rss_small_p1 = send_and_time(p1_campaign)
        engine_rate = sent / elapsed
        baseline_rate = smtp_source(P1_SIZE, size)
        figures["p1"] = {
            "sent": sent,
            "engine": engine_rate,
            "baseline": baseline_rate,
            "size": size,
            "ratio": engine_rate / baseline_rate,
        }
        print(
            f"P1: {engine_rate:.0f} msgs/s vs smtp-source {baseline_rate:.0f} "
            f"({size} bytes): ratio {engine_rate / baseline_rate:.2f}",
            flush=True,
        )

        print(f"P3: {SMALL:,} recipients …", flush=True)
        small_list = seed_audience(
            country, SMALL, f"bench small {uuid.uuid4().hex[:6]}"
        )
        small = campaign_for(page, small_list)
        lifecycle.materialise(small, lifecycle.freeze_editions(small))
        _, _, rss_small = send_and_time(small)
        limit = min(P3_SEND_LIMIT, BIG)
        print(f"P3: {BIG:,} recipients, sending {limit:,} …", flush=True)
        _, elapsed_big, rss_big = send_and_time(p6["campaign"], limit=limit)
        figures["p3"] = {
            "small": rss_small,
            "big": rss_big,
            "sent_big": limit,
            "ratio": rss_big / rss_small,
        }
        print(
            f"P3: {rss_big:.0f} MB vs {rss_small:.0f} MB: ratio "
            f"{rss_big / rss_small:.2f}",
            flush=True,
        )
    finally:
        sink.terminate()
        sink.wait(timeout=10)
        connection.close()
    report(figures)


def report(figures):
    p1, p3, p6 = figures["p1"], figures["p3"], figures["p6"]

    def verdict(ok):
        return "meets" if ok else "**misses**"

    partial = (
        ""
        if p3["sent_big"] >= BIG
        else f" (sent {p3['sent_big']:,} of the {BIG:,} before reading the peak)"
    )
    lines = [
        SECTION,
        "",
        f"Measured {datetime.date.today().isoformat()} on {figures['machine']} "
        f"(`tests/bench/run_sending.py`; Celery prefork, {CONCURRENCY} processes, "
        "PostgreSQL 15, Redis, Postfix smtp-sink).",
        "",
        "| id | figure | baseline | ratio | target | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| P1 | {p1['engine']:.0f} msgs/s delivered ({p1['sent']:,} recipients, "
        f"{p1['size']:,} bytes) | `smtp-source -d -s 2`: {p1['baseline']:.0f} msgs/s "
        f"| {p1['ratio']:.2f} | >= 0.40 | {verdict(p1['ratio'] >= 0.40)} |",
        f"| P3 | {p3['big']:.0f} MB peak RSS, {BIG:,} recipients{partial} "
        f"| {p3['small']:.0f} MB at {SMALL:,} | {p3['ratio']:.2f} | <= 1.15 and "
        f"<= 200 MB | {verdict(p3['ratio'] <= 1.15 and p3['big'] <= 200)} |",
        f"| P6 | {p6['rows']:,} rows in {p6['engine_s']:.1f} s | raw "
        f"`INSERT ... SELECT`: {p6['raw_s']:.1f} s | {p6['ratio']:.2f} | >= 0.5, "
        f"<= 20 s | {verdict(p6['ratio'] >= 0.5 and p6['engine_s'] <= 20)} |",
        "",
    ]
    write_section(SECTION, "\n".join(lines))


def write_section(title, text):
    path = REPO / "docs" / "benchmarks.md"
    current = path.read_text()
    start = current.find(title)
    if start < 0:
        current = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + 1)
        current = current[:start] + text + (current[end + 1 :] if end >= 0 else "")
    path.write_text(current)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

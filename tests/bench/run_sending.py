# ruff: noqa: T201, S108  (a command-line benchmark: it prints, and /tmp is its scratch)
"""P1, P3, P6 and the scale table: the sending engine, as ratios against
baselines measured in the same run on the same machine.

P1: delivered messages per second through the whole pipeline (PostgreSQL,
    Celery prefork worker, per-recipient message, SMTP with PIPELINING) into
    Postfix's smtp-sink, against `smtp-source -d -s 2` of the same message
    size into the same sink (median of three; target >= 0.40).
P3: peak RSS of the worker's processes sending to the largest campaign
    measured (1M in the long mode), against the same sending to 10k
    (target <= 1.15, and <= 200 MB).
P6: delivery rows materialised per second for the largest campaign, against
    one raw `INSERT ... SELECT` of the same rows into the same table
    (>= 0.5; 1M rows in <= 20 s).
Scale: preparation time (editions frozen, deliveries materialised), sending
    time and worker peak RSS at 10k and 100k recipients (and 1M with
    BENCH_LONG=1).

Sizes: P1 20,000 (a shorter campaign mostly measures the worker's ramp);
--quick: scale 10k and 100k, P6 at 100k (its 20 s bound read per million);
default: scale 10k and 100k, P6 materialises 1M without sending them;
BENCH_LONG=1 also sends the 1M. BENCH_P1,
BENCH_SCALE (comma-separated), BENCH_P6 override; BENCH_CONCURRENCY sets the
worker's prefork processes, NEWSLETTERS_SEND_IN_FLIGHT the batched sent
marks (defaults: the project's).

Needs PostgreSQL and Redis (DATABASE_URL naming a database it may fill,
REDIS_URL) and Postfix's smtp-sink/smtp-source (`apt-get install postfix`,
or unpacked under POSTFIX_DIR; BENCH_SINK_PORT picks the sink's port).

    python tests/bench/run_sending.py [--quick] [--json PATH]
"""

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.bench.common import (  # noqa: E402
    cli,
    emit,
    figure,
    postfix_tool,
    require_services,
    var_dir,
)

SINK_PORT = int(os.environ.get("BENCH_SINK_PORT", "8190"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
LONG = os.environ.get("BENCH_LONG", "") not in ("", "0")


def setup_django(services=("DATABASE_URL", "REDIS_URL")):
    """Settings for a benchmark run; ``services`` are the variables it needs."""
    require_services(*services)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    var_dir("bench-sending")
    os.environ["NEWSLETTERS_SEND_RATE"] = "0"
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


def prepare(campaign):
    """Freeze the editions and materialise the deliveries, as the worker's
    preparation does: (rows, seconds for everything, seconds materialising)."""
    from newsletters.delivery import lifecycle

    started = time.perf_counter()
    editions = lifecycle.freeze_editions(campaign)
    materialising = time.perf_counter()
    rows = lifecycle.materialise(campaign, editions)
    done = time.perf_counter()
    return rows, done - started, done - materialising


def raw_insert(page, mailing_list):
    """The P6 baseline: one `INSERT ... SELECT` of the same rows."""
    from django.db import connection

    from newsletters.delivery import lifecycle

    campaign = campaign_for(page, mailing_list)
    edition = next(iter(lifecycle.freeze_editions(campaign).values()))
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
            [campaign.pk, edition.pk, mailing_list.pk],
        )
        rows = cursor.rowcount
        seconds = time.perf_counter() - started
        # In SQL: the ORM's cascade would load the rows into Python.
        cursor.execute(
            "DELETE FROM newsletters_delivery WHERE campaign_id = %s", [campaign.pk]
        )
    campaign.delete()
    return rows, seconds


# Sending through a worker -------------------------------------------------------


def start_sink():
    sink, env = postfix_tool("smtp-sink")
    process = subprocess.Popen(  # noqa: S603
        [sink, "-u", "nobody", f"127.0.0.1:{SINK_PORT}", "1000"],
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
    source, env = postfix_tool("smtp-source")
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [
            source, "-d", "-s", "2", "-m", str(count), "-l", str(size),
            "-f", "news@example.org", "-t", "reader@example.org",
            f"127.0.0.1:{SINK_PORT}",
        ],
        env=env,
        check=True,
    )  # fmt: skip
    return count / (time.perf_counter() - started)


def start_worker():
    from django.conf import settings

    log = open(Path(settings.VAR_DIR) / "bench-worker.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "celery", "-A", "cms", "worker",
            "--loglevel=WARNING", f"--concurrency={CONCURRENCY}",
            "--queues=sending,default", "--without-heartbeat",
            "--without-mingle", "--without-gossip",
        ],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    # The pool's processes are forked once the parent has imported Django
    # and Wagtail and connected to the broker.
    deadline = time.monotonic() + 120
    while len(children(worker)) < CONCURRENCY:
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the worker did not start; see {log.name}")
        time.sleep(0.2)
    time.sleep(1)
    return worker


def children(worker):
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"PPid:\t{worker.pid}\n" in status.read_text():
                found.append(int(status.parent.name))
        except OSError:
            continue
    return found


def send_and_time(campaign, limit=None):
    """Dispatch the prepared campaign; seconds until all (or ``limit``)
    deliveries are sent, and the worker's peak RSS."""
    from django.db import transaction
    from django.utils import timezone

    from newsletters.delivery import lifecycle
    from newsletters.delivery.models import Campaign, Delivery

    worker = start_worker()
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
            time.sleep(0.25)
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
    args = cli(__doc__)
    p1_size = int(os.environ.get("BENCH_P1", "20000"))
    scale = os.environ.get(
        "BENCH_SCALE", "10000,100000,1000000" if LONG else "10000,100000"
    )
    scale = [int(x) for x in scale.split(",") if x.strip() not in ("", "none")]
    p6_size = int(
        os.environ.get("BENCH_P6", str(max(scale or [0]) if args.quick else 1_000_000))
    )
    setup_django()
    from django.conf import settings
    from django.db import connection

    from newsletters.conf import app_settings

    page, country = newsletter_page()
    in_flight = app_settings.NEWSLETTERS_SEND_IN_FLIGHT
    setting = (
        f"Celery prefork {CONCURRENCY} processes (one worker), "
        f"NEWSLETTERS_SEND_IN_FLIGHT {in_flight}, chunks of "
        f"{app_settings.NEWSLETTERS_SEND_CHUNK_SIZE}, recheck every "
        f"{app_settings.NEWSLETTERS_SEND_RECHECK_EVERY}, throttle off"
    )
    figures = []
    sink = start_sink()
    try:
        print(f"P1: {p1_size:,} recipients ({setting}) …", flush=True)
        p1_list = seed_audience(country, p1_size, f"bench p1 {uuid.uuid4().hex[:6]}")
        p1_campaign = campaign_for(page, p1_list)
        prepare(p1_campaign)
        size = message_size(p1_campaign)
        sent, elapsed, _rss = send_and_time(p1_campaign)
        engine = sent / elapsed
        baselines = [smtp_source(p1_size, size) for _ in range(3)]
        baseline = statistics.median(baselines)
        figures.append(
            figure(
                "P1",
                "newsletter delivered through the whole pipeline vs "
                "`smtp-source -d -s 2` into the same smtp-sink",
                engine,
                "msgs/s",
                baseline,
                "msgs/s",
                target=">= 0.40",
                notes=(
                    f"{sent:,} recipients, {size:,} bytes a message; {setting}; "
                    "smtp-source: median of 3 runs ("
                    + ", ".join(f"{b:.0f}" for b in baselines)
                    + " msgs/s)"
                ),
            )
        )
        print(f"P1: {engine:.0f} msgs/s vs {baseline:.0f}", flush=True)

        rows = []
        largest = None
        for n in scale:
            print(f"scale: {n:,} recipients: seeding …", flush=True)
            mailing_list = seed_audience(
                country, n, f"bench {n} {uuid.uuid4().hex[:6]}"
            )
            campaign = campaign_for(page, mailing_list)
            count, prep_s, materialise_s = prepare(campaign)
            print(f"scale: {n:,}: prepared in {prep_s:.1f} s; sending …", flush=True)
            sent, send_s, rss = send_and_time(campaign)
            rows.append(
                {
                    "recipients": count,
                    "prepare_s": prep_s,
                    "materialise_s": materialise_s,
                    "send_s": send_s,
                    "msgs_per_s": sent / send_s,
                    "peak_rss_mb": rss,
                }
            )
            print(
                f"scale: {n:,}: sent in {send_s:.1f} s ({sent / send_s:.0f}/s), "
                f"peak RSS {rss:.0f} MB",
                flush=True,
            )
            largest = (mailing_list, count, materialise_s)
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    if not rows:  # BENCH_SCALE=none: P1 alone
        emit(figures, args)
        return
    figures.append(
        figure(
            "scale",
            "sending at growing audiences",
            rows[-1]["send_s"],
            "s",
            notes=f"{setting}; sizes "
            + ", ".join(f"{r['recipients']:,}" for r in rows),
            data=rows,
        )
    )
    small, big = rows[0], rows[-1]
    figures.append(
        figure(
            "P3",
            f"worker peak RSS sending to {big['recipients']:,} recipients vs "
            f"{small['recipients']:,}",
            big["peak_rss_mb"],
            "MB",
            small["peak_rss_mb"],
            "MB",
            target="<= 1.15",
            meets=big["peak_rss_mb"] / small["peak_rss_mb"] <= 1.15
            and big["peak_rss_mb"] <= 200,
            notes=(
                "target <= 1.15 and <= 200 MB at 1,000,000 recipients"
                + ("" if big["recipients"] >= 1_000_000 else
                   f"; measured at {big['recipients']:,} (1M: BENCH_LONG=1)")
                + f"; largest process of the worker, {CONCURRENCY} pool processes"
            ),
        )
    )  # fmt: skip

    if largest and largest[1] == p6_size:
        mailing_list, count, engine_s = largest
    else:
        print(f"P6: seeding {p6_size:,} subscribers …", flush=True)
        mailing_list = seed_audience(
            country, p6_size, f"bench p6 {uuid.uuid4().hex[:6]}"
        )
        count, _prep_s, engine_s = prepare(campaign_for(page, mailing_list))
    raw_rows, raw_s = raw_insert(page, mailing_list)
    per_million = engine_s * 1_000_000 / count
    figures.append(
        figure(
            "P6",
            f"deliveries materialised for {count:,} recipients vs one raw "
            "`INSERT ... SELECT` of the same rows",
            count / engine_s,
            "rows/s",
            raw_rows / raw_s,
            "rows/s",
            target=">= 0.5",
            meets=(count / engine_s) / (raw_rows / raw_s) >= 0.5 and per_million <= 20,
            notes=(
                f"{count:,} rows in {engine_s:.1f} s (raw {raw_s:.1f} s); "
                f"{per_million:.1f} s per million against <= 20 s"
                + ("" if count >= 1_000_000 else " (read per million, linear)")
            ),
            seconds=engine_s,
            per_million_s=per_million,
        )
    )
    connection.close()
    emit(figures, args)
    print(f"worker log: {Path(settings.VAR_DIR) / 'bench-worker.log'}")


if __name__ == "__main__":
    main()

# ruff: noqa: T201  (a command-line acceptance run prints its figures)
"""Acceptance (issue #8): a campaign to 100,000 subscribers of three countries'
lists in five languages completes with every message accounted for.

The campaign is started as the admin's "send now" does (`lifecycle.start`)
and everything after that happens in real Celery worker processes (prefork,
on Redis): preparation (editions frozen per language, deliveries
materialised), chunk dispatch, per-recipient messages, SMTP into Postfix's
smtp-sink. The run passes when the campaign reads "sent", every recipient has
exactly one delivery, every delivery was accepted by the server (sent, SMTP
250), and the campaign report (per language) adds up to the recipients.

Needs PostgreSQL and Redis (DATABASE_URL naming a database it may fill,
REDIS_URL) and smtp-sink (POSTFIX_DIR, see run_sending.py). Writes its
section of docs/benchmarks.md.

    DATABASE_URL=postgres://... REDIS_URL=redis://... \
        python tests/bench/run_acceptance.py [--quick] [--json PATH]

BENCH_ACCEPTANCE (100,000; 10,000 with --quick) sets the number of
subscribers; BENCH_CONCURRENCY (4) the worker's processes. Not part of
`make bench` (it repeats P1's pipeline for ten minutes); run it on its own.
"""

import datetime
import os
import platform
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.bench.common import cli, emit, figure  # noqa: E402

SUBSCRIBERS = int(
    os.environ.get("BENCH_ACCEPTANCE", "10000" if "--quick" in sys.argv else "100000")
)
LANGUAGES = ["sq", "sr", "en", "tr", "mk"]
COUNTRIES = {
    "XK": ("Kosovo", ["sq", "sr", "en"]),
    "RS": ("Serbia", ["sr", "en"]),
    "MK": ("North Macedonia", ["mk", "sq", "en"]),
}
SECTION = "## Acceptance: 100,000 subscribers"


def translated_issue():
    """The benchmark issue (English) with live sq, sr, tr and mk translations."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Locale
    from wagtail_localize.operations import TranslationCreator

    from tests.bench.run_sending import newsletter_page

    page, _country = newsletter_page()
    # Paragraphs only: the translation tool walks the body's blocks.
    paragraph = "<p>" + "Shoqëria civile në Kosovë, Србија, İstanbul ılık. " * 40
    page.body = [{"type": "intro", "value": paragraph + "</p>"}] * 3
    page.save_revision().publish()
    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser(
            f"bench-{uuid.uuid4().hex[:6]}", "bench@example.org", uuid.uuid4().hex
        )
    locales = [Locale.objects.get_or_create(language_code=c)[0] for c in LANGUAGES]
    others = [x for x in locales if x.language_code != "en"]
    TranslationCreator(user, others).create_translations(page)
    subjects = {
        "sq": "Buletini: shoqëria civile çdo javë",
        "sr": "Билтен: грађанско друштво",
        "tr": "Bülten: İstanbul'da sivil toplum ılık",
        "mk": "Билтен: граѓанско општество",
    }
    for locale in others:
        translation = page.get_translation(locale).specific
        translation.subject = subjects[locale.language_code]
        translation.save_revision().publish()
    return page


def seed(tag):
    """SUBSCRIBERS confirmed subscribers, a third on each country's list, one
    in twenty also on a second list (counted once), five languages; plus
    unsubscribed and pending ones, who must get nothing."""
    from django.conf import settings
    from django.db import connection
    from wagtail.models import Locale

    from news.models import Country
    from newsletters.audience.models import MailingList

    en = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    lists = []
    for iso, (name, languages) in COUNTRIES.items():
        country = Country.objects.filter(iso_code=iso, locale=en).first()
        if country is None:
            country = Country.objects.create(
                iso_code=iso, name=name, languages=languages, locale=en
            )
        lists.append(
            MailingList.objects.create(
                name=f"{name} acceptance {tag}",
                country=country,
                languages=LANGUAGES,
                default_language="en",
                is_public=False,
            )
        )
    ids = [x.pk for x in lists]
    extra = SUBSCRIBERS // 50
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO newsletters_subscriber
                (email, name, language, soft_bounces, confirm_nonce,
                 created_at, updated_at)
            SELECT 'a' || g || '.' || %s || '@example.org',
                   (ARRAY['Arta','Ђорђе','John','İlkay','Марија'])[1 + g %% 5]
                       || ' ' || g,
                   (ARRAY['sq','sr','en','tr','mk'])[1 + g %% 5], 0, '',
                   now(), now()
            FROM generate_series(1, %s) g
            """,
            [tag, SUBSCRIBERS + 2 * extra],
        )
        cursor.execute(
            """
            INSERT INTO newsletters_subscription
                (subscriber_id, mailing_list_id, status, created_at, updated_at,
                 confirmed_at)
            SELECT s.id, (%s::int[])[1 + n %% 3],
                   CASE WHEN n <= %s THEN 'confirmed'
                        WHEN n <= %s THEN 'unsubscribed' ELSE 'pending' END,
                   now(), now(), now()
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
                  FROM newsletters_subscriber WHERE email LIKE %s) s
            """,
            [ids, SUBSCRIBERS, SUBSCRIBERS + extra, f"%.{tag}@example.org"],
        )
        cursor.execute(
            """
            INSERT INTO newsletters_subscription
                (subscriber_id, mailing_list_id, status, created_at, updated_at,
                 confirmed_at)
            SELECT s.id, (%s::int[])[1 + (n + 1) %% 3], 'confirmed',
                   now(), now(), now()
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
                  FROM newsletters_subscriber WHERE email LIKE %s) s
            WHERE n <= %s AND n %% 20 = 0
            """,
            [ids, f"%.{tag}@example.org", SUBSCRIBERS],
        )
        cursor.execute("ANALYZE")
    return lists


def main():
    from tests.bench.run_sending import (
        CONCURRENCY,
        peak_rss_mb,
        setup_django,
        start_sink,
        start_worker,
    )

    args = cli(__doc__)
    setup_django()
    from django.db.models import Count

    from newsletters.delivery import lifecycle
    from newsletters.delivery.admin_views import progress_of, report_rows
    from newsletters.delivery.models import Campaign, Delivery

    tag = uuid.uuid4().hex[:8]
    print(f"Acceptance: seeding {SUBSCRIBERS:,} subscribers …", flush=True)
    page = translated_issue()
    lists = seed(tag)
    campaign = Campaign.objects.create(newsletter=page)
    campaign.lists.set(lists)
    expected = lifecycle.recipients_by_language(page, lists)
    print(f"served languages: {expected}", flush=True)

    sink = start_sink()
    worker = start_worker()
    try:
        started = time.perf_counter()
        assert lifecycle.start(campaign.pk)
        last = None
        while True:
            time.sleep(2)
            campaign.refresh_from_db()
            if campaign.status in (Campaign.Status.SENT, Campaign.Status.FAILED):
                break
            if worker.poll() is not None:
                sys.exit("the worker died; see its log")
            sent = campaign.deliveries.filter(status=Delivery.Status.SENT).count()
            if sent != last and int(time.perf_counter() - started) % 30 < 2:
                print(f"  {sent:,} sent, {campaign.status}", flush=True)
            last = sent
        elapsed = time.perf_counter() - started
        rss = peak_rss_mb(worker)
    finally:
        import signal

        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        sink.terminate()
        sink.wait(timeout=10)

    counts = dict(
        campaign.deliveries.values_list("status").annotate(n=Count("pk")).order_by()
    )
    per_subscriber = (
        campaign.deliveries.values("subscriber_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    accepted = campaign.deliveries.filter(
        status=Delivery.Status.SENT, smtp_code=250
    ).count()
    rows = list(report_rows(campaign))
    progress = progress_of(campaign)
    by_language = {row["edition__language"]: row["total"] for row in rows}
    checks = {
        "campaign sent": campaign.status == Campaign.Status.SENT,
        "recipients = subscribers": campaign.recipients == SUBSCRIBERS,
        "one delivery per recipient": per_subscriber == 0
        and sum(counts.values()) == SUBSCRIBERS,
        "every delivery sent, SMTP 250": accepted == SUBSCRIBERS
        and counts.get(Delivery.Status.SENT) == SUBSCRIBERS,
        "report adds up": sum(row["total"] for row in rows) == SUBSCRIBERS
        and sum(row["sent"] for row in rows) == SUBSCRIBERS
        and progress["sent"] == progress["total"] == SUBSCRIBERS
        and progress["pending"] == 0,
        "languages as planned": by_language == expected,
    }
    prepared_s = (
        (campaign.prepared_at - campaign.scheduled_at).total_seconds()
        if campaign.prepared_at and campaign.scheduled_at
        else None
    )
    print(f"{elapsed:.0f} s, {SUBSCRIBERS / elapsed:.0f} msgs/s; {counts}; {checks}")
    verdict = "passes" if all(checks.values()) else "**fails**"
    languages = ", ".join(f"{k} {v:,}" for k, v in sorted(by_language.items()))
    lines = [
        SECTION,
        "",
        f"Measured {datetime.date.today().isoformat()} on {platform.node()} "
        f"({os.cpu_count()} cores) by `tests/bench/run_acceptance.py`: PostgreSQL "
        f"15, Redis, one Celery worker (prefork, {CONCURRENCY} processes), "
        "Postfix smtp-sink, throttle off. The machine was shared with other "
        "work during the run.",
        "",
        f"Result: **{verdict}**. {SUBSCRIBERS:,} subscribers on three countries' "
        f"lists (XK, RS, MK; one in twenty on two lists, counted once; "
        f"{SUBSCRIBERS // 50:,} unsubscribed and {SUBSCRIBERS // 50:,} pending "
        "left out), five editions.",
        "",
        "| figure | value |",
        "| --- | --- |",
        f'| start to "sent" (preparation in the worker included) | {elapsed:.0f} s |',
        f"| throughput | {SUBSCRIBERS / elapsed:.0f} msgs/s |",
        f"| recipients | {campaign.recipients:,} |",
        "| deliveries by status | "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        + " |",
        f"| accepted by the server (SMTP 250) | {accepted:,} |",
        f"| recipients with more than one delivery | {per_subscriber} |",
        f"| report per language (editions) | {languages} |",
        f"| worker peak RSS (largest process) | {rss:.0f} MB |",
        "",
        "Checks: "
        + "; ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items())
        + ".",
        "",
        "Reproduce: `DATABASE_URL=postgres://... REDIS_URL=redis://... "
        "python tests/bench/run_acceptance.py` (smtp-sink from POSTFIX_DIR).",
        "",
    ]
    if prepared_s is not None:
        lines.insert(-4, f"Preparation took {prepared_s:.0f} s of that.\n")
    print("\n".join(lines))
    emit(
        [
            figure(
                "acceptance",
                f"campaign to {SUBSCRIBERS:,} subscribers, three countries, "
                "five languages: every message accounted for",
                SUBSCRIBERS / elapsed,
                "msgs/s",
                target="every check",
                meets=all(checks.values()),
                notes="; ".join(
                    f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items()
                )
                + f"; {elapsed:.0f} s start to sent, peak RSS {rss:.0f} MB",
            )
        ],
        args,
    )
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()

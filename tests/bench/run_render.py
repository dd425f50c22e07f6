# ruff: noqa: T201  (a command-line benchmark prints its figures)
"""P2: building one recipient's final message bytes (values from signed links,
spliced into the pre-encoded edition), averaged over 10,000 recipients,
against one `mjml2html` compile of the same newsletter (target <= 0.10).

The recipients go through the sending loop's own path: one Personaliser per
edition and chunk (500 recipients, NEWSLETTERS_SEND_CHUNK_SIZE), so reversing
the links and deriving the signing keys are counted once per chunk. The
baseline is the median of 21 compiles (one compile is ~1 ms, so a single
timing is at the mercy of the scheduler).

Runs on the database DATABASE_URL names (PostgreSQL or SQLite); writes its
section of docs/benchmarks.md.

    python tests/bench/run_render.py            # SQLite under VAR_DIR
    DATABASE_URL=postgres://... python tests/bench/run_render.py
"""

import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
RECIPIENTS = int(os.environ.get("BENCH_P2_RECIPIENTS", "10000"))
CHUNK = 500
SECTION = "## P2: per-recipient message"


def main():
    from tests.bench.run_sending import newsletter_page, setup_django, write_section

    setup_django(services=())  # SQLite will do: no worker, no broker
    from mjml import mjml2html

    from newsletters.audience.models import Subscriber
    from newsletters.composition import rendering
    from newsletters.delivery.message import Personaliser, PreparedMessage, message_id

    page, _country = newsletter_page()
    sources = []
    original = rendering.mjml2html

    def capture(source, **kwargs):
        sources.append((source, kwargs))
        return original(source, **kwargs)

    rendering.mjml2html = capture
    try:
        edition = rendering.render_edition(page)
    finally:
        rendering.mjml2html = original
    source, kwargs = sources[-1]
    mjml2html(source, **kwargs)
    timings = []
    for _ in range(21):
        started = time.perf_counter()
        mjml2html(source, **kwargs)
        timings.append(time.perf_counter() - started)
    mjml_seconds = statistics.median(timings)

    prepared = PreparedMessage.from_edition(edition)
    languages = ["sq", "sr", "en", "tr", "mk"]
    subscribers = [
        Subscriber(
            pk=i + 1,
            email=f"r{i}@example.org",
            name=f"Reader {i}",
            language=languages[i % 5],
        )
        for i in range(RECIPIENTS)
    ]
    domain = prepared.domain()
    started = time.perf_counter()
    size = 0
    for index, subscriber in enumerate(subscribers):
        if index % CHUNK == 0:
            personalise = Personaliser(edition, [1, 2])
        values, headers = personalise(subscriber)
        data = prepared.render(
            to=subscriber.email,
            message_id=message_id(1, subscriber.pk, domain),
            values=values,
            headers=headers,
        )
        size += len(data)
    per_recipient = (time.perf_counter() - started) / RECIPIENTS
    ratio = per_recipient / mjml_seconds
    print(
        f"P2: {per_recipient * 1e6:.0f} µs per recipient vs mjml2html "
        f"{mjml_seconds * 1e3:.1f} ms: ratio {ratio:.3f}"
    )
    verdict = "meets" if ratio <= 0.10 else "**misses**"
    write_section(
        SECTION,
        "\n".join(
            [
                SECTION,
                "",
                f"Measured {datetime.date.today().isoformat()} on {platform.node()} "
                f"({os.cpu_count()} cores) by `tests/bench/run_render.py`.",
                "",
                "| id | figure | baseline | ratio | target | verdict |",
                "| --- | --- | --- | --- | --- | --- |",
                f"| P2 | {per_recipient * 1e6:.0f} µs per recipient (signed links, "
                f"headers, splice; {size // RECIPIENTS:,} bytes, mean of "
                f"{RECIPIENTS:,}, links prepared per chunk of {CHUNK}) "
                f"| one `mjml2html` (median of 21): {mjml_seconds * 1e3:.2f} ms "
                f"| {ratio:.3f} | <= 0.10 | {verdict} |",
                "",
            ]
        ),
    )


if __name__ == "__main__":
    main()

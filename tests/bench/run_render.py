# ruff: noqa: T201  (a command-line benchmark prints its figures)
"""P2: building one recipient's final message bytes (values from signed links,
spliced into the pre-encoded edition), averaged over 10,000 recipients,
against one `mjml2html` compile of the same newsletter (target <= 0.10).

The recipients go through the sending loop's own path: one Personaliser per
edition and chunk (500 recipients, NEWSLETTERS_SEND_CHUNK_SIZE), so reversing
the links and deriving the signing keys are counted once per chunk. One
compile is a fraction of a millisecond and moves with the scheduler, so the
figure is the median of ROUNDS rounds, each timing 11 compiles (their median)
and then the recipients; the ratio reported is the median of the rounds'
ratios.

Runs on the database DATABASE_URL names (PostgreSQL, or SQLite under VAR_DIR
without it).

    python tests/bench/run_render.py [--quick] [--json PATH]
"""

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.bench.common import cli, emit, figure, var_dir  # noqa: E402

CHUNK = 500


def main():
    args = cli(__doc__)
    recipients = int(
        os.environ.get("BENCH_P2_RECIPIENTS", "2000" if args.quick else "10000")
    )
    rounds = int(os.environ.get("BENCH_P2_ROUNDS", "9" if args.quick else "21"))
    var_dir("bench-render")
    from tests.bench.run_sending import newsletter_page, setup_django

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

    prepared = PreparedMessage.from_edition(edition)
    languages = ["sq", "sr", "en", "tr", "mk"]
    subscribers = [
        Subscriber(
            pk=i + 1,
            email=f"r{i}@example.org",
            name=f"Reader {i}",
            language=languages[i % 5],
        )
        for i in range(recipients)
    ]
    domain = prepared.domain()

    def compile_once():
        started = time.perf_counter()
        mjml2html(source, **kwargs)
        return time.perf_counter() - started

    def build_all():
        size = 0
        started = time.perf_counter()
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
        return (time.perf_counter() - started) / recipients, size // recipients

    build_all()  # warm up: first chunk's imports and caches
    results = []
    for _ in range(rounds):
        baseline = statistics.median(compile_once() for _ in range(11))
        per_recipient, size = build_all()
        results.append((per_recipient / baseline, per_recipient, baseline))
    ratio, per_recipient, baseline = sorted(results)[len(results) // 2]
    spread = f"{min(r[0] for r in results):.3f}-{max(r[0] for r in results):.3f}"
    emit(
        [
            figure(
                "P2",
                "per-recipient message bytes (signed links, headers, splice) "
                "vs one mjml2html of the same newsletter",
                per_recipient * 1e6,
                "µs",
                baseline * 1e6,
                "µs",
                ratio=ratio,
                target="<= 0.10",
                notes=(
                    f"median of {rounds} rounds (ratios {spread}); each round: "
                    f"median of 11 compiles, then {recipients:,} recipients, "
                    f"links prepared per chunk of {CHUNK}; {size:,} bytes a "
                    "message"
                ),
            )
        ],
        args,
    )


if __name__ == "__main__":
    main()

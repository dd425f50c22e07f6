# ruff: noqa: T201  (a command-line benchmark prints its figures)
"""P8: importing a 100,000-row CSV of subscribers (the worker's job:
decoding, validation, duplicates, suppressions, subscriptions and consent
events, committed chunk by chunk), rows/s, against a bare baseline run
alongside on the same database: `csv.reader` over the same file and one
`bulk_create` of the same addresses as subscribers, with no checks at all.

The figure was an assertion in the test suite (100,000 rows in under 180 s);
the suite now checks that every row is accounted for, and speed is measured
here. No target is set yet: the figure is what this machine does.

    DATABASE_URL=postgres://... REDIS_URL=redis://... \
        python tests/bench/run_import.py [--quick] [--json PATH]

BENCH_P8_ROWS sets the rows (100,000; 20,000 with --quick).
"""

import csv
import io
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.bench.common import cli, emit, figure  # noqa: E402

ROWS = int(
    os.environ.get("BENCH_P8_ROWS", "20000" if "--quick" in sys.argv else "100000")
)


def content(rows):
    """Rows like an officer's export: one in a thousand broken, one in a
    thousand a duplicate, names with Albanian letters."""
    lines = ["email,name,language"]
    for n in range(rows):
        if n % 1000 == 999:
            lines.append(f"broken-{n},Name {n},sq")
        elif n % 1000 == 998:
            lines.append(f"person{n - 1}@example.org,Dup {n},sq")
        else:
            lines.append(f"Person{n}@Example.org,Emër Mbiemër {n},sq")
    return ("\n".join(lines) + "\n").encode()


def main():
    args = cli(__doc__)
    from tests.bench.run_sending import newsletter_page, setup_django

    setup_django()
    from django.core.files.base import ContentFile

    from newsletters.audience import imports
    from newsletters.audience.models import ImportJob, MailingList, Subscriber

    _page, country = newsletter_page()
    data = content(ROWS)
    stamp = int(time.time())

    mailing_list = MailingList.objects.create(
        name=f"Import benchmark {stamp}",
        country=country,
        languages=["sq"],
        default_language="sq",
    )
    job = ImportJob.objects.create(
        mailing_list=mailing_list,
        file_name="people.csv",
        encoding="utf-8",
        delimiter=",",
        header=["email", "name", "language"],
        mapping={"email": 0, "name": 1, "language": 2},
        consent_note="Signed up at the benchmark fair",
        state=ImportJob.State.QUEUED,
    )
    job.file.save("people.csv", ContentFile(data))
    started = time.perf_counter()
    imports.run(job.pk)
    import_seconds = time.perf_counter() - started
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error
    assert job.imported == ROWS - 2 * (ROWS // 1000), job.imported

    started = time.perf_counter()
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    next(reader)
    Subscriber.objects.bulk_create(
        (
            Subscriber(email=f"b{stamp}-{i}-{row[0].lower()}", name=row[1])
            for i, row in enumerate(reader)
        ),
        batch_size=2000,
    )
    baseline_seconds = time.perf_counter() - started

    emit(
        [
            figure(
                "P8",
                "CSV import of subscribers (the worker's job) vs `csv.reader` "
                "and one `bulk_create`",
                ROWS / import_seconds,
                "rows/s",
                ROWS / baseline_seconds,
                "rows/s",
                notes=(
                    f"{ROWS:,} rows: import {import_seconds:.1f} s, baseline "
                    f"{baseline_seconds:.1f} s; no target yet"
                ),
            )
        ],
        args,
    )


if __name__ == "__main__":
    main()

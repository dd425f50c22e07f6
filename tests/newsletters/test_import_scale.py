"""CSV import at scale: 100,000 rows with duplicates and bad addresses, each
accounted for (its speed is a benchmark, not an assertion here).

In a module of its own, building its own programme, and transactional: the
import commits chunk by chunk as it does in production, so PostgreSQL checks
each chunk's deferred foreign keys at its commit. Inside a test transaction
those checks of 100,000 rows all ran at teardown and took minutes (9.5 in
one CI run).
"""

import pytest

from newsletters.audience.models import Subscription
from tests.newsletters.test_import import import_file, officer  # noqa: F401


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.own_programme
def test_hundred_thousand_rows_import_exactly(client, officer):  # noqa: F811
    rows = ["email,name,language"]
    for n in range(100_000):
        if n % 1000 == 999:
            rows.append(f"broken-{n},Name {n},sq")
        elif n % 1000 == 998:
            rows.append(f"person{n - 1}@example.org,Dup {n},sq")
        else:
            rows.append(f"Person{n}@Example.org,Emër Mbiemër {n},sq")
    content = ("\n".join(rows) + "\n").encode()
    job = import_file(client, officer["XK"], content)
    assert job.state == "done", job.error
    assert job.rows_total == 100_000
    assert job.imported == 99_800
    assert len(job.rejected) == 200
    assert job.rejected[0] == [1000, "duplicate of row 999"]
    assert job.rejected[1][0] == 1001
    assert job.rejected[1][1].startswith("invalid email address")
    assert Subscription.objects.filter(mailing_list=officer["XK"]).count() == 99_800

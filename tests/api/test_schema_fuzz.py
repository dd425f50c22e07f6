"""Schemathesis over the live OpenAPI schema, as ``schemathesis run`` does it:
every public operation, every check (``--checks all``), the examples,
coverage, fuzzing and stateful phases, with generated valid and invalid
input, bounded in examples. Zero failures: no server error, every status and
body as the schema documents, invalid input refused with a 4xx, valid input
accepted, undocumented methods 405.

The engine calls the WSGI application in its own worker threads, each with
its own database connection, so the test data is committed (a transactional
test) rather than held in the test's transaction.
"""

from pathlib import Path

import pytest
import schemathesis
from django.db import connections
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from cms.wsgi import application as django_application

# Checks, phases and bounds: the repository's schemathesis.toml, which the
# command line reads too.
CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"


def application(environ, start_response):
    """The site, closing each worker thread's database connections after its
    request (the threads end with the run; PostgreSQL would keep their
    sessions open until the test database is dropped)."""
    try:
        return django_application(environ, start_response)
    finally:
        connections.close_all()


def failures_of(event):
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status == Status.FAILURE:
                case = event.recorder.cases[case_id].value
                yield (
                    f"{event.phase.value} {case.method} {case.formatted_path}: "
                    f"{check.name}: {check.failure_info.failure.title} "
                    f"{check.failure_info.failure.message}\n"
                    f"{check.failure_info.code_sample}"
                )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_finds_nothing_over_the_public_api(programme, settings):
    settings.API_RATE_LIMIT = 0  # the fuzzer is one address sending thousands
    config = SchemathesisConfig.from_path(CONFIG)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v3/openapi.json", application, config=config
    )
    operations = {
        f"{method.upper()} {path}"
        for path, methods in schema.raw_schema["paths"].items()
        for method in methods
    }
    found, errors, phases, fuzzed = [], [], set(), set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            phases.add(event.phase.value)
            found.extend(failures_of(event))
            if event.phase.value == "fuzzing" and event.status != Status.SKIP:
                fuzzed.add(event.recorder.label)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "info", None) or event))
    assert not errors, "\n\n".join(errors)
    assert not found, "\n\n".join(sorted(set(found)))
    assert {"examples", "coverage", "fuzzing", "stateful"} <= phases, phases
    assert len(operations) >= 20
    assert fuzzed == operations, operations ^ fuzzed

"""Schemathesis against the live OpenAPI schema: every public endpoint, with
generated valid and invalid input, never answers with a server error, and
its successful responses conform to the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from cms.wsgi import application

# The project's public endpoints; Wagtail's own authenticated write API is
# Wagtail's to test.
PUBLIC = (
    r"^/api/v3/(news|events|organisations|countries|topics|locales|search"
    r"|preview|submissions|newsletter)"
)

schema = schemathesis.openapi.from_wsgi("/api/v3/openapi.json", application).include(
    path_regex=PUBLIC
)


@pytest.fixture
def keep_db_connection():
    """Calling the WSGI app directly would close the test's database
    connection at the end of each request; Django's test client avoids that
    the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_public_api_never_fails_and_matches_its_schema(
    case, programme, keep_db_connection
):
    response = case.call()
    case.validate_response(
        response, checks=[not_a_server_error, response_schema_conformance]
    )

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation
from pytest_django.plugin import blocking_manager_key
from wagtail.models import Locale

from news.models import Country, CountryTeam, Organisation
from news.structure import ensure_sections
from news.teams import ensure_country_teams, team_name

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
COUNTRIES = {
    "XK": ("Kosovo", ["sq", "sr", "en"]),
    "RS": ("Serbia", ["sr", "sr-latn", "en"]),
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    return settings.MEDIA_ROOT


def skip_unless_ci(reason):
    """Skip outside CI, saying why; under CI the test must run (and may fail)."""
    if IN_CI:
        return
    sys.stderr.write(f"SKIPPED outside CI: {reason}\n")
    pytest.skip(f"outside CI: {reason}")


def celery_worker_argv(concurrency=1, queues="default,sending,mail", *extra):
    """The command line of a test's Celery worker process."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cms",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        f"--queues={queues}",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        *extra,
    ]


def start_process(argv, env, log_path, *, mode="ab", new_session=False):
    """A process a test starts from the repository, its output in
    ``log_path`` (kept for CI artifacts). ``new_session``: its own process
    group, so that a signal to the group reaches its children too."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, mode)  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        argv,
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    process.log = log
    return process


def stop_process(process, timeout=20, *, group=False):
    """SIGTERM (to the process group with ``group``), SIGKILL after
    ``timeout`` seconds; then its log is closed."""
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    if process.poll() is None:
        send(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            send(signal.SIGKILL)
            process.wait(timeout=10)
    process.log.close()


@pytest.fixture
def celery_worker_process(settings):
    """A real `celery worker` process on the configured broker, stopped after.

    Its output goes to var/test/worker.log (kept for CI artifacts).
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": test_database_url(),
    }
    process = start_process(celery_worker_argv(), env, settings.VAR_DIR / "worker.log")
    try:
        yield process
    finally:
        stop_process(process)


def test_database_url():
    """The URL of the database this test run uses, for processes it starts.

    Their settings would otherwise name the development database, not the
    test one that pytest-django created.
    """
    from django.db import connection

    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = quote(conf["USER"] or "", safe="")
    password = quote(conf["PASSWORD"] or "", safe="")
    return (
        f"postgres://{user}:{password}@{conf['HOST'] or '127.0.0.1'}:"
        f"{conf['PORT'] or 5432}/{conf['NAME']}"
    )


def wait_until(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: Django's LocaleMiddleware
    leaves the language of the last test-client request active in the thread,
    which would otherwise carry over into the next test."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def clear_rate_limits():
    """Empty the rate-limit store (its own Redis database, never the broker's)."""
    caches["ratelimit"].clear()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters and the cache are shared; each test starts empty."""
    cache.clear()
    clear_rate_limits()
    yield
    cache.clear()
    clear_rate_limits()


def _build_programme():
    """Kosovo and Serbia with sections in every locale, teams and workflows."""
    en = Locale.objects.get(language_code="en")
    countries = {
        iso: Country.objects.create(
            iso_code=iso, name=name, languages=languages, locale=en
        )
        for iso, (name, languages) in COUNTRIES.items()
    }
    ensure_sections()
    ensure_country_teams()
    organisations = {
        "KCSF": Organisation.objects.create(
            name="Kosovar Civil Society Foundation",
            kind=Organisation.Kind.RESOURCE_CENTRE,
            country=countries["XK"],
            verified=True,
            locale=en,
        ),
        "CI": Organisation.objects.create(
            name="Civic Initiatives",
            kind=Organisation.Kind.RESOURCE_CENTRE,
            country=countries["RS"],
            verified=True,
            locale=en,
        ),
    }
    return {"countries": countries, "organisations": organisations}


def _transactional(item):
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in item.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, the database as migrations left it.

    Such a test ends by emptying the database (pytest-django's flush), so
    pytest-django runs them after every other database test. Under xdist a
    process runs whole files in the order it is handed them, so an ordinary
    test may come next: the rows serialised when the test database was made
    are loaded back (after one more flush, in case a test without serialised
    rollback let post_migrate recreate a part).
    """
    result = yield
    rows = getattr(connection, "_test_serialized_contents", None)
    # After the last test the test database is gone (nextitem is None).
    if rows is not None and nextitem is not None and _transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            call_command(
                "flush",
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,  # the rows come back with their own ids
                verbosity=0,
            )
            connection.creation.deserialize_db_from_string(rows)
    return result


def pytest_collection_modifyitems(items):
    """Tests that use the programme in a rolled-back transaction share one
    build per module (see _shared_programme); it is set up first, before the
    test's own transaction opens inside it."""
    for item in items:
        if item.get_closest_marker("own_programme"):
            continue
        if "programme" in item.fixturenames and not _transactional(item):
            item.fixturenames.insert(0, "_shared_programme")


def shared_in_module(build, *requires):
    """A module-scoped fixture: ``build(*values of requires)`` runs once per
    test module inside an outer transaction, rolled back after the module.
    ``requires`` names module-scoped fixtures built first (e.g.
    "_shared_programme"), whose transactions this one nests in.

    Each test's own transaction (pytest-django's ``db``) is then a savepoint
    inside it and rolls back to the built data, as Django's
    TestCase.setUpTestData does. Tests that use it must not be transactional.
    """

    @pytest.fixture(scope="module")
    def fixture(request, django_db_setup, django_db_blocker):
        values = [request.getfixturevalue(name) for name in requires]
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                built = build(*values)
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        try:
            yield built
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    return fixture


def snapshot(build):
    """A session-scoped fixture: the database as ``build()`` leaves it, as
    serialised rows, built once per test process in a transaction that is
    rolled back (the database is left as it was). ``load_rows`` puts them
    back, typically in a ``shared_in_module`` fixture.

    Building the programme costs ~100 page publishes and translations (~15 s
    on the CI machine); loading its rows back costs a tenth of that.
    """

    @pytest.fixture(scope="session")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            build()
            rows = connection.creation.serialize_db_to_string()
            transaction.set_rollback(True)
        return rows

    return fixture


def load_rows(rows):
    """Rows from a ``snapshot`` back into this database."""
    connection.creation.deserialize_db_from_string(rows)


_programme_snapshot = snapshot(_build_programme)


def _restore_programme(rows):
    """Load the programme's rows (as the session built them) into this
    database and return its countries and organisations."""
    load_rows(rows)
    return {
        "countries": {iso: Country.objects.get(iso_code=iso) for iso in COUNTRIES},
        "organisations": {
            "KCSF": Organisation.objects.get(name="Kosovar Civil Society Foundation"),
            "CI": Organisation.objects.get(name="Civic Initiatives"),
        },
    }


# The programme loaded once per module.
_shared_programme = shared_in_module(_restore_programme, "_programme_snapshot")


@pytest.fixture
def programme(request, db):
    """Kosovo and Serbia with sections in every locale, teams and workflows:
    shared per module for ordinary tests, built afresh for transactional ones
    (whose data must be committed for worker processes to see it)."""
    if "_shared_programme" in request.fixturenames:
        return request.getfixturevalue("_shared_programme")
    return _restore_programme(request.getfixturevalue("_programme_snapshot"))


@pytest.fixture
def team_user(django_user_model, programme):
    """Make a user in a country's team: team_user("XK", "moderator")."""

    def make(iso, role, username=None):
        country = programme["countries"][iso]
        user = django_user_model.objects.create_user(
            username=username or f"{iso.lower()}-{role}",
            email=f"{iso.lower()}-{role}@example.org",
            password="pw",  # noqa: S106
        )
        user.groups.add(Group.objects.get(name=team_name(country, role)))
        assert CountryTeam.objects.filter(group__user=user).exists()
        return user

    return make


def assert_permission_denied(response):
    """Wagtail's refusal of a signed-in user: back to the dashboard with its
    "no permission" message (not a login redirect, which would mean the
    request was not signed in at all)."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/admin/", response["Location"]
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("do not have permission" in m for m in messages), messages

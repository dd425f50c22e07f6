"""A feed's status in the officer's language: every refusal is stored as a
code and its parameters and put into words when someone reads it, in the
reader's language; each poll counts the entries it imported and those it
could not, apart."""

import ast
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real
from wagtail.users.models import UserProfile

import news.feeds
from news.feeds import errors, polling
from news.models import FeedState
from tests.news.feeds.support import GOOD_FEED, organisation, state_of

pytestmark = pytest.mark.django_db

LOOPBACK_PARAMS = {
    "host": "127.0.0.1",
    "address": "127.0.0.1",
    "kind": {"code": "loopback_address", "params": {}},
}
REFUSED = (
    "Refused: %(host)s points to %(kind)s (%(address)s), not a public internet address."
)
LOOPBACK = "a loopback address"
# What a translator would write; the catalogues are another helper's, so the
# tests add these to the loaded catalogue for their duration.
TRANSLATED = {
    "sq": (
        "Refuzuar: %(host)s të çon te %(kind)s (%(address)s), jo një adresë "
        "publike interneti.",
        "një adresë loopback",
    ),
    "sr": (
        "Одбијено: %(host)s води на %(kind)s (%(address)s), не на јавну "
        "интернет адресу.",
        "адресу повратне петље",
    ),
}


def in_words(language, host="127.0.0.1", address="127.0.0.1"):
    sentence, kind = TRANSLATED[language]
    return sentence % {"host": host, "kind": kind, "address": address}


@pytest.fixture
def catalogue():
    """``add(language, msgid, text)`` puts a translation in the catalogue
    gettext reads, taken out again after the test."""
    added = []

    def add(language, msgid, text):
        catalog = trans_real.translation(language)._catalog
        catalog[msgid] = text
        added.append((catalog, msgid))

    yield add
    for catalog, msgid in added:
        for layer in catalog._catalogs:
            layer.pop(msgid, None)


@pytest.fixture
def translated(catalogue):
    for language, (sentence, kind) in TRANSLATED.items():
        catalogue(language, REFUSED, sentence)
        catalogue(language, LOOPBACK, kind)


@pytest.fixture
def refused(world, feed_server, settings):
    """An organisation whose feed the SSRF guard refused (a loopback host)."""
    settings.NEWS_FEED_ALLOWED_NETWORKS = []
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))
    polling.poll_organisation(org.pk)
    return state_of(org)


def officer(django_user_model, language):
    user = django_user_model.objects.create_superuser(
        f"officer-{language}", f"{language}@example.org", "x"
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def test_a_refusal_is_stored_as_a_code_and_its_parameters(refused):
    assert refused.last_error == ""
    assert refused.last_error_code == "address_refused"
    assert refused.last_error_params == LOOPBACK_PARAMS
    assert refused.error_message == (
        "Refused: 127.0.0.1 points to a loopback address (127.0.0.1), not a "
        "public internet address."
    )


@pytest.mark.parametrize("language", ["sq", "sr"])
def test_the_status_is_put_into_words_in_the_readers_language(translated, language):
    state = FeedState(
        last_error_code="address_refused", last_error_params=LOOPBACK_PARAMS
    )

    with translation.override(language):
        assert state.error_message == in_words(language)
    with translation.override("en"):
        assert state.error_message.startswith("Refused: 127.0.0.1 points to a ")


@pytest.mark.parametrize("language", ["sq", "sr"])
def test_admin_feed_status_is_in_the_officers_language(
    translated, refused, client, django_user_model, language
):
    client.force_login(officer(django_user_model, language))

    listing = client.get("/admin/snippets/news/feedstate/").content.decode()
    inspect = client.get(
        f"/admin/snippets/news/feedstate/inspect/{refused.pk}/"
    ).content.decode()
    tested = client.get(f"/admin/snippets/news/feedstate/test/{refused.pk}/")

    assert tested.status_code == 200
    for page in (listing, inspect, tested.content.decode()):
        assert in_words(language) in page
        assert "Refused:" not in page and LOOPBACK not in page


def test_check_feed_prints_the_reason_in_english_with_its_code(
    translated, feed_server, settings
):
    settings.NEWS_FEED_ALLOWED_NETWORKS = []
    url = feed_server.serve("/feed", GOOD_FEED)
    out = io.StringIO()

    with translation.override("sq"):
        call_command("check_feed", url, stdout=out)

    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["code"] == "address_refused"
    assert report["params"] == LOOPBACK_PARAMS
    assert report["error"] == (
        "Refused: 127.0.0.1 points to a loopback address (127.0.0.1), not a "
        "public internet address."
    )


def test_a_status_recorded_as_text_before_codes_stays_readable():
    old = FeedState(last_error="The server answered HTTP 500.")

    assert old.error_message == "The server answered HTTP 500."


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("a_code_since_removed", {}),
        ("http_status", {}),
        ("entries_not_imported", {"count": "many", "first": "x"}),
        ("address_refused", {"host": "h", "address": "a", "kind": {"code": 3}}),
        ("address_refused", ["not", "a", "mapping"]),
    ],
)
def test_a_status_that_no_longer_fits_its_message_still_reads(code, params):
    state = FeedState(last_error_code=code, last_error_params=params)

    message = state.error_message

    assert message and "%(" not in message


FEED_MODULES = sorted(Path(news.feeds.__file__).parent.glob("*.py"))


def _message_calls():
    """Every FeedError(...) and message(...) call in news/feeds, with its
    module, line, first argument and keyword names."""
    for path in FEED_MODULES:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("FeedError", "message"):
                yield path.name, node.lineno, node.args, node.keywords


class _Named(dict):
    """The parameters a message asks for."""

    def __init__(self, params):
        super().__init__(params)
        self.asked = set()

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)


def test_every_feed_error_has_a_code_whose_message_takes_its_parameters():
    calls = list(_message_calls())
    assert len(calls) > 20  # fetching, parsing, checking and polling raise them
    for module, line, args, keywords in calls:
        where = f"{module}:{line}"
        assert len(args) == 1 and isinstance(args[0], ast.Constant), where
        code = args[0].value
        assert code in errors.MESSAGES, where
        params = {keyword.arg: "x" for keyword in keywords}
        if code == "entries_not_imported":
            params["count"] = 2
        words = errors.render(code, params)
        assert "%(" not in words and words != errors.render("?", {}), where
        # Every parameter the message names is given, and none it does not.
        named = _Named(params)
        errors.MESSAGES[code] % named
        assert named.asked == set(params), where


def test_no_sentence_is_raised_or_stored_without_a_code():
    for path in FEED_MODULES:
        text = path.read_text()
        assert not re.search(r"\.last_error = (?!\"\")", text), path.name


# Counts: imported and problem entries of each poll, apart


def test_each_poll_counts_the_entries_it_imported_and_those_it_could_not(
    world, feed_server, monkeypatch
):
    real = polling.create_draft_news

    def fussy(**kwargs):
        if kwargs["title"] == "Youth council meets":
            raise ValueError("no")
        return real(**kwargs)

    monkeypatch.setattr(polling, "create_draft_news", fussy)
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))

    polling.poll_organisation(org.pk)

    state = state_of(org)
    assert (state.last_imported, state.last_problems) == (1, 1)
    assert state.items_imported == 1
    assert state.last_error == ""
    assert state.last_error_code == "entries_not_imported"
    assert state.error_message == (
        "1 entry could not be imported: “Youth council meets” (ValueError)"
    )

    monkeypatch.setattr(polling, "create_draft_news", real)
    polling.poll_organisation(org.pk)

    state = state_of(org)
    assert (state.last_imported, state.last_problems) == (1, 0)
    assert state.items_imported == 2


def test_an_entry_without_id_link_or_title_is_counted_as_a_problem(world, feed_server):
    body = b"<rss><channel><item><title>x</channel></rss>"
    org = organisation(world, "AL", feed_server.serve("/feed", body))

    polling.poll_organisation(org.pk)

    state = state_of(org)
    assert (state.last_imported, state.last_problems) == (0, 1)
    assert state.error_message == (
        "1 entry could not be imported: an entry without id, link or title"
    )


def test_admin_feed_status_shows_both_counts(world, feed_server, admin_client):
    org = organisation(world, "AL", feed_server.serve("/feed", GOOD_FEED))
    FeedState.objects.create(organisation=org, last_imported=7, last_problems=3)
    state = state_of(org)

    listing = admin_client.get("/admin/snippets/news/feedstate/").content.decode()
    inspect = admin_client.get(
        f"/admin/snippets/news/feedstate/inspect/{state.pk}/"
    ).content.decode()

    for page in (listing, inspect):
        assert "Imported by the last poll" in page
        assert "Problems in the last poll" in page
    cells = re.findall(r"<td[^>]*>\s*(\d+)\s*</td>", listing)
    assert "7" in cells and "3" in cells
    assert re.search(r"Imported by the last poll\s*</dt>\s*<dd[^>]*>\s*7\b", inspect)
    assert re.search(r"Problems in the last poll\s*</dt>\s*<dd[^>]*>\s*3\b", inspect)

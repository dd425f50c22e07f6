"""One fallback chain per locale, one setting, and one resolver
(home.locales.best_language) that the API, newsletter rendering and campaign
preparation share."""

import pytest
from django.conf import settings
from django.test import override_settings

from home.conf import app_settings
from home.locales import best_language, fallback_chain

CHAINS = {
    "en": ["en"],
    "sq": ["sq", "en"],
    "bs": ["bs", "sr-latn", "en"],
    "mk": ["mk", "en"],
    "cnr": ["cnr", "sr-latn", "sr", "en"],
    "sr": ["sr", "sr-latn", "en"],
    "sr-latn": ["sr-latn", "sr", "en"],
    "tr": ["tr", "en"],
}
UNKNOWN = ["klingon", "xx", "EN", "sr_Latn", "", None]


def test_every_content_language_has_a_chain():
    assert set(CHAINS) == {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}


@pytest.mark.parametrize(("code", "chain"), CHAINS.items())
def test_fallback_chain_comes_from_one_setting(code, chain):
    assert fallback_chain(code) == chain


@pytest.mark.parametrize(("code", "chain"), CHAINS.items())
def test_each_step_of_the_chain_is_served_in_order(code, chain):
    """With the languages from step i of the chain onwards (and every
    language off the chain) available, step i is served."""
    off_chain = set(CHAINS) - set(chain)
    for position, expected in enumerate(chain):
        available = {*chain[position:], *off_chain}
        assert best_language(code, available, "sq") == expected


@pytest.mark.parametrize(("code", "chain"), CHAINS.items())
def test_past_the_end_of_the_chain_the_last_resort_is_returned(code, chain):
    off_chain = set(CHAINS) - set(chain)
    assert best_language(code, off_chain) is None
    assert best_language(code, off_chain, "mk") == "mk"
    # Returned as given: the caller knows whether it exists.
    assert best_language(code, set(), "mk") == "mk"


@pytest.mark.parametrize("code", UNKNOWN)
def test_an_unknown_code_gets_the_default_language_chain(code):
    assert fallback_chain(code) == ["en"]
    assert best_language(code, {"en", "sq"}, "sq") == "en"
    assert best_language(code, {"sq", "tr"}, "sq") == "sq"
    assert best_language(code, {"sq", "tr"}) is None


def test_available_may_be_a_dict_keyed_by_code():
    pages = {"sr": "Вести", "en": "News"}
    assert best_language("cnr", pages) == "sr"
    assert best_language("cnr", pages.keys()) == "sr"


def test_the_api_answers_nothing_past_the_chain():
    """The API passes no last resort: an Albanian-only item is no answer for
    a Turkish reader, as the chain it lists for tr (tr, en) says."""
    assert best_language("tr", {"sq": 1}) is None


def test_campaign_preparation_ends_with_the_source_language():
    assert best_language("tr", {"sq", "mk"}, "mk") == "mk"
    # The source edition is always rendered, so it is trusted unseen.
    assert best_language("tr", {}, "mk") == "mk"


def test_no_guess_by_row_order_or_alphabet():
    """Rendering used to end with whichever translation the database
    returned first, the translation helpers with the alphabetically first:
    the answer is now the same whatever the order, and is the last resort."""
    for available in ({"sq": 1, "bs": 2}, {"bs": 2, "sq": 1}):
        assert best_language("tr", available) is None
        assert best_language("tr", available, "sq") == "sq"


def test_the_readers_own_language_comes_first():
    for code in CHAINS:
        assert best_language(code, set(CHAINS), "en") == code


def test_the_chain_follows_the_setting_when_changed():
    fallbacks = {**app_settings.LANGUAGE_FALLBACKS, "mk": ["sr", "en"]}
    with override_settings(LANGUAGE_FALLBACKS=fallbacks):
        assert fallback_chain("mk") == ["mk", "sr", "en"]
        assert best_language("mk", {"sr", "en"}) == "sr"
    assert best_language("mk", {"sr", "en"}) == "en"


def test_a_fallback_outside_the_content_languages_is_skipped():
    fallbacks = {**app_settings.LANGUAGE_FALLBACKS, "tr": ["de", "en"]}
    with override_settings(LANGUAGE_FALLBACKS=fallbacks):
        assert fallback_chain("tr") == ["tr", "en"]
        assert best_language("tr", {"de"}) is None

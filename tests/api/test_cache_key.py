"""The response cache never serves one client's language to another: the
key holds the language the answer is written in (Accept-Language or the
language cookie), as LocaleMiddleware picks it."""

import pytest

pytestmark = pytest.mark.django_db


def names(response):
    return {item["code"]: item["name"] for item in response.json()}


def test_locales_in_english_after_a_serbian_request(client, settings):
    # Language names as the project's catalogues give them: capitalised, as
    # menu items (locale/*/django.po), not Django's own lower-case ones.
    settings.API_CACHE_SECONDS = 600
    serbian = client.get("/api/v3/locales/", HTTP_ACCEPT_LANGUAGE="sr")
    assert names(serbian)["en"] == "Енглески"
    english = client.get("/api/v3/locales/", HTTP_ACCEPT_LANGUAGE="en")
    assert names(english)["en"] == "English"
    assert english["Content-Language"] == "en"
    assert names(client.get("/api/v3/locales/", HTTP_ACCEPT_LANGUAGE="sr")) == names(
        serbian
    )


def test_the_language_cookie_counts_like_the_header(client, settings):
    settings.API_CACHE_SECONDS = 600
    client.get("/api/v3/locales/", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sr"
    assert names(client.get("/api/v3/locales/"))["en"] == "Енглески"

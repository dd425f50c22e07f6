"""Eight content languages, each with a locale and a home page; Montenegrin works."""

import pytest
from django.utils.translation import get_language_info
from wagtail.models import Locale, Site

from home.models import HomePage

pytestmark = pytest.mark.django_db

CONTENT_LANGUAGES = ["en", "sq", "bs", "mk", "cnr", "sr", "sr-latn", "tr"]


def test_every_content_language_has_a_locale_and_a_live_home_page():
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == sorted(
        CONTENT_LANGUAGES
    )
    for code in CONTENT_LANGUAGES:
        home = HomePage.objects.get(locale__language_code=code)
        assert home.live
        assert home.url == f"/{code}/"
    source = HomePage.objects.get(locale__language_code="en")
    assert {p.translation_key for p in HomePage.objects.all()} == {
        source.translation_key
    }
    assert Site.objects.get(is_default_site=True).root_page_id == source.pk


def test_montenegrin_is_a_registered_latin_language():
    info = get_language_info("cnr")
    assert info["name"] == "Montenegrin"
    assert info["name_local"] == "crnogorski"
    assert info["bidi"] is False
    # Latin script: its names and home page carry no Cyrillic letters.
    home = HomePage.objects.get(locale__language_code="cnr")
    assert not any("\u0400" <= ch <= "\u04ff" for ch in info["name_local"] + home.title)


def test_montenegrin_interface_strings_are_translated():
    from django.utils import translation

    with translation.override("cnr"):
        assert translation.gettext("Serbian (Latin)") == "Srpski (latinica)"
        assert translation.get_language() == "cnr"


def test_cnr_page_is_served_under_its_prefix_in_its_language(client):
    response = client.get("/cnr/")
    assert response.status_code == 200
    assert response["Content-Language"] == "cnr"
    assert response.context["page"].locale.language_code == "cnr"
    assert '<html lang="cnr">' in response.content.decode()


def test_serbian_cyrillic_and_latin_are_distinct_prefixes(client):
    cyrillic = client.get("/sr/")
    latin = client.get("/sr-latn/")
    assert cyrillic.context["page"].title == "Програм за цивилно друштво"
    assert latin.context["page"].title == "Program za civilno društvo"


def test_admin_shows_montenegrin_by_name(admin_client):
    response = admin_client.get("/admin/locales/")
    assert response.status_code == 200
    assert "Montenegrin" in response.content.decode()


def test_unknown_prefix_is_a_404_not_an_error(client):
    response = client.get("/xx/", follow=True)
    assert response.status_code == 404
    assert response.redirect_chain == [("/en/xx/", 302)]

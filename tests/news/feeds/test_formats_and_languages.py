"""Feeds in every format, encoding and programme language become drafts
under review, in the right content language."""

import datetime

import pytest

from news.feeds import parsing, polling
from news.models import NewsPage
from news.tasks import poll_feed
from tests.news.feeds.support import (
    GOOD_FEED,
    body_html,
    organisation,
    sample,
    state_of,
)

pytestmark = pytest.mark.django_db


def test_rss2_items_in_serbian_cyrillic_become_drafts_under_review(world, feed_server):
    url = feed_server.serve("/feed", sample("rss2_serbian.xml"))
    org = organisation(world, "RS", url)

    result = poll_feed.apply(args=[org.pk]).get()

    assert result == {
        "organisation": org.pk,
        "status": "imported",
        "imported": 2,
        "error": "",
    }
    page = NewsPage.objects.get(
        source_url="https://gradjanske.example.org/vesti/platforma-nis"
    )
    assert page.title == "Удружења грађана у Нишу покрећу заједничку платформу"
    assert page.lead == "Тридесет организација из Ниша договорило је заједнички наступ."
    assert "<b>Ниша</b>" in body_html(page)
    assert "Ђорђе Јовановић: „Шта год да се деси, настављамо.“" in body_html(page)
    assert page.locale.language_code == "sr"
    assert (
        page.get_parent().specific.country.translation_key
        == world["RS"].translation_key
    )
    assert page.country.iso_code == "RS"
    assert page.date == datetime.date(2026, 11, 1)
    assert page.provenance == NewsPage.Provenance.FEED
    assert page.organisation == org
    assert not page.live
    assert page.workflow_in_progress
    state = state_of(org)
    assert state.items_imported == 2
    assert state.last_success_at is not None
    assert state.consecutive_failures == 0
    assert state.last_error == ""


def test_atom_entries_in_turkish_keep_every_letter(world, feed_server):
    url = feed_server.serve("/atom", sample("atom_turkish.xml"))
    org = organisation(world, "TR", url)

    polling.poll_organisation(org.pk)

    first = NewsPage.objects.get(title__startswith="İzmir")
    assert first.title == "İzmir'de gönüllülük buluşması: ılık bir sonbahar günü"
    assert first.lead == "Ağ üyeleri İzmir'de buluştu; şeffaflık ve katılım konuşuldu."
    assert "Iğdır, Muş ve Şırnak'tan" in body_html(first)
    assert first.locale.language_code == "tr"
    # A relative link is taken relative to the feed.
    assert first.source_url == feed_server.url("/haberler/izmir-gonulluluk")
    assert first.date == datetime.date(2026, 11, 2)
    second = NewsPage.objects.get(source_url__endswith="/dijital-guvenlik")
    assert second.title == "Derneklere dijital güvenlik eğitimi"
    assert "<b>üç gün</b>" in body_html(second)
    assert second.workflow_in_progress and not second.live


def test_rss1_items_in_albanian_keep_every_letter(world, feed_server):
    url = feed_server.serve("/rdf", sample("rss1_albanian.xml"))
    org = organisation(world, "AL", url)

    polling.poll_organisation(org.pk)

    page = NewsPage.objects.get(organisation=org)
    assert page.title == "Forumi i shoqërisë civile në Korçë çel dyert"
    assert "çështjet e rinisë" in page.lead
    assert page.locale.language_code == "sq"
    assert page.source_url == "https://partnere.example.al/lajme/forum-korce"
    assert page.date == datetime.date(2026, 10, 15)
    assert page.workflow_in_progress and not page.live


def test_feed_in_a_legacy_encoding_is_decoded(world, feed_server):
    text = (
        '<?xml version="1.0" encoding="windows-1250"?><rss version="2.0"><channel>'
        "<language>bs-BA</language><item><guid>bs-1</guid>"
        "<title>Čačak, Šabac, Žabalj i Đakovica: ćevapi za volontere</title>"
        "<description>Uključeno 40 udruženja.</description></item></channel></rss>"
    )
    url = feed_server.serve("/cp1250", text.encode("cp1250"))
    org = organisation(world, "RS", url)

    polling.poll_organisation(org.pk)

    page = NewsPage.objects.get(organisation=org)
    assert page.title == "Čačak, Šabac, Žabalj i Đakovica: ćevapi za volontere"
    assert page.locale.language_code == "bs"


@pytest.mark.parametrize(
    ("declared", "text", "fallback", "expected"),
    [
        ("sr-Latn", "", "", "sr-latn"),
        ("sr-Latn-RS", "", "", "sr-latn"),
        ("sr-Cyrl-BA", "", "", "sr"),
        ("sr-RS", "Удружења грађана", "", "sr"),
        ("sr-RS", "Udruženja građana", "", "sr-latn"),
        ("tr-TR", "", "", "tr"),
        ("en-US", "", "tr", "en"),
        ("sq_AL", "", "", "sq"),
        ("MK-mk", "", "", "mk"),
        ("cnr", "", "", "cnr"),
        ("bs", "", "", "bs"),
        ("de-DE", "", "tr", "tr"),
        ("", "", "sq", "sq"),
        ("", "", "", "en"),
        ("xx", "", "nonsense", "en"),
    ],
)
def test_declared_language_maps_to_a_content_language(
    declared, text, fallback, expected
):
    assert parsing.content_language(declared, text, fallback) == expected


def test_feed_without_a_language_is_filed_in_the_countrys_main_language(
    world, feed_server
):
    feed = GOOD_FEED.replace(b"<language>en</language>", b"")
    org = organisation(world, "TR", feed_server.serve("/nolang", feed))

    polling.poll_organisation(org.pk)

    locales = set(
        NewsPage.objects.filter(organisation=org).values_list(
            "locale__language_code", flat=True
        )
    )
    assert locales == {"tr"}


def test_feed_in_a_language_we_do_not_publish_goes_to_the_main_language(
    world, feed_server
):
    feed = GOOD_FEED.replace(b"<language>en</language>", b"<language>de-AT</language>")
    org = organisation(world, "AL", feed_server.serve("/de", feed))

    polling.poll_organisation(org.pk)

    assert set(
        NewsPage.objects.filter(organisation=org).values_list(
            "locale__language_code", flat=True
        )
    ) == {"sq"}

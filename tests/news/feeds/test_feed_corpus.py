"""The feeds CSOs really publish, each read by feedparser with its outcome.

Each file in ``corpus/`` was written for these tests; together they cover
what broke the hand-written strict parser: old formats, charsets only in
HTTP, broken entities, relative links, dates in the programme's languages,
and the hostile ones that must stay refused.
"""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from news.feeds import errors, parsing, polling
from news.models import NewsPage
from tests.news.feeds.support import organisation
from tests.news.test_rich_text_editor_form import CONVERTER

CORPUS = Path(__file__).parent / "corpus"
FEED_URL = "https://feed.example.org/feed/"
HTTP_CHARSET = {
    "serbian_windows1251.xml": "application/rss+xml; charset=windows-1251",
    "turkish_iso8859_9.xml": "text/xml; charset=iso-8859-9",
    "utf16_no_bom.xml": "application/xml; charset=utf-16le",
}
REFUSED = {"billion_laughs.xml", "external_entity.xml", "external_entity_utf16.xml"}


def read(name, headers=None):
    if headers is None and name in HTTP_CHARSET:
        headers = {"content-type": HTTP_CHARSET[name]}
    return parsing.parse((CORPUS / name).read_bytes(), FEED_URL, headers)


def only(name, **kwargs):
    (entry,) = read(name, **kwargs).entries
    return entry


def test_wordpress_rss2_content_encoded_with_links_made_absolute():
    entry = only("wordpress_rss2.xml")
    assert entry.title == "Punëtori për të rinjtë & vullnetarët"
    assert entry.link == "https://qendra.example.al/2026/11/punetori/"
    assert entry.key == "https://qendra.example.al/?p=101"
    assert entry.published == datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
    assert 'href="https://feed.example.org/program/"' in entry.content_html
    assert 'href="https://cdn.example.al/f.pdf"' in entry.content_html


def test_blogger_atom_alternate_link_and_zoned_date():
    entry = only("blogger_atom.xml")
    assert entry.link == "https://mladi.example.ba/2026/11/volonteri.html"
    assert entry.published == datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)
    assert "Trideset volontera" in entry.content_html


@pytest.mark.parametrize(
    ("name", "title", "link"),
    [
        ("atom03.xml", "Eski CMS haberi", "https://dernek.example.tr/haber/1"),
        (
            "rss091_doctype.xml",
            "Annual report published",
            "https://old.example.org/report",
        ),
        ("rss_default_namespace.xml", "Namespaced item", "https://ns.example.org/1"),
        ("channel_less.xml", "No channel here", "https://nochannel.example.org/1"),
        (
            "whitespace_before_declaration.xml",
            "After blank lines",
            "https://ws.example.org/1",
        ),
    ],
)
def test_formats_the_strict_parser_refused_are_read(name, title, link):
    entry = only(name)
    assert (entry.title, entry.link) == (title, link)


def test_broken_entities_bare_ampersands_and_raw_markup_are_read():
    first, second = read("broken_entities.xml").entries
    assert first.title == "Fish & chips day"
    assert "Salt &amp; pepper" in first.summary_html
    assert "<b>XHTML</b>" in second.summary_html


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("serbian_windows1251.xml", "Грађани Ниша за чист ваздух"),
        ("turkish_iso8859_9.xml", "Şırnak ve Iğdır gönüllüleri buluştu"),
        ("utf16_no_bom.xml", "Çiftçiler ağı"),
        ("big5.xml", "公民社會"),
    ],
)
def test_charset_from_http_or_declaration_is_used(name, title):
    assert only(name).title == title


def test_bogus_encoding_is_read_as_utf8_without_an_exception():
    assert only("bogus_encoding.xml").title == "Declared in an encoding nobody has"


def test_xml_base_resolves_links_and_what_cannot_be_absolute_goes():
    entry = only("xml_base.xml", headers={})
    assert entry.link == "https://base.example.org/news/2026/platforma"
    assert 'href="https://base.example.org/news/2026/detali"' in entry.content_html
    assert 'href="https://base.example.org/za-nas"' in entry.content_html
    assert "javascript" not in entry.content_html


def test_content_location_is_the_base_before_the_feed_url():
    document = b"""<rss version="2.0"><channel><item><guid>c-1</guid>
    <title>t</title><link>post/1</link>
    <description>&lt;a href="about"&gt;a&lt;/a&gt;</description>
    </item></channel></rss>"""
    headers = {"content-location": "https://cdn.example.org/mirror/feed.xml"}

    (entry,) = parsing.parse(document, FEED_URL, headers).entries

    assert entry.link == "https://cdn.example.org/mirror/post/1"
    assert 'href="https://cdn.example.org/mirror/about"' in entry.summary_html


def test_relative_links_without_a_usable_base_are_dropped():
    document = b"""<rss version="2.0"><channel><item><guid>r-1</guid>
    <title>t</title><link>post/1</link>
    <description>&lt;a href="about"&gt;a&lt;/a&gt;</description>
    </item></channel></rss>"""

    (entry,) = parsing.parse(document, "", {}).entries

    assert entry.link == ""
    assert "href" not in entry.summary_html


def test_permalink_guid_is_the_source_link():
    document = b"""<rss version="2.0"><channel><item>
    <guid isPermaLink="true">https://cso.example.org/p/7</guid><title>t</title>
    </item><item><guid>not-a-url</guid><title>u</title></item></channel></rss>"""

    first, second = parsing.parse(document, FEED_URL).entries

    assert (first.key, first.link) == ("https://cso.example.org/p/7",) * 2
    assert (second.key, second.link) == (
        "not-a-url",
        "https://feed.example.org/feed/not-a-url",
    )


def test_dates_in_every_programme_language_and_out_of_range():
    dates = {e.key: e.published for e in read("dates.xml").entries}
    ten = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    assert dates["date-sq"] == ten - datetime.timedelta(hours=1)
    assert dates["date-sr"] == ten
    assert dates["date-sr-latn"] == ten
    assert dates["date-mk"] == ten
    assert dates["date-bs"] == datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC)
    assert dates["date-tr"] == ten - datetime.timedelta(hours=3)
    assert dates["date-en-named-zone"] == ten - datetime.timedelta(hours=3)
    assert abs(dates["date-far-future"] - timezone.now()) < datetime.timedelta(
        minutes=5
    )
    for unknown in ("date-too-old", "date-overflow", "date-year-9999", "date-nonsense"):
        assert dates[unknown] is None, unknown


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_dtd_subsets_and_external_entities_are_refused(name):
    with pytest.raises(errors.FeedError, match="DTD"):
        read(name)


def test_five_thousand_items_are_read():
    items = "".join(
        f"<item><guid>i-{n}</guid><title>Item {n}</title></item>" for n in range(5000)
    )
    document = f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()

    entries = parsing.parse(document, FEED_URL).entries

    assert len(entries) == 5000
    assert entries[-1].title == "Item 4999"


@pytest.mark.django_db
def test_every_corpus_feed_imports_drafts_the_editor_opens(world, admin_client):  # noqa: F811
    for name in sorted(p.name for p in CORPUS.iterdir()):
        org = organisation(world, "AL", f"https://cso.example/{name}", name)
        try:
            feed = read(name)
        except errors.FeedError:
            assert name in REFUSED
            continue
        imported, problems = polling.import_entries(org, feed)
        assert problems == [], name
        assert imported == len(feed.entries), name
        for page in NewsPage.objects.filter(organisation=org):
            for block in page.body.raw_data:
                stored = block["value"]
                assert (
                    CONVERTER.to_database_format(CONVERTER.from_database_format(stored))
                    == stored
                )
            response = admin_client.get(
                reverse("wagtailadmin_pages:edit", args=[page.pk])
            )
            assert response.status_code == 200, name

"""What the fetcher hands the parser: the response's charset and base."""

from pathlib import Path

import pytest

from news.feeds import polling
from news.models import NewsPage
from tests.news.feeds.support import assert_failed_without_import, organisation

CORPUS = Path(__file__).parent / "corpus"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content_type", "iso", "title"),
    [
        (
            "serbian_windows1251.xml",
            "application/rss+xml; charset=windows-1251",
            "RS",
            "Грађани Ниша за чист ваздух",
        ),
        (
            "turkish_iso8859_9.xml",
            "text/xml; charset=ISO-8859-9",
            "TR",
            "Şırnak ve Iğdır gönüllüleri buluştu",
        ),
    ],
)
def test_charset_only_in_http_is_used(
    world,  # noqa: F811
    feed_server,  # noqa: F811
    name,
    content_type,
    iso,
    title,
):
    url = feed_server.serve(
        "/feed", (CORPUS / name).read_bytes(), headers={"Content-Type": content_type}
    )
    org = organisation(world, iso, url)

    assert polling.poll_organisation(org.pk).imported == 1
    assert NewsPage.objects.get(organisation=org).title == title


def test_content_location_from_http_is_the_base_of_links(world, feed_server):  # noqa: F811
    document = b"""<rss version="2.0"><channel><item><guid>c-1</guid>
    <title>Moved</title><link>post/1</link>
    <description>&lt;a href="about"&gt;about us&lt;/a&gt;</description>
    </item></channel></rss>"""
    url = feed_server.serve(
        "/feed",
        document,
        headers={"Content-Location": "https://mirror.example.org/cso/feed.xml"},
    )
    org = organisation(world, "AL", url)

    polling.poll_organisation(org.pk)

    page = NewsPage.objects.get(organisation=org)
    assert page.source_url == "https://mirror.example.org/cso/post/1"
    assert 'href="https://mirror.example.org/cso/about"' in str(page.body[0].value)


def test_a_twenty_megabyte_body_is_refused_at_the_size_cap(world, feed_server):  # noqa: F811
    body = "<p>" + "Fjalë e gjatë. " * (20 * 1024 * 1024 // 15) + "</p>"
    document = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><item><guid>big</guid><title>Big</title><content:encoded>"
        f"<![CDATA[{body}]]></content:encoded></item></channel></rss>"
    ).encode()
    org = organisation(world, "AL", feed_server.serve("/feed", document))

    polling.poll_organisation(org.pk)

    assert_failed_without_import(org, "larger than the 2 MiB")

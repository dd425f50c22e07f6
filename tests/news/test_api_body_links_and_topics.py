"""Rich text in API bodies links only to what the public may see, with the
website's base URL; topics come in the requested language (fallback chain)."""

import datetime

from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.rich_text import RichText

from home.models import HomePage
from news.models import NewsPage, Topic
from tests.news.test_api import locale, news


def link(page_id, text):
    return f'<a linktype="page" id="{page_id}">{text}</a>'


def paragraph(html):
    return [("paragraph", RichText(f"<p>{html}</p>"))]


def body_html(client, page):
    response = client.get(f"/api/v3/news/{page.pk}/")
    assert response.status_code == 200
    return "".join(
        b["html"] for b in response.json()["body"] if b["type"] == "paragraph"
    )


def test_body_links_only_to_public_pages_with_the_website_base_url(
    client, programme, settings
):
    settings.BASE_URL = "https://www.example.org"
    shown = news(programme, "XK", "en", "shown", "Shown")
    draft = news(programme, "XK", "en", "draft", "Draft", publish=False)
    private = news(programme, "XK", "en", "private", "Private")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    expired = news(programme, "XK", "en", "expired", "Expired")
    NewsPage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    other_home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Other", slug="other", locale=locale("en"))
    )
    Site.objects.create(hostname="other.example", root_page=other_home)
    document = get_document_model().objects.create(title="Report", file="r.pdf")

    html = " ".join(
        [
            link(shown.pk, "public page"),
            link(draft.pk, "draft page"),
            link(private.pk, "private page"),
            link(expired.pk, "expired page"),
            link(other_home.pk, "other site"),
            link(999999, "deleted page"),
            link("99999999999999999999999", "huge id"),
            f'<a linktype="document" id="{document.pk}">report</a>',
            '<a href="https://cso.example/">outside</a>',
        ]
    )
    page = news(programme, "XK", "en", "links", "Links", body=paragraph(html))
    served = body_html(client, page)

    assert (
        '<a href="https://www.example.org/en/news/xk/shown/">public page</a>' in served
    )
    assert f'<a href="https://www.example.org{document.url}">report</a>' in served
    assert '<a href="https://cso.example/">outside</a>' in served
    for text in ("draft", "private", "expired", "other site", "deleted", "huge id"):
        assert text in served
    assert served.count("<a ") == 3
    assert "<a>" not in served
    for hidden in (draft, private, expired):
        assert hidden.slug not in served.replace(f"{hidden.slug} page", "")
    assert "/other/" not in served


def topic(name, slug, code, source=None):
    if source is None:
        return Topic.objects.create(name=name, slug=slug, locale=locale(code))
    translation = source.copy_for_translation(locale(code))
    translation.name, translation.slug = name, slug
    translation.save()
    return translation


def test_topics_come_in_the_requested_language(client, programme):
    youth = topic("Youth", "youth", "en")
    topic("Të rinjtë", "te-rinjte", "sq", source=youth)
    topic("Mladi", "mladi", "sr-latn", source=youth)
    source = news(programme, "XK", "en", "youth-camp", "Youth camp")
    source.topics.set([youth])
    source.save_revision().publish()
    albanian = source.copy_for_translation(locale("sq"))
    albanian.title = "Kampi rinor"
    albanian.save_revision().publish()
    albanian.refresh_from_db()
    assert list(albanian.topics.all()) == [youth]  # synchronised: the source's

    listing = client.get("/api/v3/news/?locale=sq").json()
    assert listing["items"][0]["topics"] == [
        {"slug": "youth", "name": "Të rinjtë", "locale": "sq"}
    ]
    detail = client.get(f"/api/v3/news/{albanian.pk}/").json()
    assert detail["topics"] == [{"slug": "youth", "name": "Të rinjtë", "locale": "sq"}]
    # Montenegrin: no page and no topic in cnr; the chain gives sr-latn.
    cnr = client.get(f"/api/v3/news/{source.pk}/?locale=cnr&fallback=true").json()
    assert cnr["topics"] == [{"slug": "youth", "name": "Mladi", "locale": "sr-latn"}]
    topics = client.get("/api/v3/topics/?locale=cnr").json()
    assert topics == [{"slug": "youth", "name": "Mladi", "locale": "sr-latn"}]
    turkish = client.get(f"/api/v3/news/{source.pk}/?locale=tr&fallback=true").json()
    assert turkish["topics"] == [{"slug": "youth", "name": "Youth", "locale": "en"}]


def test_a_translated_topic_reaches_the_stored_listing(client, programme):
    health = topic("Health", "health", "en")
    source = news(programme, "XK", "en", "clinic", "Clinic")
    source.topics.set([health])
    source.save_revision().publish()
    serbian = source.copy_for_translation(locale("sr"))
    serbian.save_revision().publish()
    first = client.get("/api/v3/news/?locale=sr&nocache=1").json()["items"][0]
    assert first["topics"][0]["locale"] == "en"
    topic("Здравље", "zdravlje", "sr", source=health)
    again = client.get("/api/v3/news/?locale=sr&nocache=2").json()["items"][0]
    assert again["topics"] == [{"slug": "health", "name": "Здравље", "locale": "sr"}]

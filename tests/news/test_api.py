"""The read API: what it shows, what it never shows, and how it caches."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction, Site

from home.models import HomePage
from news.models import NewsIndexPage, NewsPage, NewsSectionPage, Topic
from news.structure import section_for

LEAK_WORD = "Tajnarec"


def locale(code):
    return Locale.objects.get(language_code=code)


def news(programme, iso, code, slug, title=None, publish=True, **fields):
    section = section_for(programme["countries"][iso], locale(code))
    page = section.add_child(
        instance=NewsPage(
            title=title or slug,
            slug=slug,
            date=fields.pop("date", datetime.date(2026, 11, 1)),
            lead=fields.pop("lead", "Lead"),
            live=publish,
            **fields,
        )
    )
    if publish:
        page.save_revision().publish()
    return page


@pytest.fixture
def leaks(programme):
    """One page of every kind the API must never show, each titled with
    LEAK_WORD, beside one published page."""
    shown = news(programme, "XK", "en", "shown", "Shown item")
    news(programme, "XK", "en", "draft", f"{LEAK_WORD} draft", publish=False)

    changed = news(programme, "XK", "en", "changed", "Published title")
    changed.title = f"{LEAK_WORD} unpublished change"
    changed.save_revision()

    private = news(programme, "XK", "en", "private", f"{LEAK_WORD} private")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    # A whole section behind a password: its children are private too.
    serbia = section_for(programme["countries"]["RS"], locale("en"))
    PageViewRestriction.objects.create(
        page=serbia, restriction_type="password", password="x"
    )
    news(programme, "RS", "en", "child", f"{LEAK_WORD} child of private")

    expired = news(programme, "XK", "en", "expired", f"{LEAK_WORD} expired")
    NewsPage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(hours=1)
    )

    # Another site's tree.
    root = Page.get_first_root_node()
    other_home = root.add_child(
        instance=HomePage(title="Other site", slug="other", locale=locale("en"))
    )
    Site.objects.create(hostname="other.example", root_page=other_home)
    index = other_home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    section = index.add_child(
        instance=NewsSectionPage(
            title="Kosovo", slug="xk", country=programme["countries"]["XK"]
        )
    )
    other = section.add_child(
        instance=NewsPage(
            title=f"{LEAK_WORD} other site",
            slug="other",
            date=datetime.date(2026, 11, 1),
            lead="Lead",
        )
    )
    other.save_revision().publish()

    # A draft translation must not appear among the translations.
    draft_translation = shown.copy_for_translation(locale("sq"))
    draft_translation.title = f"{LEAK_WORD} draft translation"
    draft_translation.save_revision()
    return {"shown": shown, "changed": changed}


def test_leak_matrix(client, leaks):
    ids = {page.pk for page in NewsPage.objects.filter(title__startswith=LEAK_WORD)}
    ids.add(leaks["changed"].pk)  # its live version may show, its draft never
    urls = [
        "/api/v3/news/?locale=en&limit=100",
        "/api/v3/news/?locale=en&country=XK",
        "/api/v3/news/?locale=en&country=RS",
        "/api/v3/news/?locale=sq&fallback=true&limit=100",
        "/api/v3/news/?locale=en&date_from=2026-01-01&date_to=2026-12-31",
        f"/api/v3/news/{leaks['shown'].pk}/",
        f"/api/v3/news/{leaks['shown'].pk}/?locale=sq&fallback=true",
        "/api/v3/search/?q=tajnarec&locale=en",
        "/api/v3/search/?q=tajnarec&locale=sq",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert LEAK_WORD not in response.content.decode(), url
    listing = client.get("/api/v3/news/?locale=en&limit=100").json()
    titles = {item["title"] for item in listing["items"]}
    assert titles == {"Shown item", "Published title"}
    for page_id in ids - {leaks["changed"].pk}:
        assert client.get(f"/api/v3/news/{page_id}/").status_code == 404
    assert client.get(f"/api/v3/news/{leaks['changed'].pk}/").json()["title"] == (
        "Published title"
    )
    translations = client.get(f"/api/v3/news/{leaks['shown'].pk}/").json()[
        "translations"
    ]
    assert [t["locale"] for t in translations] == ["en"]


def test_no_personal_data_in_any_response(client, programme):
    from news.models import Organisation

    org = programme["organisations"]["KCSF"]
    Organisation.objects.filter(pk=org.pk).update(contact_email="secret@kcsf.example")
    news(programme, "XK", "en", "with-org", organisation=org)
    for url in (
        "/api/v3/news/?locale=en",
        "/api/v3/organisations/",
        f"/api/v3/organisations/{org.pk}/",
        "/api/v3/openapi.json",
    ):
        body = client.get(url).content.decode()
        assert "secret@kcsf.example" not in body
        assert "contact_email" not in body


def test_translations_and_fallback(client, programme):
    source = news(programme, "XK", "sq", "lajm", "Lajm nga Prizreni")
    english = source.copy_for_translation(locale("en"))
    english.title = "News from Prizren"
    english.save_revision().publish()

    detail = client.get(f"/api/v3/news/{source.pk}/").json()
    assert detail["locale"] == "sq"
    assert {t["locale"]: t["url"] for t in detail["translations"]} == {
        "en": "/en/news/xk/lajm/",
        "sq": "/sq/news/xk/lajm/",
    }
    served = client.get(f"/api/v3/news/{source.pk}/?locale=en").json()
    assert served["title"] == "News from Prizren" and served["locale"] == "en"
    assert client.get(f"/api/v3/news/{source.pk}/?locale=cnr").status_code == 404
    fallback = client.get(f"/api/v3/news/{source.pk}/?locale=cnr&fallback=true")
    assert fallback.json()["locale"] == "en"
    assert fallback.json()["requested_locale"] == "cnr"

    listing = client.get("/api/v3/news/?locale=cnr&fallback=true").json()
    assert [(i["title"], i["locale"]) for i in listing["items"]] == [
        ("News from Prizren", "en")
    ]
    assert client.get("/api/v3/news/?locale=cnr").json()["total"] == 0
    by_slug = client.get("/api/v3/news/by-slug/sq/lajm/")
    assert by_slug.json()["title"] == "Lajm nga Prizreni"


def test_body_blocks_are_typed_json(client, programme):
    from wagtail.rich_text import RichText

    target = news(programme, "XK", "en", "target", "Target")
    body = [
        (
            "paragraph",
            RichText(f'<p>See <a linktype="page" id="{target.pk}">this</a></p>'),
        ),
        ("quote", {"text": "Zajedno smo jači", "attribution": "CRNVO"}),
        ("call_to_action", {"text": "Apply", "url": "https://example.org/apply"}),
    ]
    page = news(programme, "XK", "en", "blocks", body=body)
    data = client.get(f"/api/v3/news/{page.pk}/").json()
    assert [block["type"] for block in data["body"]] == [
        "paragraph",
        "quote",
        "call_to_action",
    ]
    # Absolute on the website's base URL (BASE_URL is http://testserver here).
    assert 'href="http://testserver/en/news/xk/target/"' in data["body"][0]["html"]
    assert data["body"][1] == {
        "type": "quote",
        "text": "Zajedno smo jači",
        "attribution": "CRNVO",
    }


def count_queries(client, url):
    client.get(url)  # warm (renditions, content version)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url + "&nocache=1").status_code == 200
    return len(queries)


def test_listing_queries_do_not_grow_with_the_page_size(client, programme):
    topic = Topic.objects.create(slug="eu", name="EU", locale=locale("en"))
    for n in range(60):
        page = news(
            programme,
            "XK" if n % 2 else "RS",
            "en",
            f"item-{n}",
            organisation=programme["organisations"]["KCSF"],
        )
        page.topics.add(topic)
        page.save_revision().publish()
    five = count_queries(client, "/api/v3/news/?locale=en&limit=5")
    fifty = count_queries(client, "/api/v3/news/?locale=en&limit=50")
    assert five == fifty
    assert len(client.get("/api/v3/news/?locale=en&limit=50").json()["items"]) == 50


def test_publish_shows_on_the_next_request_and_etag_gives_304(client, programme):
    news(programme, "XK", "en", "first", "First")
    url = "/api/v3/news/?locale=en"
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert "max-age" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""

    news(programme, "XK", "en", "second", "Second")
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert [i["title"] for i in after.json()["items"]] == ["Second", "First"]

    page = NewsPage.objects.get(slug="second")
    page.unpublish()
    assert {i["title"] for i in client.get(url).json()["items"]} == {"First"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v3/news/?locale=zz", 400),
        ("/api/v3/news/?limit=0", 400),
        ("/api/v3/news/?limit=1000", 400),
        ("/api/v3/news/?date_from=yesterday", 400),
        ("/api/v3/news/?country=ZZ", 400),
        ("/api/v3/news/?organisation=abc", 400),
        ("/api/v3/events/?when=someday", 400),
        ("/api/v3/events/?event_type=party", 400),
        ("/api/v3/news/999999/", 404),
        ("/api/v3/news/by-slug/xx/anything/", 400),
        ("/api/v3/news/by-slug/en/missing/", 404),
        ("/api/v3/organisations/999999/", 404),
    ],
)
def test_bad_requests_get_json_errors(client, programme, url, status):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == status


def test_wrong_method_is_405(client, db):
    assert client.post("/api/v3/news/").status_code == 405


def test_cors_preflight_for_the_website(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.org"]
    response = client.options(
        "/api/v3/news/",
        HTTP_ORIGIN="https://www.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://www.example.org"
    other = client.get("/api/v3/news/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def test_events_upcoming_and_past(client, programme):
    from news.models import EventPage

    section = section_for(programme["countries"]["XK"], locale("en"), "events")
    now = timezone.now()
    for slug, days in (("soon", 3), ("gone", -3)):
        start = now + datetime.timedelta(days=days)
        page = section.add_child(
            instance=EventPage(
                title=slug,
                slug=slug,
                event_type="training",
                start=start,
                end=start + datetime.timedelta(hours=2),
                is_online=True,
            )
        )
        page.save_revision().publish()
    upcoming = client.get("/api/v3/events/?locale=en").json()
    assert [i["title"] for i in upcoming["items"]] == ["soon"]
    assert upcoming["items"][0]["ics_url"].endswith(".ics")
    past = client.get("/api/v3/events/?locale=en&when=past").json()
    assert [i["title"] for i in past["items"]] == ["gone"]


def test_rss_and_atom_feeds_per_locale_and_country(client, programme):
    import xml.etree.ElementTree as ET  # noqa: S405 - our own output

    news(programme, "XK", "sq", "lajm", "Lajm nga Prizreni ë ç")
    news(programme, "RS", "sq", "tjeter", "Lajm nga Serbia")
    news(programme, "XK", "sq", "draft", f"{LEAK_WORD} draft", publish=False)
    rss = client.get("/feeds/news/sq.rss?country=XK")
    assert rss.status_code == 200
    assert rss["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(rss.content)  # noqa: S314
    titles = [item.findtext("title") for item in root.iter("item")]
    assert titles == ["Lajm nga Prizreni ë ç"]
    assert root.find("channel/language").text == "sq"
    link = root.find("channel/item/link").text
    assert link == "http://testserver/sq/news/xk/lajm/"

    atom = client.get("/feeds/news/sq.atom")
    assert atom.status_code == 200
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(atom.content).findall("a:entry", ns)  # noqa: S314
    assert {e.findtext("a:title", namespaces=ns) for e in entries} == {
        "Lajm nga Prizreni ë ç",
        "Lajm nga Serbia",
    }
    assert client.get("/feeds/news/xx.rss").status_code == 404
    assert client.get("/feeds/news/sq.rss?country=ZZ").status_code == 404


def test_headless_preview_shows_the_draft_for_a_valid_token_only(
    client, programme, settings, rf
):
    from urllib.parse import parse_qs, urlsplit

    settings.WEBSITE_PREVIEW_URL = "https://www.example.org/preview"
    page = news(programme, "XK", "sq", "preview-me", "Titulli i publikuar")
    page.title = "Titulli në draft"
    response = page.serve_preview(rf.get("/"), "")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc == "www.example.org"
    token = parse_qs(location.query)["token"][0]

    preview = client.get("/api/v3/preview/", {"token": token})
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"]
    assert preview.json()["news"]["title"] == "Titulli në draft"
    live = client.get(f"/api/v3/news/{page.pk}/").json()
    assert live["title"] == "Titulli i publikuar"

    assert client.get("/api/v3/preview/", {"token": token + "x"}).status_code == 404
    assert client.get("/api/v3/preview/").status_code == 400
    from django.core.cache import cache

    from news.preview import cache_key

    cache.delete(cache_key(token))  # what expiry does
    assert client.get("/api/v3/preview/", {"token": token}).status_code == 404


def test_making_a_page_private_removes_it_from_cached_responses(client, programme):
    page = news(programme, "XK", "en", "soon-private", "Soon private")
    url = "/api/v3/news/?locale=en"
    assert [i["title"] for i in client.get(url).json()["items"]] == ["Soon private"]
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert client.get(url).json()["items"] == []

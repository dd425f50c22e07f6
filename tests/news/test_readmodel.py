"""The news read model: the listing reads it, so it must follow every change
the public would notice, and never hold what the public may not see."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import NewsListingRow, NewsPage, Topic
from news.readmodel import rebuild
from news.structure import section_for
from news.visibility import published
from tests.news.test_api import LEAK_WORD, leaks, locale, news  # noqa: F401

LIST = "/api/v3/news/?locale=en&limit=100&nocache="


def listing(client, query=""):
    """The listing as the website gets it, never from the response cache."""
    listing.calls += 1
    return client.get(f"{LIST}{listing.calls}{query}").json()


listing.calls = 0


def titles(client, query=""):
    return [item["title"] for item in listing(client, query)["items"]]


def snapshot():
    return {
        row.page_id: (row.language_code, row.url, row.head, row.tail, row.date)
        for row in NewsListingRow.objects.all()
    }


def assert_consistent():
    """What signals maintained equals a rebuild from scratch, and holds
    exactly the published pages (expiry aside)."""
    kept = snapshot()
    rebuild()
    assert snapshot() == kept
    visible = set(published(NewsPage).values_list("pk", flat=True))
    expired = set(
        NewsPage.objects.filter(expire_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    assert visible == set(kept) - expired


def test_publish_edit_unpublish_delete(client, programme):
    page = news(programme, "XK", "en", "budget", "Budget hearing in Prizren")
    assert titles(client) == ["Budget hearing in Prizren"]

    page.title = "Budget hearing moved to Gjakova"
    page.save_revision()  # a draft: the public still sees the live title
    assert titles(client) == ["Budget hearing in Prizren"]
    page.get_latest_revision().publish()
    assert titles(client) == ["Budget hearing moved to Gjakova"]
    assert_consistent()

    page.unpublish()
    assert titles(client) == []
    page.save_revision().publish()
    assert titles(client) == ["Budget hearing moved to Gjakova"]
    page.delete()
    assert titles(client) == []
    assert not NewsListingRow.objects.exists()


def test_move_changes_country_and_url(client, programme):
    page = news(programme, "XK", "en", "moving", "Moving item")
    assert [i["url"] for i in listing(client, "&country=XK")["items"]] == [
        "/en/news/xk/moving/"
    ]
    page.move(section_for(programme["countries"]["RS"], locale("en")), "last-child")
    assert listing(client, "&country=XK")["items"] == []
    moved = listing(client, "&country=RS")["items"]
    assert [(i["url"], i["country"]["iso_code"]) for i in moved] == [
        ("/en/news/rs/moving/", "RS")
    ]
    assert_consistent()


def test_a_renamed_section_rewrites_the_urls_below_it(client, programme):
    news(programme, "XK", "en", "item", "Item")
    section = section_for(programme["countries"]["XK"], locale("en"))
    section.slug = "kosova"
    section.save_revision().publish()
    assert [i["url"] for i in listing(client)["items"]] == ["/en/news/kosova/item/"]
    home = section.get_parent().get_parent().specific
    home.save_revision().publish()  # nothing below it changes
    assert_consistent()


def test_privacy_of_a_section_hides_and_restores_its_children(client, programme):
    news(programme, "XK", "en", "open", "Open item")
    news(programme, "RS", "en", "behind", "Item in Serbia")
    serbia = section_for(programme["countries"]["RS"], locale("en"))
    restriction = PageViewRestriction.objects.create(
        page=serbia, restriction_type="password", password="x"
    )
    assert titles(client) == ["Open item"]
    assert_consistent()
    restriction.delete()
    assert titles(client) == ["Item in Serbia", "Open item"]


def test_expiry_is_checked_when_read(client, programme):
    page = news(programme, "XK", "en", "expiring", "Call closes soon")
    news(programme, "XK", "en", "lasting", "Lasting item")
    assert listing(client)["total"] == 2
    # Time passing sends no signal: the stored row stays, the listing drops it.
    NewsPage.objects.filter(pk=page.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    body = listing(client)
    assert [i["title"] for i in body["items"]] == ["Lasting item"]
    assert body["total"] == 1
    assert NewsListingRow.objects.filter(page_id=page.pk).exists()


def test_translations_follow_publication(client, programme):
    source = news(programme, "XK", "sq", "lajm", "Lajm nga Prizreni ë ç")
    serbian = source.copy_for_translation(locale("sr"))
    serbian.title = "Вест из Призрена"
    serbian.save_revision().publish()

    item = client.get("/api/v3/news/?locale=sq&nocache=t1").json()["items"][0]
    assert item["title"] == "Lajm nga Prizreni ë ç"
    assert [t["locale"] for t in item["translations"]] == ["sq", "sr"]

    cnr = client.get("/api/v3/news/?locale=cnr&fallback=true&nocache=t2").json()
    assert [(i["title"], i["locale"]) for i in cnr["items"]] == [
        ("Вест из Призрена", "sr")
    ]

    NewsPage.objects.get(pk=serbian.pk).unpublish()  # the live one, not the copy
    item = client.get("/api/v3/news/?locale=sq&nocache=t3").json()["items"][0]
    assert [t["locale"] for t in item["translations"]] == ["sq"]
    cnr = client.get("/api/v3/news/?locale=cnr&fallback=true&nocache=t4").json()
    assert cnr["items"] == []  # sq is not in the Montenegrin chain
    assert_consistent()


def test_snippet_changes_reach_the_stored_items(client, programme):
    organisation = programme["organisations"]["KCSF"]
    topic = Topic.objects.create(
        slug="rule-of-law", name="Rule of law", locale=locale("en")
    )
    page = news(programme, "XK", "en", "with-org", organisation=organisation)
    page.topics.add(topic)
    page.save_revision().publish()

    organisation.name = "Fondacioni i Kosovës për Shoqëri Civile"
    organisation.save()
    topic.name = "Rule of law and justice"
    topic.save()
    country = programme["countries"]["XK"]
    country.name = "Kosova"
    country.save()
    item = listing(client, "&topic=rule-of-law")["items"][0]
    assert item["organisation"]["name"] == "Fondacioni i Kosovës për Shoqëri Civile"
    assert item["topics"] == [
        {"slug": "rule-of-law", "name": "Rule of law and justice", "locale": "en"}
    ]
    assert item["country"]["name"] == "Kosova"
    assert listing(client, f"&organisation={organisation.pk}")["total"] == 1

    topic.delete()
    assert listing(client)["items"][0]["topics"] == []
    organisation.delete()
    assert listing(client)["items"][0]["organisation"] is None
    assert_consistent()


def test_no_leak_through_the_read_model(client, leaks):  # noqa: F811
    stored = {
        row.page_id for row in NewsListingRow.objects.all() if LEAK_WORD in row.head
    }
    expired = NewsPage.objects.filter(title=f"{LEAK_WORD} expired").get()
    # Only the expired page is stored (expiry is checked when read).
    assert stored == {expired.pk}
    assert {i["title"] for i in listing(client)["items"]} == {
        "Shown item",
        "Published title",
    }
    assert_consistent()


def test_rebuild_command_restores_a_wiped_read_model(client, programme):
    news(programme, "XK", "en", "kept", "Kept item")
    NewsListingRow.objects.all().delete()
    assert titles(client) == []
    call_command("rebuild_news_readmodel")
    assert titles(client) == ["Kept item"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ACCEPT_LANGUAGE": "sq"},
        {"HTTP_ORIGIN": "https://www.example.org"},
    ],
)
def test_cached_responses_leave_early_with_the_same_headers(
    client, programme, settings, headers
):
    """The early cache middleware answers exactly as the full stack did."""
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.org"]
    news(programme, "XK", "en", "cached", "Cached item")
    url = "/api/v3/news/?locale=en&limit=5"
    full = client.get(url, **headers)  # a miss: the whole stack, then stored
    early = client.get(url, **headers)
    assert early.wsgi_request.resolver_match is None  # never reached the URLconf
    assert early.content == full.content
    assert dict(early.headers) == dict(full.headers)
    assert "Accept-Language" in early["Vary"]

    again = client.get(url, HTTP_IF_NONE_MATCH=full["ETag"], **headers)
    assert again.status_code == 304
    assert again.wsgi_request.resolver_match is None
    news(programme, "XK", "en", "newer", "Newer item")
    fresh = client.get(url, HTTP_IF_NONE_MATCH=full["ETag"], **headers)
    assert fresh.status_code == 200
    assert [i["title"] for i in fresh.json()["items"]] == ["Newer item", "Cached item"]


def test_listing_bytes_equal_the_model_paths_encoding(client, programme):
    """The stored items joined at read time give the very bytes that encoding
    the published pages afresh gives (quotes, backslashes, Cyrillic, ı/İ)."""
    from news.api.listing import encode, summaries
    from news.api.serialise import translations_by_key

    source = news(programme, "XK", "sq", "ë-ç", 'Thirrje "e hapur" për OJQ-të \\ ë ç')
    serbian = source.copy_for_translation(locale("sr"))
    serbian.title = "Позив за „организације“ — İstanbul ılık"
    serbian.slug = "позив"
    serbian.save_revision().publish()
    news(programme, "RS", "sr", "druga", "Друга вест", date=datetime.date(2026, 1, 2))

    for query in ("locale=sr&limit=5", "locale=sq", "locale=sr&offset=1&limit=1"):
        visible = published(NewsPage)
        params = dict(pair.split("=") for pair in query.split("&"))
        limit, offset = int(params.get("limit", 20)), int(params.get("offset", 0))
        pages = visible.filter(locale__language_code=params["locale"])
        ids = list(
            pages.order_by("-date", "-pk").values_list("pk", flat=True)[
                offset : offset + limit
            ]
        )
        pairs = summaries(ids)
        links = translations_by_key(
            {row["translation_key"] for _i, row in pairs}, visible
        )
        items = [
            {**item, "translations": links.get(row["translation_key"], [])}
            for item, row in pairs
        ]
        expected = encode(
            {"total": pages.count(), "limit": limit, "offset": offset, "items": items}
        )
        assert client.get(f"/api/v3/news/?{query}&nocache=bytes").content == expected

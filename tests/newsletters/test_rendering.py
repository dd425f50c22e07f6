"""Rendering a newsletter page into an edition: content, tokens, digests,
languages, validation, the web version."""

import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from home.models import ProgrammeSettings
from news.models import Topic
from newsletters.composition import placeholders, rendering
from newsletters.composition.models import NewsletterIndexPage, SenderIdentity
from newsletters.composition.rendering import (
    NewsletterRenderError,
    edition_from_dict,
    edition_to_dict,
    render_edition,
    web_html,
)

from .compose import (
    NOW,
    TODAY,
    digest,
    event,
    intro,
    locale,
    make_image,
    news,
    newsletter,
    translate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kosovo_news(programme):
    image = make_image("Takim në Prishtinë")
    featured = news(
        programme,
        "XK",
        "sq",
        "Fondacioni nënshkruan partneritet të ri",
        lead="Qendra Burimore do të mbështesë organizatat lokale në Gjakovë.",
        hero_image=image,
    )
    others = [
        news(programme, "XK", "sq", f"Lajm {n}: çështje qytetare", date=TODAY)
        for n in range(3)
    ]
    return {"featured": featured, "others": others, "image": image}


def full_body(kosovo_news):
    image = kosovo_news["image"]
    return [
        intro("<p>Mirë se vini në buletinin e Kosovës: çfarë ka të re.</p>"),
        {
            "type": "featured_news",
            "value": {"page": kosovo_news["featured"].pk, "show_image": True},
        },
        digest(heading="Lajmet e fundit", max_items=10),
        {
            "type": "image",
            "value": {"image": image.pk, "alt_text": "Pjesëmarrësit në takim"},
        },
        {
            "type": "button",
            "value": {"text": "Lexo më shumë", "url": "https://example.org/more"},
        },
        {"type": "divider", "value": None},
        {
            "type": "two_columns",
            "value": {
                "left": [{"type": "text", "value": "<p>Kolona e majtë ë</p>"}],
                "right": [
                    {
                        "type": "image",
                        "value": {"image": image.pk, "alt_text": "Foto e djathtë"},
                    }
                ],
            },
        },
        {"type": "note", "value": {"text": "Shënim: zyra mbyllet të premten."}},
    ]


def test_albanian_issue_renders_every_block_with_tokens_in_one_mjml_compile(
    programme, kosovo_news
):
    page = newsletter(
        programme,
        "XK",
        "sq",
        full_body(kosovo_news),
        title="Buletini i nëntorit",
        subject="Lajme nga shoqëria civile në Kosovë",
        preheader="Partneritete të reja dhe çfarë vjen më pas",
    )
    with mock.patch.object(
        rendering, "mjml2html", wraps=rendering.mjml2html
    ) as compile_:
        edition = render_edition(page, now=NOW)
    assert compile_.call_count == 1

    assert edition.language == "sq"
    assert edition.subject == "Lajme nga shoqëria civile në Kosovë"
    assert edition.preheader == "Partneritete të reja dhe çfarë vjen më pas"
    assert '<html lang="sq"' in edition.html
    for token in placeholders.TOKENS.values():
        assert token in edition.html
        assert token in edition.text
    for item in [kosovo_news["featured"], *kosovo_news["others"]]:
        assert item.title in edition.html
        assert item.title in edition.text
    assert "Kolona e majtë ë" in edition.html
    assert "Shënim: zyra mbyllet të premten." in edition.text
    assert "https://example.org/more" in edition.text
    assert 'alt="Pjesëmarrësit në takim"' in edition.html
    # The footer: disclaimer in Albanian, the greeting with its fallback name.
    assert "Bashkimit Evropian" in edition.html
    assert "Bashkimit Evropian" in edition.text
    assert edition.first_name_fallback == "mik"
    assert edition.web_url.startswith(settings.BASE_URL + "/sq/")
    assert edition.web_url.endswith(f"/{page.slug}/")


def test_news_links_are_the_public_urls_in_the_newsletters_language(
    programme, kosovo_news
):
    page = newsletter(programme, "XK", "sq", [digest(max_items=10)])
    edition = render_edition(page, now=NOW)
    for item in kosovo_news["others"]:
        url = f"{settings.BASE_URL}/sq/{item.url_path.split('/', 2)[2]}"
        assert f'href="{url}"' in edition.html
        assert url in edition.text


def test_digest_shows_only_published_items_of_the_country_language_and_topic(
    programme,
):
    rights = Topic.objects.create(name="Rights", slug="rights", locale=locale("en"))
    shown = news(programme, "XK", "sq", "E publikuar", topics=[rights])
    news(programme, "XK", "sq", "Pa temë")
    news(programme, "RS", "sq", "Serbia, jo Kosova", topics=[rights])
    news(programme, "XK", "en", "English, not Albanian", topics=[rights])
    draft = news(programme, "XK", "sq", "Draft", topics=[rights])
    draft.unpublish()
    private = news(programme, "XK", "sq", "Private", topics=[rights])
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    expired = news(programme, "XK", "sq", "Skaduar", topics=[rights])
    expired.expire_at = timezone.now() - datetime.timedelta(days=1)
    expired.save()
    old = news(programme, "XK", "sq", "Shumë e vjetër", topics=[rights])
    old.date = TODAY - datetime.timedelta(days=90)
    old.save()

    page = newsletter(programme, "XK", "sq", [digest(max_items=30, topic=rights.pk)])
    text = render_edition(page, now=NOW).text
    assert shown.title in text
    for title in (
        "Pa temë",
        "Serbia, jo Kosova",
        "English, not Albanian",
        "Draft",
        "Private",
        "Skaduar",
        "Shumë e vjetër",
    ):
        assert title not in text


def test_digest_default_starts_at_the_previous_issue_of_the_same_country(
    programme,
):
    news(
        programme,
        "XK",
        "en",
        "Before the last issue",
        date=TODAY - datetime.timedelta(10),
    )
    news(
        programme,
        "XK",
        "en",
        "After the last issue",
        date=TODAY - datetime.timedelta(2),
    )
    previous = newsletter(programme, "XK", "en", [intro("<p>Earlier</p>")])
    previous.first_published_at = NOW - datetime.timedelta(days=5)
    previous.save()
    serbian = newsletter(programme, "RS", "en", [intro("<p>Serbia</p>")])
    serbian.first_published_at = NOW - datetime.timedelta(days=1)
    serbian.save()

    page = newsletter(programme, "XK", "en", [digest()], publish=False)
    text = render_edition(page, now=NOW).text
    assert "After the last issue" in text
    assert "Before the last issue" not in text


def test_digest_limited_to_max_items_newest_first(programme):
    for n in range(6):
        news(programme, "XK", "en", f"Item {n}", date=TODAY - datetime.timedelta(n))
    page = newsletter(programme, "XK", "en", [digest(max_items=3)])
    text = render_edition(page, now=NOW).text
    assert text.index("Item 0") < text.index("Item 1") < text.index("Item 2")
    assert "Item 3" not in text


def test_upcoming_events_of_the_country_in_the_next_days(programme):
    event(
        programme,
        "XK",
        "en",
        "Training in Prizren",
        start=NOW + datetime.timedelta(days=3),
    )
    event(
        programme, "XK", "en", "Too far ahead", start=NOW + datetime.timedelta(days=60)
    )
    event(
        programme, "RS", "en", "Belgrade event", start=NOW + datetime.timedelta(days=3)
    )
    event(programme, "XK", "en", "Already over", start=NOW - datetime.timedelta(days=3))
    block = {"type": "upcoming_events", "value": {"days": 30, "max_items": 5}}
    page = newsletter(programme, "XK", "en", [block])
    text = render_edition(page, now=NOW).text
    assert "Training in Prizren" in text
    assert "23 November 2026, 09:00" in text  # in the event's time zone
    for title in ("Too far ahead", "Belgrade event", "Already over"):
        assert title not in text


def test_featured_news_uses_the_translation_in_the_newsletters_language(
    programme, admin_user
):
    source = news(programme, "XK", "sq", "Partneritet i ri")
    english = translate(source, ["en"], admin_user)["en"]
    english.title = "A new partnership"
    english.save_revision().publish()
    block = {"type": "featured_news", "value": {"page": source.pk, "show_image": True}}
    page = newsletter(programme, "XK", "en", [block])
    edition = render_edition(page, now=NOW)
    assert "A new partnership" in edition.html
    assert "Partneritet i ri" not in edition.html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([digest()], "finds no published news"),
        (
            [{"type": "upcoming_events", "value": {"days": 7, "max_items": 5}}],
            "finds no published event",
        ),
        ([intro("<p>Hello %%unsubscribe_url%% there</p>")], "%%unsubscribe_url%%"),
    ],
)
def test_content_that_cannot_make_a_newsletter_is_a_message_for_the_editor(
    programme, body, expected
):
    page = newsletter(programme, "XK", "en", body, publish=False)
    with pytest.raises(NewsletterRenderError) as raised:
        render_edition(page, now=NOW)
    assert any(expected in message for message in raised.value.messages)


def test_image_without_alt_text_and_unpublished_featured_news_are_refused(programme):
    image = make_image("Untitled")
    item = news(programme, "XK", "en", "Withdrawn item")
    item.unpublish()
    body = [
        {"type": "image", "value": {"image": image.pk, "alt_text": "  "}},
        {"type": "featured_news", "value": {"page": item.pk, "show_image": True}},
    ]
    page = newsletter(programme, "XK", "en", body, publish=False)
    with pytest.raises(NewsletterRenderError) as raised:
        render_edition(page, now=NOW)
    text = " ".join(raised.value.messages)
    assert "“Untitled” needs an alt text" in text
    assert "“Withdrawn item” is not published" in text


def test_mjml_error_is_a_render_error(programme):
    page = newsletter(programme, "XK", "en", [intro("<p>Fine</p>")])
    with (
        mock.patch.object(rendering, "mjml2html", side_effect=ValueError("bad tag")),
        pytest.raises(NewsletterRenderError) as raised,
    ):
        render_edition(page)
    assert "bad tag" in raised.value.messages[0]


@pytest.mark.parametrize(("code", "lang"), [("sr-latn", "sr-Latn"), ("sr", "sr")])
def test_html_lang_per_locale(programme, code, lang):
    page = newsletter(programme, "RS", code, [intro("<p>Tekst</p>")])
    assert f'<html lang="{lang}"' in render_edition(page).html


def test_the_header_names_the_country_in_the_editions_language(programme):
    """A Serbian issue of Kosovo says "Косово" in its header (HTML and text),
    not the English name; a language without a translated name keeps the
    source's."""
    from wagtail.models import Locale

    kosovo = programme["countries"]["XK"]
    local = kosovo.copy_for_translation(Locale.objects.get(language_code="sr"))
    local.name = "Косово"
    local.save()
    serbian = render_edition(newsletter(programme, "XK", "sr", [intro("<p>Текст</p>")]))
    assert "· Косово" in serbian.html and "· Косово" in serbian.text
    assert "Kosovo" not in serbian.html.split("<body", 1)[1].split("Текст")[0]
    albanian = render_edition(
        newsletter(programme, "XK", "sq", [intro("<p>Tekst</p>")])
    )
    assert "· Kosovo" in albanian.html


def test_sender_and_postal_address_from_the_identity_else_the_programme(programme):
    settings_ = ProgrammeSettings.load()
    settings_.sender_name = "Civil Society Programme"
    settings_.sender_email = "news@programme.example"
    settings_.postal_address = "Rr. Agim Ramadani 15\nPrishtinë"
    settings_.save()
    page = newsletter(programme, "XK", "en", [intro("<p>x</p>")])
    edition = render_edition(page)
    assert (edition.from_name, edition.from_email, edition.reply_to) == (
        "Civil Society Programme",
        "news@programme.example",
        "",
    )
    assert re.search(r"Rr. Agim Ramadani 15<br ?/?>Prishtinë", edition.html)

    identity = SenderIdentity.objects.create(
        country=programme["countries"]["XK"],
        from_name="Resource Centre Kosovo",
        from_email="kosovo@programme.example",
        reply_to="info@kcsf.example",
        postal_address="Ul. Fehmi Agani 1, Prishtinë",
    )
    page.sender = identity
    page.save_revision().publish()
    edition = render_edition(page)
    assert edition.from_email == "kosovo@programme.example"
    assert edition.reply_to == "info@kcsf.example"
    assert "Ul. Fehmi Agani 1, Prishtinë" in edition.text
    assert "Agim Ramadani" not in edition.text


def test_edition_survives_a_json_round_trip(programme):
    import json

    page = newsletter(programme, "XK", "en", [intro("<p>Ç ë İ ı</p>")])
    edition = render_edition(page)
    assert edition_from_dict(json.loads(json.dumps(edition_to_dict(edition)))) == (
        edition
    )


def test_rich_text_links_to_pages_become_absolute(programme):
    item = news(programme, "XK", "en", "Linked item")
    html = f'<p>See <a linktype="page" id="{item.pk}">this</a>.</p>'
    page = newsletter(programme, "XK", "en", [intro(html)])
    edition = render_edition(page)
    assert f'href="{settings.BASE_URL}/en/' in edition.html
    assert f"this <{settings.BASE_URL}/en/" in edition.text


def test_web_version_is_public_without_subscriber_values(client, programme):
    page = newsletter(
        programme, "XK", "en", [intro("<p>Read on the web</p>")], subject="Web issue"
    )
    response = client.get(page_path(page))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Read on the web" in body
    assert "%%" not in body
    assert "Hello friend," in body
    assert ".view-online{display:none}" in body  # no "view in browser" here
    assert f"{settings.BASE_URL}/en/newsletter/subscribe/" in body
    assert body.strip() == web_html(page, now=page.last_published_at).strip()


def test_web_version_of_a_draft_is_not_public(client, programme):
    page = newsletter(programme, "XK", "en", [intro("<p>x</p>")], publish=False)
    assert client.get(page_path(page)).status_code == 404


def test_newsletter_index_lists_published_issues_of_its_language(client, programme):
    newsletter(programme, "XK", "sq", [intro("<p>x</p>")], title="Buletini i parë")
    newsletter(programme, "XK", "en", [intro("<p>x</p>")], title="First issue")
    index = NewsletterIndexPage.objects.get(locale=locale("sq"))
    response = client.get(page_path(index))
    assert response.status_code == 200
    assert "Buletini i parë" in response.content.decode()
    assert "First issue" not in response.content.decode()


def page_path(page):
    return "/" + page.locale.language_code + "/" + page.url_path.split("/", 2)[2]


def test_render_errors_are_in_the_editors_language_not_the_issues(programme):
    from django.utils import translation

    page = newsletter(programme, "XK", "sq", [digest(heading="Lajme")], publish=False)
    with translation.override("en"), pytest.raises(NewsletterRenderError) as raised:
        render_edition(page, now=NOW)
    assert "finds no published news" in raised.value.messages[0]
    with translation.override("mk"), pytest.raises(NewsletterRenderError) as raised:
        render_edition(page, now=NOW)
    assert "не наоѓа ниту една објавена вест" in raised.value.messages[0]

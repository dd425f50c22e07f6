"""The listings' batched "Translate" / "Sync translated ..." buttons
(home.translation.listing, issue #19) are wagtail-localize's: the same
labels, URLs, icons and priorities for the same rows and users, with the
answers read from the listing's one query instead of two queries a row."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail import hooks
from wagtail.models import Locale, Page
from wagtail_localize import wagtail_hooks as localize_hooks
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.operations import TranslationCreator

from home.translation import listing
from news.models import NewsPage, Organisation, Topic
from news.structure import section_for
from tests.translation.conftest import locale

NEXT = "/admin/pages/1/"


def described(buttons):
    return [(b.label, b.url, b.priority, b.icon_name, b.attrs) for b in buttons]


def add_news(section, slug):
    page = section.add_child(
        instance=NewsPage(title=slug, slug=slug, date="2026-11-01", lead="Lead")
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def rows(programme, admin_user):
    """Kosovo's English news: untranslated, translated into Albanian (its
    translation disabled for one), into every language, and an alias."""
    section = section_for(programme["countries"]["XK"], locale("en"))
    others = list(Locale.objects.exclude(language_code="en"))
    add_news(section, "untranslated")
    for slug in ("albanian", "disabled"):
        page = add_news(section, slug)
        TranslationCreator(admin_user, others[:1]).create_translations(page)
    Translation.objects.filter(
        source__object_id=page.translation_key, source__locale=page.locale
    ).update(enabled=False)
    TranslationCreator(admin_user, others).create_translations(
        add_news(section, "everywhere")
    )
    original = add_news(section, "original")
    original.create_alias(update_slug="alias")
    return section


@pytest.fixture
def users(admin_user, team_user, language_user):
    return [
        admin_user,
        team_user("XK", "moderator"),
        team_user("XK", "editor"),
        language_user("sq", "translators"),
    ]


def test_the_hooks_are_replaced():
    more = hooks.get_hooks("register_page_listing_more_buttons")
    snippets = hooks.get_hooks("register_snippet_listing_buttons")
    assert listing.page_listing_more_buttons in more
    assert localize_hooks.page_listing_more_buttons not in more
    assert listing.snippet_listing_buttons in snippets
    assert localize_hooks.register_snippet_listing_buttons not in snippets
    # The page header (one page) keeps wagtail-localize's own.
    header = hooks.get_hooks("register_page_header_buttons")
    assert localize_hooks.page_listing_more_buttons in header


@pytest.mark.django_db
def test_page_rows_get_wagtail_localizes_buttons(rows, users):
    annotated = listing.annotate_pages(Page.objects.child_of(rows).specific())
    pages = list(annotated)
    assert {p.slug for p in pages} >= {"untranslated", "albanian", "alias"}
    seen = set()
    for user in users:
        for page in pages:
            theirs = localize_hooks.page_listing_more_buttons(
                Page.objects.get(pk=page.pk).specific, user, next_url=NEXT
            )
            ours = described(listing.page_listing_more_buttons(page, user, None, NEXT))
            assert ours == described(theirs), (user, page.slug)
            seen.update(label for label, *_ in ours)
    assert seen == {"Translate this page", "Sync translated pages"}


@pytest.mark.django_db
def test_an_unannotated_row_asks_as_wagtail_localize_does(rows, admin_user):
    page = NewsPage.objects.get(slug="albanian", locale__language_code="en")
    ours = described(listing.page_listing_more_buttons(page, admin_user, None, NEXT))
    assert [label for label, *_ in ours] == [
        "Translate this page",
        "Sync translated pages",
    ]


@pytest.mark.django_db
def test_snippet_rows_get_wagtail_localizes_buttons(programme, admin_user, users):
    kcsf = programme["organisations"]["KCSF"]
    TranslationCreator(admin_user, [locale("sq")]).create_translations(kcsf)
    Topic.objects.create(name="Rights", slug="rights", locale=locale("en"))
    seen = set()
    for model in (Organisation, Topic):
        rows = listing.annotate_snippets(model.objects.all())
        for user in users:
            for row in rows:
                theirs = localize_hooks.register_snippet_listing_buttons(
                    model.objects.get(pk=row.pk), user, next_url=NEXT
                )
                ours = described(listing.snippet_listing_buttons(row, user, NEXT))
                assert ours == described(theirs), (user, row)
                seen.update(label for label, *_ in ours)
    assert seen == {"Translate", "Sync translated snippets"}


@pytest.mark.django_db
def test_the_explorer_shows_the_buttons(rows, admin_client):
    page = NewsPage.objects.get(slug="albanian", locale__language_code="en")
    source = TranslationSource.objects.get(
        object_id=page.translation_key, locale=page.locale
    )
    content = admin_client.get(f"/admin/pages/{rows.pk}/").content.decode()
    submit = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    sync = reverse("wagtail_localize:update_translations", args=[source.pk])
    assert f'href="{submit}"' in content
    assert f'href="{sync}?next=' in content


@pytest.mark.django_db
def test_the_labels_are_wagtail_localizes_in_the_admins_language(rows, admin_user):
    page = listing.annotate_pages(Page.objects.filter(slug="albanian")).get(
        locale__language_code="en"
    )
    with translation.override("tr"):
        ours = listing.page_listing_more_buttons(page, admin_user, None, NEXT)
        theirs = localize_hooks.page_listing_more_buttons(
            page.specific, admin_user, next_url=NEXT
        )
        ours = described(ours)
        assert ours == described(theirs)
    assert ours[0][0] == "Bu sayfayı çevir"  # wagtail-localize's catalogue

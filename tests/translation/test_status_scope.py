"""The Translation status report shows each person their own work: a country
team its countries, a language team its languages (superusers everything);
its header names it; each cell offers what its state and the user allow."""

import datetime
import re

import pytest
from django.urls import reverse
from wagtail_localize.models import StringTranslation

from news.models import NewsPage
from news.structure import section_for

from .conftest import live, locale, translate, translation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def serbian_item(programme, admin_user):
    section = section_for(programme["countries"]["RS"], locale("sr"))
    page = section.add_child(
        instance=NewsPage(
            title="Вест из Ниша",
            slug="vest-iz-nisa",
            date=datetime.date(2026, 11, 3),
            lead="Удружења из Ниша.",
            owner=admin_user,
        )
    )
    page.save_revision(user=admin_user).publish()
    return page


def report(client, **params):
    response = client.get(reverse("translation_status"), params)
    assert response.status_code == 200
    return response


def shown(response):
    """{source title: [language codes of the columns]}"""
    return {
        row.source.title: [cell.locale.language_code for cell in row.shown]
        for row in response.context["rows"]
    }


def cell_actions(response, title, code):
    for row in response.context["rows"]:
        if row.source.title == title:
            return row.cell(code).actions
    raise AssertionError(f"no row {title}")


def test_a_country_officer_sees_only_their_countrys_pages(
    client, team_user, albanian_item, serbian_item
):
    client.force_login(team_user("XK", "editor"))
    rows = shown(report(client))
    assert list(rows) == [albanian_item.title]
    assert len(rows[albanian_item.title]) == 8  # every language
    client.force_login(team_user("RS", "moderator"))
    assert list(shown(report(client))) == [serbian_item.title]


def test_a_language_team_sees_its_languages_columns(
    client, language_user, albanian_item, serbian_item
):
    client.force_login(language_user("sr", "translators"))
    response = report(client)
    rows = shown(response)
    assert set(rows) == {albanian_item.title, serbian_item.title}
    assert set(map(tuple, rows.values())) == {("sr",)}
    crumb = response.context["breadcrumbs_items"][-1]
    assert crumb["label"] == "Translation status"
    assert "Serbian" in crumb["sublabel"]


def test_a_superuser_sees_everything_and_the_header_names_the_report(
    client, admin_user, albanian_item, serbian_item
):
    client.force_login(admin_user)
    response = report(client)
    assert len(shown(response)) == 2
    labels = [item["label"] for item in response.context["breadcrumbs_items"]]
    assert labels[-1] == "Translation status"
    html = response.content.decode()
    assert "All countries and languages" in html


def test_translate_preselects_the_columns_language(client, team_user, albanian_item):
    client.force_login(team_user("XK", "editor"))
    html = report(client).content.decode()
    links = re.findall(r'href="([^"]*submit/page/[^"]*)"', html)
    assert any("select_locale=sr-latn" in link for link in links), links
    form = client.get(
        reverse("wagtail_localize:submit_page_translation", args=[albanian_item.pk]),
        {"select_locale": "sr-latn"},
    )
    assert form.context["form"].initial["locales"] == [locale("sr-latn")]


def test_cells_offer_what_their_state_allows(
    client, admin_user, albanian_item, language_user, team_user
):
    english = translate(albanian_item, ["en"], admin_user)["en"]
    translator = language_user("en", "translators")
    reviewer = language_user("en", "reviewers")
    client.force_login(translator)
    assert cell_actions(report(client), albanian_item.title, "en") == {
        "submit",
        "machine",
        "po_file",
    }
    client.post(
        reverse(
            "wagtail_localize:machine_translate", args=[translation_of(english).pk]
        ),
        {"next": "/admin/"},
    )
    client.post(
        reverse("translation_submit_for_review", args=[translation_of(english).pk]),
        {"next": "/admin/"},
    )
    # In review: no machine draft or submission any more...
    assert cell_actions(report(client), albanian_item.title, "en") == set()
    client.force_login(team_user("XK", "moderator"))
    assert cell_actions(report(client), albanian_item.title, "en") == set()
    # ...the reviewer approves, and is told why not while placeholders remain.
    client.force_login(reviewer)
    assert cell_actions(report(client), albanian_item.title, "en") == {"approve"}
    url = reverse("translation_approve", args=[translation_of(english).pk])
    response = client.post(url, {"next": reverse("translation_status")}, follow=True)
    notices = [str(m) for m in response.context["messages"]]
    assert any("machine placeholders" in n for n in notices), notices
    assert not live(english)
    StringTranslation.objects.filter(locale=english.locale).update(
        data="Foundation signs a new partnership",
        translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
    )
    client.post(url, {"next": reverse("translation_status")})
    assert live(english)
    assert cell_actions(report(client), albanian_item.title, "en") == set()


def test_another_countrys_officer_cannot_approve_from_the_report(
    client, admin_user, albanian_item, team_user, language_teams
):
    from home.translation.review import submit_for_review

    english = translate(albanian_item, ["en"], admin_user)["en"]
    submit_for_review(translation_of(english), admin_user)
    for user in (team_user("RS", "moderator"), team_user("XK", "moderator")):
        client.force_login(user)
        client.post(reverse("translation_approve", args=[translation_of(english).pk]))
        assert not live(english)

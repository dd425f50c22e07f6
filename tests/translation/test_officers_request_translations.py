"""Whoever may edit a source may ask for its translations (README): a
country's officers request them for their own pages, through
wagtail-localize's submit view (which the status board's Translate and the
page's action menu open), and not for another country's."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from news.models import NewsPage

from .conftest import locale

pytestmark = pytest.mark.django_db


def submit_url(page):
    return reverse("wagtail_localize:submit_page_translation", args=[page.pk])


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_an_officer_requests_translations_of_their_countrys_page(
    client, team_user, albanian_item, role
):
    client.force_login(team_user("XK", role))
    form = client.get(submit_url(albanian_item))
    assert form.status_code == 200
    assert "do not have permission" not in form.content.decode()

    response = client.post(
        submit_url(albanian_item), {"locales": [locale("sr").pk, locale("en").pk]}
    )
    assert response.status_code == 302
    for code in ("sr", "en"):
        translation = albanian_item.get_translation(locale(code)).specific
        assert isinstance(translation, NewsPage)
        assert not translation.live  # a draft, for the language's review


def test_the_pages_action_menu_offers_translate(client, team_user, albanian_item):
    client.force_login(team_user("XK", "editor"))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[albanian_item.pk]))
    assert submit_url(albanian_item) in edit.content.decode()


def test_another_countrys_officer_cannot(client, team_user, albanian_item):
    client.force_login(team_user("RS", "moderator"))
    assert client.get(submit_url(albanian_item)).status_code == 404
    response = client.post(submit_url(albanian_item), {"locales": [locale("sr").pk]})
    assert response.status_code == 404
    assert (
        not albanian_item.get_translations()
        .filter(locale=Locale.objects.get(language_code="sr"))
        .exists()
    )

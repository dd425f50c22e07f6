"""A news item belongs to the country of the section it sits in."""

import datetime

import pytest
from wagtail.models import Locale

from news.models import Country, NewsIndexPage, NewsPage, NewsSectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections():
    from home.models import HomePage

    locale = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=locale)
    index = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    result = {}
    for iso, name in (("RS", "Serbia"), ("XK", "Kosovo")):
        country = Country.objects.create(iso_code=iso, name=name, locale=locale)
        result[iso] = index.add_child(
            instance=NewsSectionPage(title=name, slug=iso.lower(), country=country)
        )
    return result


def test_country_comes_from_the_section_and_follows_a_move(sections):
    page = sections["RS"].add_child(
        instance=NewsPage(
            title="Удружења грађана у Нишу",
            slug="udruzenja-nis",
            date=datetime.date(2026, 11, 1),
            lead="Lead",
        )
    )
    assert NewsPage.objects.get(pk=page.pk).country.iso_code == "RS"
    page.move(sections["XK"], pos="last-child")
    assert NewsPage.objects.get(pk=page.pk).country.iso_code == "XK"

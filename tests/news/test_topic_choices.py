"""The editor's topic picker offers the page's language's topics only
(issue 15, item 10: "topic pickers mix all languages"): an Albanian page
listed "Environment", "Mjedisi" and "Животна средина" side by side."""

import pytest
from wagtail.models import Locale

from news.models import Topic
from tests.news.editing import edit_url, submission

pytestmark = pytest.mark.django_db


def topic(name, slug, code, source=None):
    item = Topic(name=name, slug=slug, locale=Locale.objects.get(language_code=code))
    if source is not None:
        item.translation_key = source.translation_key
    item.save()
    return item


@pytest.fixture
def topics(db):
    environment = topic("Environment", "environment", "en")
    return {
        "en": environment,
        "sq": topic("Mjedisi", "mjedisi", "sq", environment),
        "sr": topic("Животна средина", "zivotna-sredina", "sr", environment),
    }


def offered(client, page):
    form = client.get(edit_url(page)).context["form"]
    return set(form.fields["topics"].queryset.values_list("name", flat=True))


def test_an_albanian_page_offers_albanian_topics(client, team_user, programme, topics):
    page = submission(programme, code="sq")
    client.force_login(team_user("XK", "moderator"))
    assert offered(client, page) == {"Mjedisi"}


def test_a_topic_already_chosen_in_another_language_stays_offered(
    client, team_user, programme, topics
):
    page = submission(programme, code="sq")
    page.topics.add(topics["en"])
    page.save_revision()
    client.force_login(team_user("XK", "moderator"))
    assert offered(client, page) == {"Mjedisi", "Environment"}


def test_the_create_form_offers_the_sections_language(
    client, team_user, programme, topics
):
    from news.structure import section_for

    section = section_for(programme["countries"]["XK"], topics["sr"].locale)
    client.force_login(team_user("XK", "moderator"))
    response = client.get(f"/admin/pages/add/news/newspage/{section.pk}/")
    assert response.status_code == 200
    names = (
        response.context["form"]
        .fields["topics"]
        .queryset.values_list("name", flat=True)
    )
    assert set(names) == {"Животна средина"}

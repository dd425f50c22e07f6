"""The status board and the notice to editors when translations fall behind."""

from django.contrib.messages import get_messages
from django.urls import reverse

from home.locales import best_language
from news.models import NewsPage

from .conftest import locale, translate


def publish(page, user):
    page.save_revision(user=user).publish()
    return NewsPage.objects.get(pk=page.pk)


def served(item, language):
    """(page, language) a reader of ``language`` gets of ``item``: its live,
    public translations through the shared resolver, the source last."""
    pages = {
        p.locale.language_code: p
        for p in NewsPage.objects.live()
        .public()
        .filter(translation_key=item.translation_key)
        .select_related("locale")
    }
    code = best_language(language, pages, item.locale.language_code)
    return pages.get(code), code


def cells(client, **params):
    response = client.get(reverse("translation_status"), params)
    assert response.status_code == 200
    rows = response.context["rows"]
    return {
        (row.source.pk, cell.locale.language_code): cell.state
        for row in rows
        for cell in row.shown
    }


def test_editing_the_source_marks_translations_out_of_date(
    client, admin_user, albanian_item
):
    targets = translate(albanian_item, ["en", "tr"], admin_user)
    publish(targets["en"], admin_user)
    client.force_login(admin_user)
    states = cells(client)
    key = albanian_item.pk
    assert states[(key, "sq")] == "source"
    assert states[(key, "en")] == "live"
    assert states[(key, "tr")] == "in_progress"
    assert states[(key, "mk")] == "missing"

    # The Albanian editor changes and publishes the source in the admin.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[albanian_item.pk]),
        {
            "title": albanian_item.title,
            "slug": albanian_item.slug,
            "date": "2026-11-03",
            "lead": "Qendra Burimore ndryshon planin.",
            "body-count": "0",
            "provenance": "staff",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "publish",
        },
        follow=True,
    )
    form = response.context and response.context.get("form")
    assert not (form and form.errors), form.errors
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("out of date" in m and "English" in m for m in notices), notices
    states = cells(client)
    assert states[(key, "en")] == "outdated"
    assert states[(key, "tr")] == "in_progress"
    # Filters: one language, one state, one country.
    assert cells(client, language="en", state="outdated") == {(key, "en"): "outdated"}
    assert cells(client, country="RS") == {}
    assert (key, "en") in cells(client, country="XK")


def test_fallback_serves_the_best_live_translation(admin_user, albanian_item):
    targets = translate(albanian_item, ["en", "sr-latn"], admin_user)
    # Nothing in Montenegrin or Serbian Latin yet: the chain ends in English,
    # which is a draft, so the Albanian source is served.
    page, code = served(albanian_item, "cnr")
    assert (page.pk, code) == (albanian_item.pk, "sq")
    publish(targets["en"], admin_user)
    assert served(albanian_item, "cnr")[1] == "en"
    publish(targets["sr-latn"], admin_user)
    page, code = served(albanian_item, "cnr")
    assert code == "sr-latn" and page.locale == locale("sr-latn")
    assert served(albanian_item, "sq")[1] == "sq"

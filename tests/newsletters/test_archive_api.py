"""The newsletter archive in the API: published issues and their web version,
translation-aware, cached, and nothing unpublished or personal in it."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from news.structure import section_for
from newsletters.audience.models import Subscriber
from newsletters.composition.models import NewsletterPage

pytestmark = pytest.mark.django_db


def issue(programme, iso, code, title, *, publish=True, **fields):
    section = section_for(
        programme["countries"][iso],
        Locale.objects.get(language_code=code),
        key="newsletters",
    )
    page = section.add_child(
        instance=NewsletterPage(
            title=title,
            slug=fields.pop("slug", title.lower().replace(" ", "-")[:40]),
            subject=fields.pop("subject", title),
            body=fields.pop("body", [("intro", f"<p>{title}: tekst i numrit.</p>")]),
            live=publish,
            **fields,
        )
    )
    if publish:
        page.save_revision().publish()
    return NewsletterPage.objects.get(pk=page.pk)


def listed(client, **params):
    response = client.get("/api/v3/newsletters/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_published_issues_are_listed_newest_first_with_their_web_url(client, programme):
    older = issue(programme, "XK", "sq", "Buletini i tetorit")
    NewsletterPage.objects.filter(pk=older.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=30)
    )
    newer = issue(
        programme, "XK", "sq", "Buletini i nëntorit", preheader="Çfarë ka të re"
    )
    body = listed(client, locale="sq")
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    first = body["items"][0]
    assert first["subject"] == "Buletini i nëntorit"
    assert first["preheader"] == "Çfarë ka të re"
    assert first["country"]["iso_code"] == "XK"
    assert first["web_url"].startswith("http://testserver/sq/")
    assert (
        client.get(first["web_url"].removeprefix("http://testserver")).status_code
        == 200
    )


def test_detail_is_the_web_version_without_personal_values(client, programme):
    page = issue(programme, "XK", "sq", "Buletini me shoqëri civile")
    Subscriber.objects.create(email="reader@example.org", name="Drita", language="sq")
    response = client.get(f"/api/v3/newsletters/{page.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["requested_locale"] == "sq"
    assert "Buletini me shoqëri civile" in data["html"]
    assert 'lang="sq"' in data["html"]
    assert "%%" not in data["html"]
    assert "reader@example.org" not in response.content.decode()
    by_slug = client.get(f"/api/v3/newsletters/by-slug/sq/{page.slug}/")
    assert by_slug.json()["id"] == page.pk


def test_drafts_private_and_expired_issues_never_appear(client, programme):
    draft = issue(programme, "XK", "sq", "Draft", publish=False)
    private = issue(programme, "XK", "sq", "Private")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    expired = issue(programme, "XK", "sq", "Expired")
    NewsletterPage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    visible = issue(programme, "XK", "sq", "Visible")
    assert [item["id"] for item in listed(client, locale="sq")["items"]] == [visible.pk]
    for hidden in (draft, private, expired):
        assert client.get(f"/api/v3/newsletters/{hidden.pk}/").status_code == 404


def test_unpublished_changes_stay_out_of_the_web_version(client, programme):
    page = issue(programme, "XK", "sq", "Numri i publikuar")
    page.subject = "Ndryshim i papublikuar"
    page.body = [("intro", "<p>Teksti sekret i draftit.</p>")]
    page.save_revision()
    data = client.get(f"/api/v3/newsletters/{page.pk}/").json()
    assert data["subject"] == "Numri i publikuar"
    assert "sekret" not in data["html"]


def test_locale_fallback_and_country_filter(client, programme):
    source = issue(programme, "RS", "sr", "Билтен за новембар")
    issue(programme, "XK", "sq", "Buletini")
    assert listed(client, locale="cnr")["total"] == 0
    served = listed(client, locale="cnr", fallback="true")["items"]
    assert [(item["id"], item["locale"]) for item in served] == [(source.pk, "sr")]
    assert listed(client, locale="sq", country="RS")["total"] == 0
    assert listed(client, locale="sr", country="RS")["total"] == 1
    bad = client.get("/api/v3/newsletters/", {"country": "ZZ"})
    assert bad.status_code == 400 and "country" in bad.json()["errors"]


def test_publishing_shows_in_the_cached_listing_at_once(client, programme):
    assert listed(client, locale="sq")["total"] == 0
    issue(programme, "XK", "sq", "I sapobotuar")
    assert listed(client, locale="sq")["total"] == 1


def test_bad_parameters_get_400(client, programme):
    for params in ({"limit": "0"}, {"locale": "xx"}, {"date_from": "nope"}):
        response = client.get("/api/v3/newsletters/", params)
        assert response.status_code == 400, params

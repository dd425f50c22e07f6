"""Every answer under /api/ is JSON in the one error shape
({"status", "title", "errors"}), whichever layer refuses: unknown paths,
methods, unexpected exceptions, numbers beyond the database's 64 bits."""

import datetime

import pytest
from django.test import Client
from wagtail.models import Locale

from news.models import NewsPage
from news.structure import section_for

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
JUST_OVER_64_BITS = str(2**63)


def assert_problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].split(";")[0] == "application/json"
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert isinstance(body["errors"], dict)
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v3/nothing/",
        "/api/v3/nothing",
        "/api/v3/news/latest/",
        "/api/v3",
        "/api/",
        "/api",
        "/api/v2/pages/",
    ],
)
def test_unknown_paths_are_a_json_404_without_redirect(client, url):
    response = client.get(url)
    assert "Location" not in response
    assert_problem(response, 404)


def test_a_method_a_path_does_not_take_is_a_json_405_naming_the_allowed(client):
    response = client.delete("/api/v3/news/")
    assert_problem(response, 405)
    assert response["Allow"] == "GET"
    assert_problem(client.put("/api/v3/newsletter/subscribe/"), 405)


def test_an_unexpected_failure_is_a_json_500_without_traceback(
    settings, monkeypatch, programme
):
    settings.DEBUG = True

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /work/main/settings.py")

    monkeypatch.setattr("news.api.news.news_listing", broken)
    response = Client(raise_request_exception=False).get("/api/v3/news/")
    assert_problem(response, 500)
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v3/news/{HUGE}/",
        f"/api/v3/news/{JUST_OVER_64_BITS}/",
        f"/api/v3/events/{HUGE}/",
        f"/api/v3/organisations/{HUGE}/",
        f"/api/v3/newsletters/{HUGE}/",
        f"/api/v3/news/{HUGE}/?locale=sq",
    ],
)
def test_ids_beyond_64_bits_in_paths_are_404(url, programme):
    assert_problem(Client(raise_request_exception=False).get(url), 404)


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/v3/news/?organisation={HUGE}", "organisation"),
        (f"/api/v3/news/?organisation={JUST_OVER_64_BITS}", "organisation"),
        ("/api/v3/news/?offset=9223372036854775808", "offset"),
        (f"/api/v3/news/?limit={HUGE}", "limit"),
        (f"/api/v3/events/?offset={HUGE}", "offset"),
        (f"/api/v3/organisations/?offset={HUGE}", "offset"),
        (f"/api/v3/newsletters/?limit={HUGE}", "limit"),
        (f"/api/v3/search/?q=x&offset={HUGE}", "offset"),
    ],
)
def test_numbers_beyond_64_bits_in_parameters_are_400(url, field, programme):
    body = assert_problem(Client(raise_request_exception=False).get(url), 400)
    assert field in body["errors"]


def test_an_id_at_the_64_bit_limit_is_just_not_found(programme):
    client = Client(raise_request_exception=False)
    assert_problem(client.get(f"/api/v3/news/{2**63 - 1}/"), 404)
    listing = client.get(f"/api/v3/news/?organisation={2**63 - 1}")
    assert listing.status_code == 200
    assert listing.json()["items"] == []


def test_a_submission_naming_a_huge_organisation_is_400(programme):
    response = Client(raise_request_exception=False).post(
        "/api/v3/submissions/",
        {
            "submitter_name": "Ana",
            "submitter_email": "ana@example.org",
            "country": "XK",
            "language": "sq",
            "organisation": int(HUGE),
            "title": "Lajm",
            "text": "Tekst",
            "consent": True,
        },
        content_type="application/json",
    )
    assert_problem(response, 400)


def test_huge_ids_next_to_real_content_still_find_it(programme):
    section = section_for(
        programme["countries"]["XK"], Locale.objects.get(language_code="en")
    )
    page = section.add_child(
        instance=NewsPage(
            title="Real", slug="real", date=datetime.date(2026, 11, 1), lead="L"
        )
    )
    page.save_revision().publish()
    client = Client(raise_request_exception=False)
    assert client.get(f"/api/v3/news/{page.pk}/").json()["title"] == "Real"
    assert_problem(client.get(f"/api/v3/news/{page.pk}{HUGE}/"), 404)

"""HEAD works on every GET route of the public API, served from the response
cache or not: the same status and headers as GET, and no body."""

import datetime
import re

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from wagtail.models import Locale

from news.models import NewsPage
from news.structure import section_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def get_routes(client, programme):
    """Every GET operation of the schema as a URL naming real content."""
    section = section_for(
        programme["countries"]["XK"], Locale.objects.get(language_code="en")
    )
    page = section.add_child(
        instance=NewsPage(
            title="Shown", slug="shown", date=datetime.date(2026, 11, 1), lead="L"
        )
    )
    page.save_revision().publish()
    values = {
        "page_id": page.pk,
        "organisation_id": programme["organisations"]["KCSF"].pk,
        "locale": "en",
        "slug": "shown",
    }
    required = {"token": "x", "q": "civil"}
    schema = client.get("/api/v3/openapi.json").json()
    routes = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        query = [
            f"{p['name']}={required[p['name']]}"
            for p in operations["get"].get("parameters", [])
            if p["in"] == "query" and p.get("required")
        ]
        url = re.sub(r"{(\w+)}", lambda m: str(values.get(m[1], 1)), path)
        url += "?" + "&".join(query) if query else ""
        routes.append(url)
    assert len(routes) >= 15
    return routes


def answer(method, url):
    """The response as the server sends it (the test client would drop a
    HEAD body itself)."""
    request = RequestFactory().generic(method, url)
    return WSGIHandler().get_response(request)


def same_headers(head, get):
    assert head.status_code == get.status_code, head.content
    # never_cache's Expires is "now", which may have ticked between the two.
    assert head.headers.keys() == get.headers.keys()
    assert {k: v for k, v in head.headers.items() if k != "Expires"} == {
        k: v for k, v in get.headers.items() if k != "Expires"
    }
    assert head.content == b""
    assert int(head["Content-Length"]) == len(get.content)


@pytest.mark.parametrize("cache_seconds", [0, 600])
def test_head_answers_like_get_without_a_body(get_routes, settings, cache_seconds):
    settings.API_CACHE_SECONDS = cache_seconds
    statuses = {}
    for url in get_routes:
        first_head = answer("HEAD", url)  # a miss when caching
        get = answer("GET", url)  # a hit when caching
        same_headers(first_head, get)
        same_headers(answer("HEAD", url), get)
        statuses[url] = get.status_code
    assert statuses["/api/v3/news/"] == 200
    assert sum(status == 200 for status in statuses.values()) >= 12, statuses

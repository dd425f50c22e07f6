"""The public API is the website's contract only: the project's routers, no
Wagtail v3 route (pages, images, documents, redirects, sites, snippets,
schema, whoami), whatever the request carries."""

import pytest

pytestmark = pytest.mark.django_db

WAGTAIL_ROUTES = [
    "/api/v3/pages/",
    "/api/v3/pages/1/",
    "/api/v3/pages/?site=other.example",
    "/api/v3/images/",
    "/api/v3/images/1/",
    "/api/v3/documents/",
    "/api/v3/redirects/",
    "/api/v3/sites/",
    "/api/v3/snippets/",
    "/api/v3/snippets/news.Topic/",
    "/api/v3/whoami/",
    "/api/v3/schema/",
    "/api/v3/schema/pages/",
]


@pytest.mark.parametrize("url", WAGTAIL_ROUTES)
def test_wagtails_own_routes_are_not_public(client, programme, admin_user, url):
    client.force_login(admin_user)
    response = client.get(url, HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"status": 404, "title": "Not found", "errors": {}}


def test_wagtails_write_actions_are_not_public(client, programme, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/api/v3/pages/3/actions/publish/", {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_schema_lists_the_project_operations_only(client):
    schema = client.get("/api/v3/openapi.json").json()
    assert schema["info"]["title"] == "Civil Society Programme API"
    prefixes = {path.split("/")[3] for path in schema["paths"]}
    assert prefixes == {
        "news",
        "events",
        "organisations",
        "countries",
        "topics",
        "locales",
        "submissions",
        "preview",
        "newsletter",
        "newsletters",
        "search",
    }
    assert client.get("/api/v3/docs/").status_code == 200

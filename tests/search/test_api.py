"""The search endpoints: results, facets, autocomplete, and 400 for bad input."""

import pytest

URL = "/api/v3/search/"


def test_search_endpoint_returns_ranked_hits_with_facets(client, corpus):
    response = client.get(URL, {"q": "udruzenje gradjana", "locale": "sr"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    hit = body["results"][0]
    assert hit["title"].startswith("Удружење грађана у Београду")
    assert hit["type"] == "news" and hit["country"] == "RS" and hit["locale"] == "sr"
    assert "<mark>" in hit["snippet"]
    assert body["facets"]["type"]["news"] == 1
    assert body["facets"]["country"] == {"RS": 1}


def test_autocomplete_suggests_titles_from_a_prefix(client, corpus):
    response = client.get(URL + "autocomplete/", {"q": "kosovar", "locale": "en"})
    assert response.status_code == 200
    titles = [hit["title"] for hit in response.json()["results"]]
    assert "Kosovar Civil Society Foundation" in titles


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "  "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "!!!"}, "q"),
        ({"q": "a", "locale": "xx"}, "locale"),
        ({"q": "a", "type": "news,poems"}, "type"),
        ({"q": "a", "country": "QQ"}, "country"),
        ({"q": "a", "limit": "500"}, "limit"),
        ({"q": "a", "limit": "many"}, "limit"),
        ({"q": "a", "offset": "-1"}, "offset"),
        ({"q": "a", "date_from": "2026-13-45"}, "date_from"),
        ({"q": "a", "date_from": "2026-12-01", "date_to": "2026-01-01"}, "date_from"),
    ],
)
def test_bad_parameters_get_400_naming_the_field(client, db, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_search_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/v3/openapi.json").json()
    assert "/api/v3/search/" in schema["paths"]
    assert "/api/v3/search/autocomplete/" in schema["paths"]
    parameters = {
        p["name"] for p in schema["paths"]["/api/v3/search/"]["get"]["parameters"]
    }
    assert {
        "q",
        "locale",
        "type",
        "country",
        "date_from",
        "date_to",
        "limit",
    } <= parameters


def test_search_page_in_the_readers_language(client, corpus):
    response = client.get("/sr/search/", {"q": "Beograd"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Удружење грађана у Београду" in page
    assert client.get("/sr/search/", {"q": "x" * 300}).status_code == 400

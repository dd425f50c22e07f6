"""The OpenAPI schema documents every answer an operation can give besides
its own (400, 404, 405, 415, 429, each in the one error shape), and is built
once per process, not on every request."""

import pytest
from ninja.openapi import schema as ninja_schema

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
def schema(client):
    return client.get("/api/v3/openapi.json").json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_the_answers_it_can_give(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"405", "429"}
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add("400")
        if "{" in path:
            expected.add("404")
        if operation.get("requestBody"):
            expected.add("415")
        assert expected <= responses.keys(), (method, path, responses.keys())
        for status in expected:
            content = responses[status]["content"]["application/json"]
            assert content["schema"] == PROBLEM, (method, path, status)
    assert schema["components"]["schemas"]["Problem"]["required"] == [
        "status",
        "title",
    ]


def test_bodies_are_documented_as_json_only(schema):
    bodies = [
        op["requestBody"] for _, _, op in operations(schema) if "requestBody" in op
    ]
    assert len(bodies) >= 5
    assert all(set(body["content"]) == {"application/json"} for body in bodies)


def test_the_schema_is_built_once_per_process(client, monkeypatch):
    client.get("/api/v3/openapi.json")  # built by now, in any test order
    built = []
    original = ninja_schema.OpenAPISchema.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ninja_schema.OpenAPISchema, "__init__", counting)
    first = client.get("/api/v3/openapi.json")
    second = client.get("/api/v3/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert built == []

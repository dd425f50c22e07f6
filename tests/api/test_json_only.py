"""Bodies are JSON only: a cross-site HTML form (urlencoded, multipart or
text/plain, which browsers send without a CORS preflight) gets 415 and
changes nothing."""

import json

import pytest

from newsletters.audience.models import Subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = {
    "email": "form@example.org",
    "countries": ["XK"],
    "language": "sq",
    "consent": True,
}
FORM_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain",
    "text/plain;charset=UTF-8",
]


@pytest.mark.parametrize("content_type", FORM_TYPES)
def test_a_form_post_to_subscribe_is_415_and_subscribes_nobody(
    client, programme, content_type
):
    response = client.post(
        "/api/v3/newsletter/subscribe/",
        json.dumps(SUBSCRIBE),
        content_type=content_type,
    )
    assert response.status_code == 415
    assert response.json()["status"] == 415
    assert not Subscriber.objects.filter(email="form@example.org").exists()


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", "/api/v3/submissions/"),
        ("post", "/api/v3/newsletter/confirm/"),
        ("post", "/api/v3/newsletter/unsubscribe/"),
        ("put", "/api/v3/newsletter/preferences/"),
    ],
)
def test_every_endpoint_with_a_body_refuses_non_json(client, programme, method, url):
    response = getattr(client, method)(
        url, "token=x&title=y", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["status"] == 415


def test_json_with_a_charset_is_read_as_json(client, programme):
    """The body is parsed: the answer is about its fields, not its type."""
    response = client.post(
        "/api/v3/newsletter/subscribe/",
        json.dumps({**SUBSCRIBE, "countries": ["ZZ"]}),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 400
    assert "countries" in response.json()["errors"]

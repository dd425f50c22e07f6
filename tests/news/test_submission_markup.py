"""Escaped markup a CSO sends (form or API) is stored as text, decoded once.

The title, lead, organisation name and submitter name of ``&lt;img ...&gt;``
read ``<img ...>`` to a person and are no tag to any parser; sent escaped
twice they read ``&lt;img ...&gt;`` (one decoding, not two).
"""

import pytest

from news.models import NewsPage, Organisation, Submission
from tests.news.test_plain_text import ATTACK, escaped, read_as_html, visible
from tests.news.test_submissions import PAGE, form_data, payload, post_api


def send(client, path, times):
    marked = escaped(ATTACK, times)
    fields = {
        "title": f"Lajm {marked}",
        "text": f"Hyrje {marked}\n\nTeksti {marked}",
        "new_organisation_name": f"Shoqata {marked}",
        "submitter_name": f"Arbër {marked}",
    }
    if path == "api":
        response = post_api(client, payload(**fields))
        assert response.status_code == 202, response.content
    else:
        response = client.post(PAGE, form_data(**fields))
        assert response.status_code == 200, response.content.decode()[:500]
    return escaped(ATTACK, times - 1)


@pytest.mark.parametrize("times", [1, 2, 3])
@pytest.mark.parametrize("path", ["form", "api"])
def test_escaped_markup_in_a_submission_is_stored_as_text(
    client, programme, path, times
):
    shown = send(client, path, times)
    page = NewsPage.objects.get()
    organisation = Organisation.objects.get(verified=False)
    submission = Submission.objects.get()
    stored = {
        "title": (page.title, f"Lajm {shown}"),
        "lead": (page.lead, f"Hyrje {shown}"),
        "organisation": (organisation.name, f"Shoqata {shown}"),
        "submitter": (submission.submitter_name, f"Arbër {shown}"),
    }
    for field, (value, expected) in stored.items():
        assert visible(value) == expected, field
        tags, _words = read_as_html(value)
        assert tags == [], field
    body = page.get_latest_revision_as_object().body[0].value.source
    tags, words = read_as_html(body)
    assert set(tags) == {"p"}
    assert f"Teksti {shown}" in visible(words)

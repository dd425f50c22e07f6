"""The public pages' shared layout (templates/base.html): BCP 47 language,
viewport, the stylesheet, the programme's name, a <main> landmark, a label
for every input and errors tied to their fields (issue 15, "Public pages
people will see"; tests/e2e/test_public_pages.py runs axe-core on them)."""

import re

import pytest

from home.locales import html_lang
from home.models import ProgrammeSettings
from tests.newsletters.conftest import HUMAN, make_lists

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(db):
    return make_lists({})


@pytest.mark.parametrize(
    ("code", "lang"),
    [("en", "en"), ("sq", "sq"), ("sr", "sr"), ("sr-latn", "sr-Latn"), ("cnr", "cnr")],
)
def test_html_lang_is_bcp_47(code, lang):
    assert html_lang(code) == lang


@pytest.mark.parametrize(
    "url", ["/sr-latn/submit-news/", "/sr-latn/newsletter/subscribe/"]
)
def test_public_page_has_the_shared_layout(client, lists, url):
    settings = ProgrammeSettings.load()
    settings.programme_name = "Programi Test"
    settings.save()
    html = client.get(url).content.decode()
    assert '<html lang="sr-Latn">' in html
    viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    assert viewport in html
    assert 'href="/static/home/public.css"' in html
    assert re.search(r'<header class="site-header">.*Programi Test', html, re.S)
    assert '<main id="main"' in html
    assert '<a class="skip-link" href="#main">' in html
    ids = set(re.findall(r'<input[^>]* id="([^"]+)"', html))
    ids |= set(re.findall(r'<(?:select|textarea)[^>]* id="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
    assert ids and ids <= labelled, ids - labelled


def test_field_errors_are_tied_to_their_fields(client, lists):
    html = client.post("/en/newsletter/subscribe/", {}, **HUMAN).content.decode()
    email = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in email
    described = re.search(r'aria-describedby="([^"]+)"', email).group(1)
    for ident in described.split():
        assert re.search(rf'id="{ident}"[^>]*>[^<]+', html), ident

"""Newsletter rich text links only to pages the public may see: a link to a
draft in an email or the web version would hand out its URL."""

import pytest
from django.conf import settings

from newsletters.composition.rendering import render_edition

from .compose import intro, news, newsletter

pytestmark = pytest.mark.django_db


def test_links_to_unpublished_pages_become_plain_text(programme):
    shown = news(programme, "XK", "en", "Shown item")
    draft = news(programme, "XK", "en", "Draft item")
    draft.unpublish()
    html = (
        f'<p><a linktype="page" id="{shown.pk}">public</a> and '
        f'<a linktype="page" id="{draft.pk}">unreviewed</a>.</p>'
    )
    edition = render_edition(newsletter(programme, "XK", "en", [intro(html)]))
    assert f'href="{settings.BASE_URL}{shown.url}"' in edition.html
    assert "unreviewed" in edition.html and draft.slug not in edition.html
    assert draft.slug not in edition.text
    assert "unreviewed <" not in edition.text

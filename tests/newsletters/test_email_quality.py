"""What every rendered newsletter must be, checked on the email as it leaves:
under Gmail's clipping size with a full digest, images described, links
absolute, no script, both parts, and every character of every script kept in
the decoded MIME message (subject included)."""

import email
import email.policy
import html as htmllib
import re

import pytest
from django.conf import settings

from newsletters.composition.rendering import render_edition
from newsletters.delivery.message import PreparedMessage

from .compose import NOW, SAMPLES, full_issue, intro, newsletter

pytestmark = pytest.mark.django_db

GMAIL_CLIP_BYTES = 102 * 1024


def decoded(edition, first_name):
    raw = PreparedMessage.from_edition(edition).render(
        to="reader@example.org",
        message_id="<test.1@example.org>",
        values={
            "first_name": first_name,
            "unsubscribe_url": "https://example.org/u/1",
            "preferences_url": "https://example.org/p/1",
        },
        headers={},
    )
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("language", ["mk", "sr", "tr", "sq"])
def test_full_issue_meets_the_email_quality_bar(programme, language):
    _iso, title, lead, subject, preheader, _name = SAMPLES[language]
    page = full_issue(programme, language)
    edition = render_edition(page, now=NOW)
    html = edition.html

    size = len(html.encode("utf-8"))
    assert size < GMAIL_CLIP_BYTES, f"{size} bytes: Gmail clips above 102 KB"
    unescaped = htmllib.unescape(html)
    assert unescaped.count(f"{title} (") == 30  # all 30 digest items are in

    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) == 3  # featured, image block, column image
    for tag in images:
        assert re.search(r'\balt="[^"]+"', tag), tag
        assert re.search(r'\bwidth="\d+"', tag) and re.search(r'\bheight="\d+"', tag)
        src = re.search(r'\bsrc="([^"]+)"', tag).group(1)
        assert src.startswith(settings.BASE_URL + "/")

    links = re.findall(r'\bhref="([^"]*)"', html)
    assert links
    for link in links:
        assert link.startswith(("http://", "https://", "%%")), link
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()

    assert edition.text.strip()
    assert title in edition.text
    assert edition.subject == subject
    assert f"<title>{subject}</title>" in unescaped
    assert preheader in unescaped
    assert f'lang="{language}"' in html


@pytest.mark.parametrize("language", ["mk", "sr", "tr", "sq"])
def test_every_character_survives_into_the_decoded_mime_parts(programme, language):
    _iso, title, lead, subject, preheader, name = SAMPLES[language]
    page = full_issue(programme, language, items=3)
    message = decoded(render_edition(page, now=NOW), name)

    assert message["Subject"] == subject
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = htmllib.unescape(message.get_body(("html",)).get_content())
    for part in (text, html):
        assert title in part
        assert lead in part
        assert name in part  # the greeting, spliced in
        assert "%%" not in part
    assert preheader in html
    assert "https://example.org/u/1" in text and "https://example.org/u/1" in html


def test_subscriber_name_with_markup_is_escaped_in_html(programme):
    page = newsletter(programme, "XK", "en", [intro("<p>Hi</p>")])
    message = decoded(render_edition(page), "<b>Ana</b> & co")
    html = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Ana&lt;/b&gt; &amp; co" in html
    assert "<b>Ana</b>" in message.get_body(("plain",)).get_content()

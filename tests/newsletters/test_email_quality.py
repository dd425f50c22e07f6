"""What every rendered newsletter must be, checked on the email as it leaves:
under Gmail's clipping size with a full digest, images described, links
absolute, no script, both parts, and every character of every script kept in
the decoded MIME message (subject included)."""

import datetime
import email
import email.policy
import html as htmllib
import re

import pytest
from django.conf import settings

from newsletters.message import PreparedMessage
from newsletters.rendering import render_edition

from .compose import NOW, TODAY, digest, event, intro, make_image, news, newsletter

pytestmark = pytest.mark.django_db

GMAIL_CLIP_BYTES = 102 * 1024
OLDER = datetime.date(2025, 12, 1)
SAMPLES = {
    # language: (country, title, lead, subject, preheader, first name)
    "mk": (
        "XK",
        "Граѓанските организации во Скопје отворија нов ресурсен центар за млади",
        "Ресурсниот центар ќе нуди обуки, менторство и мали грантови за "
        "локални здруженија низ целата земја, со посебен фокус на руралните "
        "средини и на младите активисти кои почнуваат.",
        "Билтен: граѓанско општество — ноември",
        "Нови партнерства и што следува",
        "Љубица",
    ),
    "sr": (
        "RS",
        "Организације цивилног друштва у Нишу потписале споразум о сарадњи",
        "Споразум предвиђа заједничке обуке, размену искуства и праћење "
        "локалних буџета у јужној Србији током наредне две године.",
        "Билтен: грађанско друштво — новембар",
        "Ђурђевдан, жвака, ћуприја, џеп, љубав, њива",
        "Ђорђе",
    ),
    "tr": (
        "XK",
        "İstanbul'da sivil toplum kuruluşları ılık bir kış öncesi buluştu",
        "Güçlü ağlar, şeffaflık ve gönüllülük üzerine düzenlenen toplantıya "
        "Iğdır, Şırnak ve Ağrı'dan da katılımcılar geldi; ığdırlı gençler "
        "İzmir'deki çalıştaya davet edildi.",
        "Bülten: İyi haberler, ılık günler — Kasım",
        "Şeffaflık, ağlar ve Iğdır'dan İzmir'e",
        "Işıl",
    ),
    "sq": (
        "XK",
        "Organizatat e shoqërisë civile në Gjakovë çelin zyrën e përbashkët",
        "Zyra do të ofrojë trajnime për menaxhimin financiar, çështjet "
        "ligjore dhe përfshirjen e të rinjve në vendimmarrje.",
        "Buletini: ç'ka të re në shoqërinë civile — nëntor",
        "Partneritete të reja dhe çfarë vjen më pas",
        "Ëndrit",
    ),
}


def full_issue(programme, language, items=30):
    iso, title, lead, subject, preheader, _name = SAMPLES[language]
    image = make_image(title[:40])
    for n in range(items):
        news(
            programme,
            iso,
            language,
            f"{title} ({n + 1})",
            lead=lead,
            date=TODAY - datetime.timedelta(days=n % 20),
            hero_image=image,
        )
    event(programme, iso, language, title, start=NOW + datetime.timedelta(days=4))
    featured = news(  # older than the digest's start: not in it
        programme, iso, language, title, lead=lead, hero_image=image, date=OLDER
    )
    body = [
        intro(f"<h2>{subject}</h2><p>{lead}</p><ul><li>{title}</li></ul>"),
        {"type": "featured_news", "value": {"page": featured.pk, "show_image": True}},
        digest(heading=preheader, max_items=items, since="2026-01-01"),
        {"type": "upcoming_events", "value": {"heading": title, "days": 30}},
        {"type": "image", "value": {"image": image.pk, "alt_text": title}},
        {"type": "button", "value": {"text": preheader, "url": "https://example.org/"}},
        {
            "type": "two_columns",
            "value": {
                "left": [{"type": "text", "value": f"<p>{lead}</p>"}],
                "right": [
                    {"type": "image", "value": {"image": image.pk, "alt_text": title}}
                ],
            },
        },
        {"type": "note", "value": {"text": lead}},
    ]
    return newsletter(
        programme, iso, language, body, subject=subject, preheader=preheader
    )


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

"""Building blocks for composition tests: news, events, images, newsletters."""

import datetime
import io
import uuid

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail_localize.operations import TranslationCreator

from news.models import EventPage, NewsPage
from news.structure import section_for
from newsletters.composition.models import NewsletterPage

TODAY = datetime.date(2026, 11, 20)
NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 0))


def locale(code):
    return Locale.objects.get(language_code=code)


def make_image(title="Photo", size=(1600, 900)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 90, 160)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{uuid.uuid4().hex}.png")
    )


def news(programme, iso, code, title, *, lead="Lead.", date=TODAY, **fields):
    section = section_for(programme["countries"][iso], locale(code))
    page = section.add_child(
        instance=NewsPage(
            title=title,
            slug=fields.pop("slug", None) or uuid.uuid4().hex[:12],
            date=date,
            lead=lead,
            **fields,
        )
    )
    page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)


def event(programme, iso, code, title, *, start, city="Prishtinë", **fields):
    section = section_for(programme["countries"][iso], locale(code), key="events")
    page = section.add_child(
        instance=EventPage(
            title=title,
            slug=uuid.uuid4().hex[:12],
            event_type=EventPage.EventType.TRAINING,
            start=start,
            end=start + datetime.timedelta(hours=3),
            city=city,
            **fields,
        )
    )
    page.save_revision().publish()
    return page


def newsletter(programme, iso, code, body, *, title="Issue", subject=None, **fields):
    """A newsletter in ``code`` under the country's section; ``body`` is raw
    StreamField data ([{"type": ..., "value": ...}])."""
    section = section_for(programme["countries"][iso], locale(code), key="newsletters")
    publish = fields.pop("publish", True)
    page = section.add_child(
        instance=NewsletterPage(
            title=title,
            slug=fields.pop("slug", None) or uuid.uuid4().hex[:12],
            subject=subject or title,
            body=body,
            live=publish,
            **fields,
        )
    )
    if publish:
        page.save_revision().publish()
    return NewsletterPage.objects.get(pk=page.pk)


def translate(page, codes, user):
    TranslationCreator(user, [locale(c) for c in codes]).create_translations(page)
    return {c: page.get_translation(locale(c)).specific for c in codes}


def intro(html):
    return {"type": "intro", "value": html}


def digest(max_items=5, **value):
    return {"type": "news_digest", "value": {"max_items": max_items, **value}}


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

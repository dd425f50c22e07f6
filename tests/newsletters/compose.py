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
from newsletters.models import NewsletterPage

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

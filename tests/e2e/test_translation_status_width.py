"""The Translation status report fits the admin at 1280 px with every
language shown (a superuser's view): no horizontal scrolling."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from home.translation.teams import ensure_language_teams
from news.models import NewsPage
from news.structure import section_for

OVERFLOW = (
    "[document.documentElement.scrollWidth, window.innerWidth,"
    " document.querySelector('table.translation-status')"
    "?.getBoundingClientRect().right]"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_report_fits_1280_pixels(live_server, programme, chromium):
    ensure_language_teams()
    admin = get_user_model().objects.create_superuser(
        "admin", "admin@example.org", "pw"
    )
    section = section_for(
        programme["countries"]["XK"], Locale.objects.get(language_code="sq")
    )
    page = section.add_child(
        instance=NewsPage(
            title="Fondacioni nënshkruan një partneritet të ri me Qendrën Burimore",
            slug="partneritet",
            date=datetime.date(2026, 11, 2),
            lead="Qendra Burimore do të mbështesë organizatat lokale.",
            owner=admin,
        )
    )
    page.save_revision(user=admin).publish()
    client = Client()
    client.force_login(admin)
    chromium.use_session(live_server.url, client)
    session = chromium.open(live_server.url + reverse("translation_status"), 1280)
    scroll_width, viewport, table_right = chromium.evaluate(session, OVERFLOW)
    assert table_right is not None, "the report shows its table"
    assert scroll_width <= viewport, (scroll_width, viewport)
    assert table_right <= viewport, (table_right, viewport)

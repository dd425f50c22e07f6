"""The rendered newsletter in a real browser engine (headless Chromium): laid
out at 600 px (desktop clients) and 375 px (phones) without horizontal
overflow on the phone. Screenshots are kept as CI artifacts in
SCREENSHOT_DIR (default var/artifacts/screenshots/, see docs/newsletters.md).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from newsletters.composition.rendering import fill, render_edition
from tests.conftest import REPO
from tests.newsletters.compose import NOW, full_issue

pytestmark = pytest.mark.django_db


def screenshot_dir():
    folder = Path(
        os.environ.get("SCREENSHOT_DIR") or REPO / "var" / "artifacts" / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("language", ["sq", "mk", "tr"])
def test_newsletter_fits_desktop_and_phone_widths(
    programme, chromium, media_root, language
):
    page = full_issue(programme, language, items=30)
    html = fill(render_edition(page, now=NOW), values={"first_name": "Ëndrit"})
    # Images from the test's media folder, so that the screenshots show them.
    html = html.replace(
        settings.BASE_URL + settings.MEDIA_URL, Path(media_root).as_uri() + "/"
    )
    folder = screenshot_dir()
    document = folder / f"newsletter-{language}.html"
    document.write_text(html, encoding="utf-8")

    widths = {}
    for width, mobile in ((600, False), (375, True)):
        session = chromium.open(document.as_uri(), width, mobile=mobile)
        widths[width] = chromium.evaluate(
            session, "document.scrollingElement.scrollWidth"
        )
        broken = chromium.evaluate(
            session,
            "[...document.images].filter(i => !i.complete || !i.naturalWidth).length",
        )
        assert broken == 0, f"{broken} images did not load at {width} px"
        chromium.screenshot(session, folder / f"newsletter-{language}-{width}.png")

    assert widths[375] <= 375, f"horizontal overflow on a phone: {widths[375]} px"
    assert widths[600] <= 600
    for width in (600, 375):
        assert (folder / f"newsletter-{language}-{width}.png").stat().st_size > 10_000

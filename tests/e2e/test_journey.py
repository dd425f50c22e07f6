"""One whole journey through the product, in a browser (Playwright on
Debian's chromium) against real processes: a web server, a Celery worker and
beat on the test database, and an SMTP server on loopback whose messages the
test reads (issue 15). Each step leaves a screenshot in
SCREENSHOT_DIR/journey/NN-name.png (default var/test/screenshots/journey).

1. A CSO sends news in Albanian, with an image, from a phone.
2. Kosovo's officer finds it in the admin, edits it and approves it.
3. It is translated to English and Serbian on request: machine draft,
   translator's edit, reviewer's approval.
4. The API lists it in three languages; search finds the Serbian one from a
   Latin query.
5. A visitor subscribes in Serbian on a phone and confirms from the email.
6. The officer composes a digest with the item, previews it on desktop and
   phone, sends a test, then sends it to Kosovo's list.
7. The subscriber's email arrives in Serbian, links to BASE_URL, renders;
   one-click unsubscribe works; the preferences page shows no subscription.
8. Serbia's officer can see or change none of it.
"""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import REPO

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


class Shots:
    """Numbered screenshots of the journey."""

    def __init__(self):
        base = os.environ.get("SCREENSHOT_DIR") or REPO / "var" / "test" / "screenshots"
        self.folder = Path(base) / "journey"
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.number = 0

    def __call__(self, page, name):
        self.number += 1
        page.screenshot(
            path=self.folder / f"{self.number:02d}-{name}.png", full_page=True
        )


def png(colour=(200, 30, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), colour).save(buffer, "PNG")
    return buffer.getvalue()


TITLE = "Qendra e re e shoqërisë civile në Prizren"
TEXT = "Organizata jonë çel një qendër të re për të rinjtë në Prizren."


def cso_submits_news(browser, stack, shots):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(stack.url("/sq/submit-news/"))
    shots(page, "submission-form")
    page.fill("[name=submitter_name]", "Arta Krasniqi")
    page.fill("[name=submitter_email]", "arta@example.org")
    page.select_option("[name=country]", value="XK")
    page.select_option("[name=language]", value="sq")
    page.fill("[name=new_organisation_name]", "Forumi Rinor i Prizrenit")
    page.fill("[name=title]", TITLE)
    page.fill("[name=text]", TEXT)
    page.set_input_files(
        "[name=image]",
        {"name": "qendra.png", "mimeType": "image/png", "buffer": png()},
    )
    page.check("[name=image_rights]")
    page.check("[name=consent]")
    shots(page, "submission-filled")
    page.click("main form:not(.language-switch) [type=submit]")
    page.wait_for_load_state()
    shots(page, "submission-received")
    assert not page.locator("main form:not(.language-switch)").count()
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_journey(programme, team_user, stack, playwright_browser):
    browser = playwright_browser
    shots = Shots()
    cso_submits_news(browser, stack, shots)

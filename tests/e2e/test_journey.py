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
import re

import pytest
from django.urls import reverse
from PIL import Image
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, Translation

from news.models import NewsPage

from .journey_mail import (
    officer_sends_digest,
    outsider_is_refused,
    reader_gets_serbian_email,
    visitor_subscribes,
)
from .journey_steps import (
    DESKTOP,
    PHONE,
    Axe,
    Shots,
    language_user,
    post,
    sign_in,
    step,
)


def png(colour=(200, 30, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), colour).save(buffer, "PNG")
    return buffer.getvalue()


TITLE = "Qendra e re e shoqërisë civile në Prizren"
TEXT = "Organizata jonë çel një qendër të re për të rinjtë në Prizren."


def cso_submits_news(browser, stack, shots, axe):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(stack.url("/sq/submit-news/"))
    shots(page, "submission-form")
    axe(page, "submission-form")
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
    axe(page, "submission-received")
    assert not page.locator("main form:not(.language-switch)").count()
    context.close()


LEAD = "Qendra e re hapet të hënën për të rinjtë e Prizrenit."


LEAD = "Qendra e re hapet të hënën për të rinjtë e Prizrenit."
ITEM = {
    "en": {
        TITLE: "New civil society centre in Prizren",
        LEAD: "The new centre opens on Monday for Prizren's young people.",
        TEXT: "Our organisation opens a new centre for young people in Prizren.",
    },
    "sr": {
        TITLE: "Нови центар цивилног друштва у Призрену",
        LEAD: "Нови центар се отвара у понедељак за младе Призрена.",
        TEXT: "Наша организација отвара нови центар за младе у Призрену.",
    },
}


def locale(code):
    return Locale.objects.get(language_code=code)


def officer_approves(browser, stack, shots):
    """From the dashboard's review queue to the editor: the lead retyped and
    Approve pressed right after (the autosave the change lets out races it)."""
    page = sign_in(browser, stack, "xk-moderator")
    with step(shots, page, "officer-approves"):
        assert page.get_by_text("Waiting for review in your countries").count()
        shots(page, "officer-dashboard")
        page.get_by_role("link", name=TITLE).first.click()
        page.wait_for_selector("#id_lead")
        shots(page, "officer-editor")
        page.fill("#id_lead", LEAD)
        page.get_by_role("button", name="More actions").last.click()
        page.get_by_role("button", name="Approve and Publish", exact=True).click()
        page.wait_for_url(lambda url: "/edit/" not in url)
        shots(page, "officer-approved")
        assert page.get_by_text(TITLE).count()


def translate_by_request(browser, stack, shots, source, texts, name):
    """The officer asks for ``texts``' languages; per language, the
    translator fills a machine draft, edits every string (``texts[code]``:
    source string to translation, else kept) and submits it; the language's
    reviewer approves it. Returns {code: the live translation}."""
    page = sign_in(browser, stack, "xk-moderator")
    with step(shots, page, f"{name}-request"):
        page.goto(
            stack.url(
                reverse("wagtail_localize:submit_page_translation", args=[source.pk])
            )
        )
        for code in texts:
            page.check(f"[name=locales][value='{locale(code).pk}']")
        shots(page, f"{name}-request")
        page.locator("form:has([name=locales]) [type=submit]").first.click()
        page.wait_for_url(lambda url: "/localize/submit/" not in url)
    done = {}
    for code, strings in texts.items():
        target = source.get_translation(locale(code))
        translation = Translation.objects.get(
            source__object_id=source.translation_key, target_locale=locale(code)
        )
        edit = reverse("wagtailadmin_pages:edit", args=[target.pk])
        page = sign_in(browser, stack, f"{code}-translators")
        with step(shots, page, f"{name}-{code}-translator"):
            page.goto(stack.url(edit))
            with page.expect_navigation():
                page.get_by_role("button", name="Translate with Machine").click()
            page.wait_for_load_state("networkidle")
            shots(page, f"{name}-{code}-machine-draft")
            assert page.get_by_text(
                f"[MT {source.locale.language_code}→{code}]"
            ).count()
            segments = StringSegment.objects.filter(
                source=translation.source
            ).select_related("string")
            for segment in segments:
                value = strings.get(segment.string.data, segment.string.data)
                post(
                    page,
                    stack,
                    reverse(
                        "wagtail_localize:edit_string_translation",
                        args=[translation.pk, segment.pk],
                    ),
                    {"value": value},
                    method="PUT",
                )
            page.reload()
            page.wait_for_load_state("networkidle")
            shots(page, f"{name}-{code}-translated")
            assert page.get_by_text("Translated manually").count()
            with page.expect_navigation():
                page.get_by_role(
                    "button", name=re.compile("^Submit for review")
                ).click()
            shots(page, f"{name}-{code}-submitted")
            assert page.get_by_text("translation for review.").count()
        page = sign_in(browser, stack, f"{code}-reviewers")
        with step(shots, page, f"{name}-{code}-reviewer"):
            page.goto(stack.url(edit))
            page.wait_for_load_state("networkidle")
            shots(page, f"{name}-{code}-review")
            with page.expect_navigation():
                page.get_by_role(
                    "button", name=re.compile("^Approve and publish")
                ).click()
            shots(page, f"{name}-{code}-approved")
            assert page.get_by_text("Approved and published the").count()
        done[code] = type(source).objects.get(pk=target.pk)
        assert done[code].live, f"{name}: the {code} translation is not live"
    return done


def api_and_search(browser, stack, shots, translations):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    with step(shots, page, "api"):
        titles = {"sq": TITLE, **{c: ITEM[c][TITLE] for c in ("en", "sr")}}
        for code, title in titles.items():
            page.goto(stack.url(f"/api/v3/news/?locale={code}"))
            listing = page.request.get(stack.url(f"/api/v3/news/?locale={code}"))
            assert title in [i["title"] for i in listing.json()["items"]], code
        shots(page, "api-news-sr")
        query = "/api/v3/search/?q=centar+civilnog+drustva&locale=sr"
        page.goto(stack.url(query))
        shots(page, "search-latin-query")
        hits = page.request.get(stack.url(query)).json()["results"]
        assert ITEM["sr"][TITLE] in [hit["title"] for hit in hits], hits


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_journey(programme, team_user, stack, playwright_browser):
    from home.translation.teams import ensure_language_teams
    from tests.newsletters.conftest import make_lists

    browser, shots, axe = playwright_browser, Shots(), Axe()
    ensure_language_teams()
    team_user("XK", "moderator")
    team_user("RS", "moderator")
    for code in ("en", "sr"):
        language_user(code, "translators")
        language_user(code, "reviewers")
    lists = make_lists(programme["countries"])

    cso_submits_news(browser, stack, shots, axe)
    officer_approves(browser, stack, shots)
    item = NewsPage.objects.get(title=TITLE)
    assert item.live and item.lead == LEAD and item.hero_image
    translations = translate_by_request(browser, stack, shots, item, ITEM, "item")
    api_and_search(browser, stack, shots, translations)
    reader = visitor_subscribes(browser, stack, shots, axe)
    issue, campaign = officer_sends_digest(
        browser, stack, shots, programme, lists["XK"], translate_by_request
    )
    reader_gets_serbian_email(browser, stack, shots, axe, reader, ITEM["sr"][TITLE])
    outsider_is_refused(browser, stack, shots, item, issue, campaign, lists["XK"])
    axe.check()

"""The journey's newsletter half (test_journey.py): a reader subscribes in
Serbian, the officer sends a digest, the email arrives, one-click
unsubscribe; and Serbia's officer is kept out of all of it."""

import re
import urllib.request

from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from news.structure import section_for
from newsletters.composition.models import NewsletterPage
from newsletters.delivery.models import Campaign

from .journey_steps import DESKTOP, PHONE, main_form_submit, post, sign_in, step

READER = "milica@example.org"
OFFICER = "test-sends@example.org"
SUBJECT = "Buletini i dhjetorit"
ISSUE = {"sr": {SUBJECT: "Билтен за децембар", "Lajme": "Вести"}}


def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(30_000)
    return context.new_page()


def link(text, pattern):
    found = re.search(r"https?://\S*" + pattern + r"\S*", text)
    assert found, f"no {pattern} link in:\n{text}"
    return found.group(0).rstrip(".,)>")


def visitor_subscribes(browser, stack, shots, axe):
    """In Serbian, at a phone's width; confirmed from the email."""
    page = phone(browser)
    with step(shots, page, "subscribe"):
        page.goto(stack.url("/sr/newsletter/subscribe/"))
        shots(page, "subscribe-form")
        axe(page, "subscribe-form")
        page.fill("[name=email]", READER)
        page.fill("[name=name]", "Милица")
        page.check("[name=countries][value=XK]")
        page.select_option("[name=language]", value="sr")
        page.check("[name=consent]")
        main_form_submit(page)
        shots(page, "subscribe-check-your-email")
        confirmation = stack.mail_to(READER)[0]
        assert confirmation["To"].endswith(READER)
        text = confirmation.get_body(("plain",)).get_content()
        url = link(text, "/confirm/")
        assert url.startswith(stack.base_url + "/sr/"), url
        page.goto(url)
        shots(page, "confirm")
        axe(page, "confirm")
        main_form_submit(page)
        shots(page, "confirmed")
        assert page.locator("html").get_attribute("lang") == "sr"
        axe(page, "confirmed")
        assert page.locator("main a[href*='/preferences/']").count()
    return READER


def issue_form(page_or_title, slug, body):
    return nested_form_data(
        {
            "title": page_or_title,
            "slug": slug,
            "subject": SUBJECT,
            "preheader": "",
            "sender": "",
            "body": streamfield(body),
            "comments": inline_formset([]),
        }
    )


DIGEST = (
    "news_digest",
    {
        "heading": "Lajme",
        "country": "",
        "topic": "",
        "since": "2000-01-01",
        "max_items": "5",
    },
)


def officer_sends_digest(browser, stack, shots, programme, kosovo, translate):
    """Composed in Albanian, translated to Serbian on request, previewed on
    desktop and phone, test-sent, published and sent to Kosovo's list."""
    sq = Locale.objects.get(language_code="sq")
    section = section_for(programme["countries"]["XK"], sq, "newsletters")
    page = sign_in(browser, stack, "xk-moderator")
    form = issue_form(SUBJECT, "buletini-i-dhjetorit", [DIGEST])
    with step(shots, page, "compose"):
        add = f"/admin/pages/add/newsletters/newsletterpage/{section.pk}/"
        page.goto(stack.url(add))
        shots(page, "newsletter-new")
        post(page, stack, add, form)
        issue = NewsletterPage.objects.get(slug="buletini-i-dhjetorit", locale=sq)
        draft = f"/admin/pages/{issue.pk}/view_draft/"
        page.goto(stack.url(draft + "?mode=email"))
        shots(page, "newsletter-preview-desktop")
        assert page.get_by_text("Lajme").count()
        page.set_viewport_size(PHONE)
        page.goto(stack.url(draft + "?mode=email_mobile"))
        shots(page, "newsletter-preview-mobile")
        page.set_viewport_size(DESKTOP)
        edit = reverse("wagtailadmin_pages:edit", args=[issue.pk])
        post(page, stack, edit, {**form, "action-publish": "action-publish"})
        issue.refresh_from_db()
        assert issue.live, "the officer's publish left the issue a draft"
    translated = translate(browser, stack, shots, issue, ISSUE, "issue")["sr"]
    page = sign_in(browser, stack, "xk-moderator")
    with step(shots, page, "send"):
        page.goto(stack.url(f"/admin/composition/pages/{translated.pk}/send-test/"))
        page.fill("[name=addresses]", OFFICER)
        page.locator("form:has([name=addresses]) [type=submit]").click()
        page.wait_for_load_state()
        shots(page, "newsletter-test-sent")
        test = stack.mail_to(OFFICER)[0]
        assert test["Subject"] == ISSUE["sr"][SUBJECT], test["Subject"]

        page.goto(stack.url(reverse("newsletters_campaigns:new", args=[issue.pk])))
        page.check(f"[name=lists][value='{kosovo.pk}']")
        page.click("[name=count]")
        page.wait_for_load_state()
        shots(page, "campaign-count")
        page.click("[name=confirm]")
        page.wait_for_url(lambda url: "/campaigns/new/" not in url)
        shots(page, "campaign-started")
    return issue, Campaign.objects.get(newsletter=issue)


def reader_gets_serbian_email(browser, stack, shots, axe, reader, serbian_title):
    message = next(
        m
        for m in stack.mail_to(reader, count=2, timeout=90)
        if m["Subject"] == ISSUE["sr"][SUBJECT]
    )
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert serbian_title in html and serbian_title in text
    links = re.findall(r'href="(https?://[^"]+)"', html)
    ours = [u for u in links if u.startswith(stack.base_url + "/")]
    assert ours, links
    assert all("testserver" not in u and "localhost" not in u for u in links), links
    page = phone(browser)
    with step(shots, page, "email"):
        page.set_content(html)
        shots(page, "email-in-serbian")
        assert page.get_by_text(serbian_title).count()

        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        one_click = re.search(r"<(https?://[^>]+)>", message["List-Unsubscribe"])[1]
        assert one_click.startswith(stack.base_url + "/"), one_click
        request = urllib.request.Request(  # noqa: S310 - the test's own server
            one_click,
            data=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            assert answer.status == 200

        page.goto(link(text, "/preferences/"))
        shots(page, "preferences-after-unsubscribe")
        axe(page, "preferences")
        assert page.locator("[name=countries]").count()
        assert not page.locator("[name=countries]:checked").count()


def refused(page, response, stack):
    """Wagtail's refusal: 403/404, or back to the dashboard."""
    return response.status in (403, 404) or page.url == stack.url("/admin/")


def outsider_is_refused(browser, stack, shots, item, issue, campaign, kosovo):
    page = sign_in(browser, stack, "rs-moderator")
    with step(shots, page, "outsider"):
        shots(page, "serbia-officer-dashboard")
        assert not page.get_by_text(item.title).count()
        places = {
            "explorer": f"/admin/pages/{item.get_parent().pk}/",
            "edit": reverse("wagtailadmin_pages:edit", args=[item.pk]),
            "issue": reverse("wagtailadmin_pages:edit", args=[issue.pk]),
            "campaign": reverse("newsletters_campaigns:detail", args=[campaign.pk]),
            "wizard": reverse("newsletters_campaigns:new", args=[issue.pk]),
            "list": f"/admin/snippets/newsletters/mailinglist/edit/{kosovo.pk}/",
        }
        for name, path in places.items():
            response = page.goto(stack.url(path))
            assert refused(page, response, stack), (name, response.status, page.url)
        shots(page, "serbia-officer-refused")
        token = next(
            c["value"] for c in page.context.cookies() if c["name"] == "csrftoken"
        )
        answer = page.request.post(
            stack.url(places["edit"]),
            form={"title": "Changed", "slug": item.slug},
            headers={"X-CSRFToken": token, "Referer": stack.url(places["edit"])},
            max_redirects=0,
        )
        assert answer.status in (302, 403, 404), answer.status
        item.refresh_from_db()
        assert item.title != "Changed"

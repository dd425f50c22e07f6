"""Admin pages in a real browser (headless Chromium) show escaped markup from
feeds, the submission form and API, and officers as text: no dialog fires.

The payload is ``<img src=x onerror=alert(1)>`` escaped zero to three times;
a page that turned any of it into a tag would call ``alert`` as soon as the
image fails to load. Every dialog function is recorded before any script of
the page runs, in every frame, and native dialogs are watched for as well.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from news.models import EventPage, NewsPage, Organisation, Submission
from tests.news.test_markup_in_every_output import (
    _event,
    _feed_items,
    _officer_items,
    _submitted_items,
)
from tests.news.test_plain_text import ATTACK, escaped

RECORDER = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__dialogs.push([name, String(args[0])]); };
}
"""


TEXT = """
document.body.innerText + " " +
[...document.querySelectorAll("input, textarea")].map(e => e.value).join(" ")
"""


def visit(browser, url):
    """(dialogs, text) of ``url`` once loaded and quiet on the network: the
    dialogs it opened, and the words it shows (form fields included)."""
    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    session = browser.call("Target.attachToTarget", targetId=target, flatten=True)[
        "sessionId"
    ]
    browser.call("Page.enable", session)
    browser.call("Page.setLifecycleEventsEnabled", session, enabled=True)
    browser.call("Page.addScriptToEvaluateOnNewDocument", session, source=RECORDER)
    loader = browser.call("Page.navigate", session, url=url)["loaderId"]
    browser.wait_for(
        "Page.lifecycleEvent",
        session,
        where=lambda e: e["loaderId"] == loader and e["name"] == "networkIdle",
    )
    recorded, text = (
        browser.call(
            "Runtime.evaluate", session, expression=expression, returnByValue=True
        )["result"].get("value")
        for expression in ("window.__dialogs", TEXT)
    )
    native = [
        e
        for e in browser.events
        if e.get("method") == "Page.javascriptDialogOpening"
        and e.get("sessionId") == session
    ]
    browser.call("Target.closeTarget", targetId=target)
    return (recorded or []) + native, (text or "").replace("\u2060", "")


def test_the_watch_sees_a_dialog_that_fires(chromium):
    page = "data:text/html,<p>x</p><img src=x onerror=alert(1)>"
    assert visit(chromium, page)[0] == [["alert", "1"]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_pages_show_markup_as_text(live_server, programme, chromium):
    client = Client()
    _feed_items(programme)
    _submitted_items(client)
    _officer_items(programme)
    _, event = _event(programme)
    admin = get_user_model().objects.create_superuser(
        "admin", "admin@example.org", "pw"
    )
    client.force_login(admin)
    chromium.use_session(live_server.url, client)
    drafts = NewsPage.objects.filter(live=False).order_by("pk")
    assert drafts.count() == 9  # 3 from the feed, 6 submitted, in review
    pages = list(NewsPage.objects.order_by("pk")) + [event]
    section = pages[0].get_parent()
    # Each path, with a word it must show (so a login page cannot pass).
    paths = {
        "/admin/": "Kform1",
        f"/admin/pages/{section.pk}/": "Kofficer3",
        "/admin/pages/search/?q=titull": "Kapi2",
        f"/admin/pages/{drafts[0].pk}/view_draft/": drafts[0].title.split()[0],
        f"/admin/pages/{event.pk}/view_draft/": "Kevent",
        "/admin/snippets/news/submission/": "Arbër",
        "/admin/snippets/news/organisation/": "Kform3",
    }
    for page in pages:
        marker = page.title.split()[0]
        paths[f"/admin/pages/{page.pk}/edit/"] = marker
        paths[f"/admin/pages/{page.pk}/history/"] = marker
    for submission in Submission.objects.select_related("page"):
        paths[f"/admin/snippets/news/submission/inspect/{submission.pk}/"] = "Arbër"
    for organisation in Organisation.objects.filter(verified=False):
        paths[f"/admin/snippets/news/organisation/edit/{organisation.pk}/"] = (
            organisation.name.split()[0]
        )
    assert EventPage.objects.filter(live=True).exists()
    fired, missing, shown = {}, [], ""
    for path, word in paths.items():
        found, text = visit(chromium, live_server.url + path)
        if found:
            fired[path] = found
        if word not in text:
            missing.append((path, word))
        shown += text
    assert fired == {}
    assert missing == []
    # The payload is there, as text, at every level of escaping.
    for times in range(4):
        assert escaped(ATTACK, times) in shown, times

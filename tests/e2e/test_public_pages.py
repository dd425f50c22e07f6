"""The public pages (CSO submission form and thank-you page, subscribe,
confirm, preferences, unsubscribe, the newsletter's web version) in headless
Chromium at a phone's width (375 px), in English, Albanian and Serbian
Cyrillic: axe-core (node_modules, from package-lock.json; `make install`)
finds no serious or critical violation, `<html lang>` is the page's language
in BCP 47, nothing overflows sideways, and a screenshot of each page is kept
in SCREENSHOT_DIR/public (default var/test/screenshots/public) (issue 15,
"Public pages people will see")."""

import json
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from newsletters.audience.links import confirm_url, preferences_url, unsubscribe_url
from newsletters.audience.models import Subscriber, Subscription
from tests.conftest import REPO, skip_unless_ci
from tests.newsletters.compose import intro, newsletter
from tests.newsletters.conftest import make_lists

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = {"en": "en", "sq": "sq", "sr": "sr"}
WIDTH = 375

RUN_AXE = """
axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(
  r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))
"""


def screenshot_dir():
    base = os.environ.get("SCREENSHOT_DIR") or REPO / "var" / "test" / "screenshots"
    folder = Path(base) / "public"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def axe_source():
    if not AXE.exists():
        skip_unless_ci("axe-core is not installed: run `make install` (npm ci)")
        pytest.fail(f"CI=true but {AXE} is missing: `make install` runs npm ci")
    return AXE.read_text(encoding="utf-8")


def subscriber_for(language, lists):
    subscriber = Subscriber.objects.create(
        email=f"reader-{language}@example.org", name="Ana", language=language
    )
    subscriber.new_confirm_nonce()
    subscriber.save()
    Subscription.objects.create(
        subscriber=subscriber,
        mailing_list=lists["XK"],
        status=Subscription.Status.PENDING,
    )
    return subscriber


def submit(chromium, session):
    """Press the page's main form's submit button; wait for the next page."""
    chromium.evaluate(
        session,
        "document.querySelector('main form:not(.language-switch) "
        "[type=submit]').click()",
    )
    chromium.wait_for("Page.loadEventFired", session)


def check(chromium, session, source, name, language, problems):
    """axe, lang, width and a screenshot of the page open in ``session``."""
    folder = screenshot_dir()
    chromium.screenshot(session, folder / f"{name}-{language}.png")
    where = f"{name} ({language})"
    lang = chromium.evaluate(session, "document.documentElement.lang")
    if lang != LANGUAGES[language]:
        problems.append(f"{where}: <html lang={lang!r}>, not {LANGUAGES[language]!r}")
    width = chromium.evaluate(session, "document.scrollingElement.scrollWidth")
    if width > WIDTH:
        problems.append(f"{where}: {width} px wide at {WIDTH} px")
    chromium.evaluate(session, source)
    result = chromium.call(
        "Runtime.evaluate",
        session,
        expression=RUN_AXE,
        awaitPromise=True,
        returnByValue=True,
        timeout=60,
    )
    violations = json.loads(result["result"]["value"])
    problems.extend(f"{where}: {v}" for v in violations)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_pass_axe_at_phone_width(live_server, programme, chromium):
    source = axe_source()
    lists = make_lists(programme["countries"])
    problems = []
    for language in LANGUAGES:
        issue = newsletter(
            programme,
            "XK",
            language,
            [intro("<p>Civil society news, Ђ ë.</p>")],
            title="Issue",
        )
        reader = subscriber_for(language, lists)
        with translation.override(language):
            submit_news = reverse("submit_news")
            subscribe = reverse("newsletter_subscribe")

        def visit(url, name, language=language):
            session = chromium.open(live_server.url + url, WIDTH, mobile=True)
            check(chromium, session, source, name, language, problems)
            return session

        session = visit(submit_news, "submission-form")
        submit(chromium, session)  # empty: every required field in error
        check(chromium, session, source, "submission-errors", language, problems)
        invalid = chromium.evaluate(
            session, "document.querySelectorAll('[aria-invalid=true]').length"
        )
        if not invalid:
            problems.append(f"submission-errors ({language}): no aria-invalid field")
        chromium.evaluate(
            session,
            """(() => {
              const set = (n, v) => document.querySelector(`[name=${n}]`).value = v;
              set('submitter_name', 'Ana'); set('submitter_email', 'ana@example.org');
              set('new_organisation_name', 'Civic Forum'); set('title', 'News');
              set('text', 'Some news from the town.');
              document.querySelector('[name=consent]').checked = true;
            })()""",
        )
        submit(chromium, session)
        check(chromium, session, source, "submission-received", language, problems)
        if not chromium.evaluate(session, "!document.querySelector('main form')"):
            problems.append(f"submission-received ({language}): not received")

        session = visit(subscribe, "subscribe")
        submit(chromium, session)
        check(chromium, session, source, "subscribe-errors", language, problems)

        visit(confirm_url(reader).removeprefix("http://testserver"), "confirm")
        visit(preferences_url(reader).removeprefix("http://testserver"), "preferences")
        session = visit(
            unsubscribe_url(reader).removeprefix("http://testserver"), "unsubscribe"
        )
        submit(chromium, session)
        check(chromium, session, source, "unsubscribed", language, problems)

        visit(issue.url, "web-version")

    assert not problems, "\n".join(problems)

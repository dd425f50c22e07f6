"""The journey's helpers (test_journey.py): screenshots, signing in, and the
admin's forms posted from the signed-in browser (its cookies, its CSRF token:
real requests to the server, as the page's scripts make them)."""

import contextlib
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from home.translation.teams import group_name
from tests.conftest import REPO

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


class Shots:
    """Numbered screenshots of the journey: NN-name.png."""

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

    def failed(self, page, name):
        with contextlib.suppress(Exception):
            page.screenshot(path=self.folder / f"failed-{name}.png", full_page=True)


@contextlib.contextmanager
def step(shots, page, name):
    """Close the page's context after; keep a screenshot of a failure."""
    try:
        yield page
    except BaseException:
        shots.failed(page, name)
        raise
    finally:
        page.context.close()


def language_user(code, role):
    user = get_user_model().objects.create_user(
        username=f"{code}-{role}",
        password="pw",  # noqa: S106
    )
    user.groups.add(Group.objects.get(name=group_name(code, role)))
    return user.username


def sign_in(browser, stack, username, viewport=DESKTOP):
    """A page on the admin's dashboard, signed in as ``username``: through
    the login form the first time, then with the session it left."""
    known = stack.sessions.get(username)
    context = browser.new_context(viewport=viewport, storage_state=known)
    context.set_default_timeout(30_000)
    page = context.new_page()
    if known:
        page.goto(stack.url("/admin/"))
        return page
    page.goto(stack.url("/admin/login/"))
    page.fill("[name=username]", username)
    page.fill("[name=password]", "pw")
    page.click("[type=submit]")
    page.wait_for_url(stack.url("/admin/"))
    stack.sessions[username] = context.storage_state()
    return page


def post(page, stack, path, form, method="POST"):
    """POST ``form`` from ``page``'s browser (its session and CSRF token)."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.fetch(
        stack.url(path),
        method=method,
        form=form,
        headers={"X-CSRFToken": token, "Referer": stack.url(path)},
        max_redirects=0,
    )
    assert response.status < 400, (path, response.status, response.text()[:2000])
    return response


def main_form_submit(page):
    page.click("main form:not(.language-switch) [type=submit]")
    page.wait_for_load_state()


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """
() => axe.run(document, {resultTypes: ['violations']}).then(r =>
  r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))
"""


class Axe:
    """axe-core (node_modules) on the public pages: no serious or critical
    violation. Collected, and checked once at the end of the journey."""

    def __init__(self):
        if not AXE.exists():
            from tests.conftest import skip_unless_ci

            skip_unless_ci("axe-core is not installed: run `make install` (npm ci)")
            raise AssertionError(f"CI=true but {AXE} is missing (`make install`)")
        self.problems = []

    def __call__(self, page, name):
        page.add_script_tag(path=str(AXE))
        self.problems.extend(f"{name}: {v}" for v in page.evaluate(RUN_AXE))

    def check(self):
        assert not self.problems, "\n".join(self.problems)

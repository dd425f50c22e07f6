"""Approve and the autosave that the same click let out, as real concurrent
requests (threads, each with its own database connection): on PostgreSQL in
CI, and on SQLite, the embedded default (cms.page_edits).

The approval is the slow one (an officer's Approve took 13 s on the shared
machine): it is held once it has loaded the page, until the autosave is done
or a few seconds have passed. Without the lock the autosave performed the
approval the form's hidden inputs named, and the held request then wrote the
draft it had loaded back over the published page: approved, logged as
published, still a draft.

(Its own module: a transactional test cannot share a module with the
programme fixture's outer transaction.)
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from wagtail import hooks
from wagtail.models import WorkflowState

from news.models import NewsPage

from .editing import autosave, edit_url, form_data, submission

HOLD_SECONDS = 3


def run(name, request, done=None):
    """``request()`` in a thread of its own (its own connection); returns
    the thread and a dict that gets its response or exception."""
    outcome = {}

    def target():
        try:
            outcome["response"] = request()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            outcome["error"] = error
        finally:
            connection.close()
            if done is not None:
                done.set()

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("autosaved_before", [True, False])
def test_approve_and_a_concurrent_autosave_end_published_or_refused(
    django_db_serialized_rollback,
    transactional_db,
    programme,
    team_user,
    autosaved_before,
):
    moderator = team_user("XK", "moderator")
    editor, autosaver = Client(), Client(raise_request_exception=False)
    editor.force_login(moderator)
    autosaver.force_login(moderator)
    page = submission(programme)
    loaded = page.latest_revision
    overwrite = None
    if autosaved_before:
        first = autosave(
            editor, page, form_data(page, lead="E para.", loaded_revision=loaded)
        )
        overwrite = page.revisions.get(pk=first.json()["revision_id"])

    # The officer types once more and clicks "Approve": the form is
    # submitted, and the autosave due for that last change goes too, with
    # the inputs the click added.
    lead = "Qendra hapet në Prizren të hënën; ç'lajm i mirë!"
    approval = form_data(page, lead=lead, loaded_revision=loaded, approve=True)
    late = form_data(
        page,
        lead=lead,
        loaded_revision=loaded,
        overwrite_revision=overwrite,
        approve=True,
    )
    loading, saved_done = threading.Event(), threading.Event()

    def hold(request, page):
        if threading.current_thread().name == "approve":
            loading.set()
            saved_done.wait(HOLD_SECONDS)

    with hooks.register_temporarily("before_edit_page", hold):
        approving, approved = run(
            "approve", lambda: editor.post(edit_url(page), approval)
        )
        assert loading.wait(60), "the approval never started"
        saving, saved = run(
            "autosave", lambda: autosave(autosaver, page, late), saved_done
        )
        approving.join(120)
        saving.join(120)

    assert "error" not in approved and "error" not in saved, (approved, saved)
    page = NewsPage.objects.get(pk=page.pk)
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_APPROVED
    assert page.live, "approved, logged as published, but still a draft"
    assert not page.has_unpublished_changes
    assert page.lead == lead
    assert page.live_revision.as_object().lead == lead
    assert editor.get(page.url).status_code == 200

    # The officer's approval went through; the autosave, which waited for
    # it, is refused in the JSON the editor shows (and stops autosaving).
    assert approved["response"].status_code == 302
    answer = saved["response"]
    assert answer["Content-Type"] == "application/json", answer
    assert answer.status_code == 409, answer.content
    assert answer.json()["error_code"] == "invalid_revision"

"""One write to a page at a time in the admin, and no autosave after its review
moved on.

Wagtail 8's editor autosaves: it posts the edit form as JSON shortly after
each change. "Approve" (workflow-action.js) adds two hidden inputs to that
same form and submits it, so an autosave due at that moment posts the
approval too, beside the real one. Each request loads the page when it
starts and writes the whole row back with the ``live`` it loaded: an
autosave that loaded the draft before the approval committed wrote it back
as a draft after the approval published it (approved, logged as published,
not live), and an approval that checked the task before the other one
finished it met no task (``'NoneType' object has no attribute 'on_action'``).

``SerialisedPageEditsMiddleware`` runs each admin view that writes a page
(edit, revert, workflow actions, unpublish, unschedule) inside a transaction
that first locks the page's row (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite the transaction itself, begun IMMEDIATE, holds the database's write
lock), so the second request starts from what the first committed. Then:

- an autosave only saves: it never performs the workflow action the form's
  hidden inputs name, and checks of whether the content can go out wait for
  an explicit save (home.autosave);
- an autosave built on a revision that the review moved past (a task
  approved or sent back, or the page published, since the editor's own
  autosave or since a revision it loaded that is no longer the latest), or
  that would overwrite the published revision, is refused with a 409 in the
  JSON the editor shows ("invalid_revision", which also stops further
  autosaves until the page is reloaded);
- an "Approve" (or other workflow action) from the editor that is no longer
  available when its request gets the lock (the review moved on meanwhile)
  changes nothing and says so, instead of saving a draft over the page.
  (Wagtail's workflow action view already answers a finished review so.)

It runs last among the view middleware, after the page scope and the CSRF
check, and calls the view itself.
"""

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.models import Page, Revision, TaskState

from home.autosave import autosaving

# Views of the "wagtailadmin_pages" namespace whose POST writes the page.
EDIT_VIEWS = {"edit", "revisions_revert"}
WRITE_VIEWS = {*EDIT_VIEWS, "workflow_action", "unpublish", "revisions_unschedule"}
# What the editor's buttons add to the form; an autosave carries them only
# because it serialises the whole form.
WORKFLOW_FIELDS = ("workflow-action-name", "workflow-action-extra-data")


def review_moved_on(page, since):
    """Whether the page was published, or a task of its review approved or
    sent back, after ``since``."""
    if page.last_published_at and page.last_published_at > since:
        return True
    return TaskState.objects.filter(
        workflow_state__base_content_type=page.get_base_content_type(),
        workflow_state__object_id=str(page.pk),
        finished_at__gt=since,
    ).exists()


def moved_on_response():
    return JsonResponse(
        {
            "success": False,
            "error_code": "invalid_revision",
            "error_message": _(
                "This page's review moved on while you were editing (it was "
                "approved, published or sent back). Reload the page to see it "
                "as it is now; your latest changes were not saved."
            ),
        },
        status=409,
    )


def action_unavailable_message():
    return _(
        "This action is no longer available: the page's review moved on while "
        "you were editing (it was approved, published or sent back). Nothing "
        "was changed; the page below is as it is now."
    )


class SerialisedPageEditsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method != "POST"
            or match is None
            or match.namespace != "wagtailadmin_pages"
            or match.url_name not in WRITE_VIEWS
        ):
            return None
        page_id = view_kwargs["page_id"]
        with transaction.atomic():
            page = Page.objects.select_for_update().filter(pk=page_id).first()
            if page is None:
                return None  # the view answers an unknown id itself
            refusal = self._refusal(request, match.url_name, page)
            if refusal is not None:
                return refusal
            autosave = match.url_name in EDIT_VIEWS and not request.accepts("text/html")
            with autosaving(autosave):
                return view_func(request, *view_args, **view_kwargs)

    def _refusal(self, request, url_name, page):
        if url_name not in EDIT_VIEWS:
            return None
        if not request.accepts("text/html"):
            return self._stale_autosave(request, page)
        if request.POST.get("action-workflow-action"):
            return self._stale_editor_action(request, page)
        return None

    @staticmethod
    def _stale_autosave(request, page):
        data = request.POST.copy()
        for key in list(data):
            if key.startswith("action-") or key in WORKFLOW_FIELDS:
                del data[key]
        request.POST = data
        overwrite = data.get("overwrite_revision_id", "")
        base_id = overwrite or data.get("loaded_revision_id", "")
        if not base_id.isdigit():
            return None
        base = Revision.objects.for_instance(page).filter(pk=base_id).first()
        if base is None:
            return None  # Wagtail refuses an unknown revision itself
        if overwrite and base.pk == page.live_revision_id:
            return moved_on_response()
        # A revision the editor loaded may be one published long ago: only
        # once it is no longer the latest (or is its own autosave) does a
        # later review step tell that this editor has not seen it.
        if (overwrite or base.pk != page.latest_revision_id) and review_moved_on(
            page, base.created_at
        ):
            return moved_on_response()
        return None

    @staticmethod
    def _stale_editor_action(request, page):
        page = page.specific
        task = page.current_workflow_task
        name = request.POST.get("workflow-action-name")
        if task is not None and name in {
            action for action, _label, _modal in task.get_actions(page, request.user)
        }:
            return None
        messages.error(request, action_unavailable_message())
        return redirect("wagtailadmin_pages:edit", page.pk)

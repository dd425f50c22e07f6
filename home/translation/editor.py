"""Each role's key action in wagtail-localize's translation editor.

wagtail-localize's editor (a React component fed by ``props``) has one main
button, "Publish in <language>", shown to whoever may publish, and posts
``action=publish`` to the page's edit view; otherwise its main button is
whatever comes last of Delete, Lock, Convert to alias... Translators and
reviewers may not publish, so they had no way forward there. Here that main
button is the role's key action (review.key_action): a translator's "Submit
for review", a reviewer's "Approve and publish" while the translation is in
review, a superuser's "Publish" outside review. The template override
(templates/wagtail_localize/admin/edit_translation.html) shows the button
and names it; ``handle_main_button`` (before_edit_page) does what it says.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import guards
from .placeholders import pending_placeholder_refusal
from .review import (
    APPROVE,
    PUBLISH,
    SUBMIT,
    NothingToReview,
    PlaceholdersLeft,
    approve,
    key_action,
    submit_for_review,
)


def button_labels(action):
    """(label prefix, progress text) for the main button; wagtail-localize
    appends the language's name to the prefix. None keeps its own."""
    if action == SUBMIT:
        return _("Submit for review") + " · ", _("Submitting…")
    if action == APPROVE:
        return _("Approve and publish") + " · ", _("Approving…")
    return None


def editor_props(props, user, translation, instance):
    """wagtail-localize's props with the main button for ``user``'s action."""
    action = key_action(user, translation, instance)
    data = json.loads(props)
    data["perms"]["canPublish"] = action is not None
    return json.dumps(data), action


def tell_review_state(request, translation, page):
    """On opening the editor of a translation in review: who has it."""
    if not page.workflow_in_progress:
        return
    if key_action(request.user, translation, page) == APPROVE:
        notice = _("In review: check the translation, then approve and publish it.")
    else:
        notice = _("In review: the %(language)s reviewers approve it.") % {
            "language": page.locale.get_display_name()
        }
    messages.info(request, notice)


def handle_main_button(request, translation, page):
    """The editor's main button (``action=publish``): the user's key action.
    A redirect back to the editor with what happened, or None to let
    wagtail-localize publish (a superuser, nothing left to fix)."""
    action = key_action(request.user, translation, page)
    language = page.locale.get_display_name()
    try:
        if action == SUBMIT:
            submit_for_review(translation, request.user)
            messages.success(
                request,
                _("Submitted the %(language)s translation for review.")
                % {"language": language},
            )
        elif action == APPROVE:
            approve(translation, request.user)
            messages.success(
                request,
                _("Approved and published the %(language)s translation.")
                % {"language": language},
            )
        elif action == PUBLISH:
            refusal = pending_placeholder_refusal(translation)
            if refusal is None:
                return None
            messages.error(request, refusal)
        elif page.workflow_in_progress:
            messages.error(
                request,
                _(
                    "This translation is in review: the %(language)s "
                    "reviewers approve it."
                )
                % {"language": language},
            )
        else:
            return guards.refuse_unreviewed_publish(request, page) or redirect(
                request.path
            )
    except PlaceholdersLeft as refusal:
        messages.error(request, str(refusal))
    except NothingToReview as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("You may not do this with this translation."))
    return redirect(request.path)

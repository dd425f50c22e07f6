"""The editorial steps of a translation: machine draft, submission, review.

Plain functions, called by the admin views and by tests alike. A translation
is prepared in wagtail-localize's editor (by hand, by PO file or by machine),
saved as a draft revision of the translated page and submitted to the
language's "Translation review" workflow; a reviewer's approval publishes it.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.views.edit_translation import apply_machine_translation

from .placeholders import pending_placeholder_refusal
from .scope import may_edit_snippet, may_make_live, translator_locale_ids
from .slugs import apply_to_page
from .teams import assign_review_workflow

SUBMIT, APPROVE, PUBLISH = "submit", "approve", "publish"


class NothingToReview(Exception):
    pass


class PlaceholdersLeft(Exception):
    """Approval refused: machine placeholders are still in the text."""


def may_edit_translation(user, instance):
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    return may_edit_snippet(user, instance)


def machine_translate(translation, user):
    """Fill the untranslated strings of ``translation`` by machine.

    The strings are stored as machine translations (marked as such in the
    editor); the page itself is not touched until someone submits it.
    Returns True if anything was translated.
    """
    translator = get_machine_translator()
    if translator is None:
        raise PermissionDenied("No machine translator is configured.")
    instance = translation.get_target_instance()
    if not may_edit_translation(user, instance):
        raise PermissionDenied
    return apply_machine_translation(translation.pk, user, translator)


def submit_for_review(translation, user):
    """Save the translation as a draft and start its language's review.

    A review already under way is restarted on the new draft, so that the
    reviewer always approves what they are shown.
    """
    page = translation.get_target_instance()
    if not isinstance(page, Page):
        raise NothingToReview("Only pages have a review workflow.")
    if not user.is_superuser and page.locale_id not in translator_locale_ids(user):
        raise PermissionDenied
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied
    translation.save_target(user=user, publish=False)
    page = apply_to_page(Page.objects.get(pk=page.pk).specific)
    workflow = assign_review_workflow(page)
    if workflow is None:
        raise NothingToReview(f"No review workflow for {page.locale}.")
    current = page.current_workflow_state
    if current is not None:
        current.cancel(user=user)
    return workflow.start(page, user)


def may_submit(user, page):
    if not isinstance(page, Page) or not page.permissions_for_user(user).can_edit():
        return False
    return user.is_superuser or page.locale_id in translator_locale_ids(user)


def current_task_state(page):
    state = page.current_workflow_state
    return state.current_task_state if state is not None else None


def may_approve(user, page):
    """May ``user`` approve the review ``page`` is in (its language's
    reviewers, superusers)?"""
    task_state = current_task_state(page) if isinstance(page, Page) else None
    if task_state is None or not may_make_live(user, page):
        return False
    task = task_state.task.specific
    return any(name == "approve" for name, *_rest in task.get_actions(page, user))


def key_action(user, translation, page=None):
    """The one thing ``user`` is there to do with ``translation`` now:
    SUBMIT it for review, APPROVE it (it is in review), PUBLISH it (a
    superuser, outside review), or None (nothing, e.g. a translator while
    the reviewers have it)."""
    page = page or translation.get_target_instance()
    if not isinstance(page, Page):
        return None
    if page.workflow_in_progress:
        return APPROVE if may_approve(user, page) else None
    if user.is_superuser:
        return PUBLISH
    return SUBMIT if may_submit(user, page) else None


def approve(translation, user, comment=""):
    """Approve the review of ``translation`` with its strings as they stand
    (what the reviewer sees in the editor); approval publishes it.

    Refused while machine placeholders remain (PlaceholdersLeft).
    """
    page = translation.get_target_instance()
    if not isinstance(page, Page) or not page.workflow_in_progress:
        raise NothingToReview(
            _("This translation is not in review: submit it for review first.")
        )
    if not may_approve(user, page):
        raise PermissionDenied
    refusal = pending_placeholder_refusal(translation)
    if refusal is not None:
        raise PlaceholdersLeft(refusal)
    translation.save_target(user=user, publish=False)
    page = apply_to_page(Page.objects.get(pk=page.pk).specific)
    task_state = current_task_state(page)
    task_state.task.specific.on_action(task_state, user, "approve", comment=comment)
    return Page.objects.get(pk=page.pk).specific

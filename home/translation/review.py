"""The editorial steps of a translation: machine draft, submission, review.

Plain functions, called by the admin views and by tests alike. A translation
is prepared in wagtail-localize's editor (by hand, by PO file or by machine),
saved as a draft revision of the translated page and submitted to the
language's "Translation review" workflow; a reviewer's approval publishes it.
"""

from django.core.exceptions import PermissionDenied
from wagtail.models import Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.views.edit_translation import apply_machine_translation

from .scope import may_edit_snippet, translator_locale_ids
from .teams import assign_review_workflow


class NothingToReview(Exception):
    pass


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
    page = Page.objects.get(pk=page.pk).specific
    workflow = assign_review_workflow(page)
    if workflow is None:
        raise NothingToReview(f"No review workflow for {page.locale}.")
    current = page.current_workflow_state
    if current is not None:
        current.cancel(user=user)
    return workflow.start(page, user)

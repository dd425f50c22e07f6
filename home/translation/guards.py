"""Checks in front of wagtail-localize's and Wagtail's own views.

wagtail-localize checks one global "submit translation" permission and, for
snippets, the model's global change permission; its editor publishes with the
page's publish permission, which country moderators hold in every locale.
These checks add what the editorial process needs:

- a translation (made by wagtail-localize) goes live only through a reviewer
  of its language (or a superuser): machine output is never published
  without one;
- people whose snippet permission comes only from language groups edit
  snippets in their languages only;
- translations are requested into a language by its own people, or by
  someone who may edit the source.

The admin hooks (home/wagtail_hooks.py) and TranslationScopeMiddleware call
them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.models import Page, TranslatableMixin
from wagtail_localize.models import Translation

from .scope import (
    localize_translation,
    may_edit_snippet,
    may_publish_translation,
    reviewer_locale_ids,
    snippet_locale_scope,
    translator_locale_ids,
)

PUBLISH_ACTIONS = ("action-publish",)


def is_publish_request(request):
    if request.method != "POST":
        return False
    return request.POST.get("action") == "publish" or any(
        name in request.POST for name in PUBLISH_ACTIONS
    )


def refuse_unreviewed_publish(request, instance):
    """A redirect with a message if ``request`` would publish ``instance``,
    a translation, without a reviewer of its language; else None."""
    if localize_translation(instance) is None:
        return None
    if may_publish_translation(request.user, instance):
        return None
    messages.error(
        request,
        _(
            "Only reviewers of %(language)s can publish this translation. "
            "Submit it for review instead."
        )
        % {"language": instance.locale.get_display_name()},
    )
    return redirect(request.get_full_path())


def check_snippet_edit(user, instance):
    if isinstance(instance, TranslatableMixin) and not may_edit_snippet(user, instance):
        raise PermissionDenied


def check_translation_target(user, translation):
    """May ``user`` work on this translation's target object at all?"""
    instance = translation.get_target_instance()
    if isinstance(instance, Page):
        return  # Wagtail's subtree permissions decide, in the view.
    check_snippet_edit(user, instance)


def check_submission(user, source, locale_ids):
    """May ``user`` request translations of ``source`` into ``locale_ids``?

    Whoever may edit the source may request any language; translators and
    reviewers request their own languages.
    """
    if user.is_superuser:
        return
    if isinstance(source, Page):
        may_edit_source = source.permissions_for_user(user).can_edit()
    else:
        may_edit_source = snippet_locale_scope(user, type(source)) is None
    if may_edit_source:
        return
    allowed = translator_locale_ids(user) | reviewer_locale_ids(user)
    if not set(locale_ids) <= allowed:
        raise PermissionDenied


def check_update_and_publish(user, source):
    """ "Sync translations" with publishing skips review: reviewers only."""
    targets = Translation.objects.filter(source=source, enabled=True).values_list(
        "target_locale_id", flat=True
    )
    if not user.is_superuser and not set(targets) <= reviewer_locale_ids(user):
        raise PermissionDenied

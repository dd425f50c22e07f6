"""Checks in front of wagtail-localize's and Wagtail's own views.

wagtail-localize checks one global "submit translation" permission and, for
snippets, the model's global change permission; its editor publishes with the
page's publish permission, which country moderators hold in every locale.
These checks add what the editorial process needs:

- a translation (scope.is_translation) goes live only through a reviewer of
  its language (or a superuser): machine output is never published without
  one (unreviewed_refusal, also behind Wagtail's own page actions, see
  home.translation.actions);
- people whose snippet permission comes only from language groups edit
  snippets in their languages only;
- translations are requested into a language by its own people, or by
  someone who may edit the source.

The admin hooks (wagtail_hooks.py) and TranslationScopeMiddleware call
them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.models import Page, TranslatableMixin
from wagtail_localize.models import Translation

from .scope import (
    may_edit_snippet,
    may_make_live,
    may_publish_translation,
    policy_allows_change,
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


def unreviewed_refusal(user, instance):
    """Why ``user`` may not make ``instance``, a translation, live; or None.

    The one rule behind the admin hooks and the guards on Wagtail's own
    actions (home.translation.actions).
    """
    if may_make_live(user, instance):
        return None
    return _(
        "Only reviewers of %(language)s can publish this translation. "
        "Submit it for review instead."
    ) % {"language": instance.locale.get_display_name()}


def refuse_unreviewed_publish(request, instance):
    """A redirect with a message if ``request`` would publish ``instance``,
    a translation, without a reviewer of its language; else None."""
    refusal = unreviewed_refusal(request.user, instance)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return redirect(request.get_full_path())


def refuse_unreviewed_copy(request, page):
    """A copy of a translation gets a new translation key and leaves review
    (an alias stays in step with it). A redirect with a message, or None."""
    if request.method != "POST" or request.POST.get("alias"):
        return None
    if may_make_live(request.user, page):
        return None
    messages.error(
        request,
        _("Only reviewers of %(language)s can copy this translation.")
        % {"language": page.locale.get_display_name()},
    )
    return redirect(request.get_full_path())


def refuse_convert_to_alias(request, page):
    """wagtail-localize's "convert to alias" throws the translation away for
    its source, live if the source is: its reviewers' call, like publishing.
    A redirect to the editor with a message, or None."""
    if may_publish_translation(request.user, page):
        return None
    messages.error(
        request,
        _(
            "Only reviewers of %(language)s can replace this translation "
            "with its source."
        )
        % {"language": page.locale.get_display_name()},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


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
        may_edit_source = snippet_locale_scope(
            user, type(source)
        ) is None and policy_allows_change(user, source)
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

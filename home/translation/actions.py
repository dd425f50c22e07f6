"""The review rule on Wagtail's own page actions (home.translation.guards).

Every way a page goes live, or a translation leaves its review, runs one of
Wagtail's action classes or asks ``PagePermissionTester.can_publish``: the
admin's edit, bulk, copy and convert views, the v3 write API, a workflow
finishing, ``revision.publish()`` and ``publish_scheduled``. Wagtail's views
build these classes directly rather than through its action registry, so
the rule is added to the classes themselves, once, at start-up
(TranslationConfig.ready), and holds for every caller:

- publishing or scheduling a translation takes a reviewer of its language or
  a superuser, even where the caller skips Wagtail's permission checks (a
  workflow finishing does, and a country's submission review must not
  publish a translation); ``can_publish`` says the same, so the admin and
  the API offer no publish button or bulk publish they would refuse;
- code that publishes with no user is trusted, except ``publish_scheduled``:
  a scheduled revision goes live only if whoever scheduled it still may
  publish it, otherwise its schedule is dropped (and logged) so that the
  command carries on with the others;
- converting an alias of a translation, or of another locale's page, into
  an ordinary page gives it its own revision (live if the alias is) and,
  for an alias in the same locale, its own translation key, outside review:
  the same rule;
- a copy gets a new translation key, outside review: only those who may
  publish a translation copy it;
- a translation going live for the first time takes its slug from its
  title (home.translation.slugs);
- nothing goes live holding the offline engine's machine placeholders
  (home.translation.placeholders), whoever publishes, code included.

A page stays a translation through a move, wagtail-localize's convert to
alias and Wagtail's convert alias (scope.is_translation), so what they leave
behind is still published only through its language's review.
wagtail-localize's convert to alias and its sync-and-publish have no action
class (they publish with no user): TranslationScopeMiddleware guards their
views.
"""

import functools
import logging

from django.contrib.auth import get_user_model
from wagtail.actions.convert_alias import (
    ConvertAliasPageAction,
    ConvertAliasPagePermissionError,
)
from wagtail.actions.copy_page import CopyPageAction, CopyPagePermissionError
from wagtail.actions.publish_page_revision import (
    PublishPagePermissionError,
    PublishPageRevisionAction,
)
from wagtail.models import PageLogEntry, PagePermissionTester

from .guards import unreviewed_refusal
from .placeholders import placeholder_refusal
from .scope import is_translation, may_make_live
from .slugs import apply_to_revision

logger = logging.getLogger(__name__)

SCHEDULED_PUBLISH = "wagtail.publish.scheduled"
SCHEDULE = "wagtail.publish.schedule"


def _refuse(error_class, user, page):
    refusal = unreviewed_refusal(user, page)
    if refusal is not None:
        raise error_class(refusal)


def _guard_publish(action):
    if action.user is not None:
        _refuse(PublishPagePermissionError, action.user, action.object)
    refusal = _placeholders(action)
    if refusal is not None:
        raise PublishPagePermissionError(refusal)


def _placeholders(action):
    """Machine placeholders never go live, whoever (or whatever) publishes."""
    if not is_translation(action.object):
        return None
    return placeholder_refusal(action.revision)


def _guard_convert_alias(action):
    if action.user is not None:
        _refuse(ConvertAliasPagePermissionError, action.user, action.page)


def _guard_copy(action):
    if action.user is None or not action.reset_translation_key:
        return
    pages = [action.page]
    if action.recursive:
        pages += list(action.page.get_descendants())
    for page in pages:
        _refuse(CopyPagePermissionError, action.user, page)


def scheduler(revision):
    """Who scheduled ``revision``: None for code (no user), else the user,
    or False when the person recorded no longer exists or is inactive."""
    entry = (
        PageLogEntry.objects.filter(revision=revision, action=SCHEDULE)
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None or entry.user_id is None:
        return None
    user = get_user_model().objects.filter(pk=entry.user_id, is_active=True).first()
    return user or False


def _scheduled_publish_allowed(action):
    if _placeholders(action) is not None:
        return False
    who = scheduler(action.revision)
    if who is None:
        return True
    return who is not False and may_make_live(who, action.object)


def _after_check(original, guard):
    @functools.wraps(original)
    def check(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        guard(self)
        return result

    return check


def _guarded_execute(original):
    @functools.wraps(original)
    def execute(self, *args, **kwargs):
        if (
            self.user is None
            and self.log_action == SCHEDULED_PUBLISH
            and not _scheduled_publish_allowed(self)
        ):
            self.revision.approved_go_live_at = None
            self.revision.save(update_fields=["approved_go_live_at"])
            logger.warning(
                "Scheduled publishing of page %s (revision %s) dropped: whoever "
                "scheduled it may not publish this translation, or it still "
                "holds machine placeholders.",
                self.object.pk,
                self.revision.pk,
            )
            return None
        return original(self, *args, **kwargs)

    return execute


def _slug_from_title(original):
    """Runs once the checks have passed (execute calls it after check)."""

    @functools.wraps(original)
    def publish_revision(self, revision, object, *args, **kwargs):
        apply_to_revision(revision, object)
        return original(self, revision, object, *args, **kwargs)

    return publish_revision


def _guarded_can_publish(original):
    @functools.wraps(original)
    def can_publish(self):
        return original(self) and may_make_live(self.user, self.page)

    return can_publish


_installed = False


def install():
    """Add the review rule to Wagtail's page actions (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    PublishPageRevisionAction.check = _after_check(
        PublishPageRevisionAction.check, _guard_publish
    )
    PublishPageRevisionAction.execute = _guarded_execute(
        PublishPageRevisionAction.execute
    )
    PublishPageRevisionAction._publish_revision = _slug_from_title(
        PublishPageRevisionAction._publish_revision
    )
    ConvertAliasPageAction.check = _after_check(
        ConvertAliasPageAction.check, _guard_convert_alias
    )
    CopyPageAction.check = _after_check(CopyPageAction.check, _guard_copy)
    PagePermissionTester.can_publish = _guarded_can_publish(
        PagePermissionTester.can_publish
    )

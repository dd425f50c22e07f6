"""Admin view of feed health: which CSO feeds work, which fail, and why.

The poller writes these rows, so people only read them (and may delete one
to make the next poll start afresh, without ETag or Last-Modified). Register
``FeedStateViewSet`` from ``wagtail_hooks``.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import FeedState


class SystemRecordPermissionPolicy(ModelPermissionPolicy):
    """Nobody adds, copies or edits a record the system writes (a feed
    status, a CSO submission); people with the permission may delete one."""

    READ_ONLY_ACTIONS = {"add", "change"}

    def user_has_permission(self, user, action):
        if action in self.READ_ONLY_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(FeedState, SystemRecordPermissionPolicy(FeedState))


class FeedStateViewSet(SnippetViewSet):
    model = FeedState
    icon = "radio-full"
    menu_label = _("Feed status")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "organisation",
        Column("feed_url", label=_("Feed"), accessor="organisation.feed_url"),
        "last_success_at",
        "last_error_at",
        "last_error",
        "items_imported",
        "consecutive_failures",
    ]
    search_fields = ["organisation__name", "last_error"]
    inspect_view_fields = [
        "organisation",
        "last_checked_at",
        "last_success_at",
        "last_error_at",
        "last_error",
        "items_imported",
        "consecutive_failures",
        "etag",
        "last_modified",
    ]

    def get_queryset(self, request):
        """Failing feeds first: they are what someone should look at."""
        return FeedState.objects.select_related("organisation").order_by(
            "-consecutive_failures", "organisation__name"
        )

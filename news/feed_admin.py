"""Admin view of feed health: which CSO feeds work, which fail, and why.

The poller writes these rows, so people only read them (and may delete one
to make the next poll start afresh, without ETag or Last-Modified). Register
``FeedStateViewSet`` from ``wagtail_hooks``.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet

from .feeds.checking import check_source
from .feeds.errors import render
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


def _test_button(view, pk):
    """The viewset's "test" URL sits beside its index."""
    namespace = view.index_url_name.rsplit(":", 1)[0]
    return Button(
        _("Test feed"),
        url=reverse(f"{namespace}:test", args=[pk]),
        icon_name="radio-full",
    )


class FeedStateIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(_test_button(self, instance.pk))
        return buttons


class FeedStateInspectView(InspectView):
    @property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        return [*buttons, _test_button(self, self.object.pk)]


class FeedStateViewSet(SnippetViewSet):
    """Feed statuses, each with a "Test feed" that reads the feed now as
    ``manage.py check_feed`` does (news.feeds.checking.check_source): what would be
    imported, or why nothing would, with nothing written."""

    model = FeedState
    index_view_class = FeedStateIndexView
    inspect_view_class = FeedStateInspectView
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
        Column("error_message", label=_("Last error")),
        "last_imported",
        "last_problems",
        "items_imported",
        "consecutive_failures",
    ]
    # The reasons are codes put into words when read: not searchable text.
    search_fields = ["organisation__name"]

    inspect_view_fields = [
        "organisation",
        "last_checked_at",
        "last_success_at",
        "last_error_at",
        "error_message",
        "last_imported",
        "last_problems",
        "items_imported",
        "consecutive_failures",
        "etag",
        "last_modified",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("test/<str:pk>/", self.test_view, name="test"),
        ]

    def test_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        state = get_object_or_404(
            FeedState.objects.select_related("organisation__country"), pk=pk
        )
        organisation = state.organisation
        languages = organisation.country.languages if organisation.country else []
        report = check_source(organisation.feed_url, languages[0] if languages else "")
        if not report["ok"]:
            # In the officer's language (the admin's), not check_feed's English.
            report["message"] = render(report["code"], report["params"])
        title = _("Test of the feed of %(organisation)s") % {
            "organisation": organisation
        }
        return TemplateResponse(
            request,
            "news/feed_test.html",
            {"report": report, "page_title": title, "header_icon": self.icon},
        )

    def get_queryset(self, request):
        """Failing feeds first: they are what someone should look at."""
        return FeedState.objects.select_related("organisation").order_by(
            "-consecutive_failures", "organisation__name"
        )

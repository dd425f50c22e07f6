"""Admin hooks of the audience: lists, subscribers, imports, suppression."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..admin_helpers import scoped
from . import admin_views
from .models import MailingList
from .scoping import MANAGE, VIEW, may

app_name = "newsletters_admin"
urlpatterns = [
    path("lists/", admin_views.lists_index, name="lists"),
    path("lists/<int:pk>/", admin_views.list_detail, name="list_detail"),
    path("lists/<int:pk>/export.csv", admin_views.list_export, name="list_export"),
    path("lists/<int:pk>/import/", admin_views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", admin_views.import_status, name="import_status"),
    path("imports/<int:pk>/map/", admin_views.import_mapping, name="import_mapping"),
    path(
        "imports/<int:pk>/rejected.csv",
        admin_views.import_report,
        name="import_report",
    ),
    path("subscribers/", admin_views.subscribers_index, name="subscribers"),
    path(
        "subscribers/<int:pk>/",
        admin_views.subscriber_detail,
        name="subscriber_detail",
    ),
    path(
        "subscribers/<int:pk>/export.json",
        admin_views.subscriber_export,
        name="subscriber_export",
    ),
    path(
        "subscribers/<int:pk>/erase/",
        admin_views.subscriber_erase,
        name="subscriber_erase",
    ),
    path("suppression/", admin_views.suppression, name="suppression"),
]


@hooks.register("register_admin_urls")
def register_urls():
    urls = [path(str(p.pattern), scoped(p.callback), name=p.name) for p in urlpatterns]
    return [path("audience/", include((urls, app_name), namespace=app_name))]


class MailingListPermissionPolicy(ModelPermissionPolicy):
    """Superusers set lists up; officers work with theirs in Audience."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)


register_permission_policy(MailingList, MailingListPermissionPolicy(MailingList))


class MailingListViewSet(SnippetViewSet):
    model = MailingList
    icon = "list-ul"
    menu_label = _("List settings")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["name", "country", "default_language", "is_public", "double_opt_in"]
    list_filter = ["is_public"]

    def get_queryset(self, request):
        return MailingList.objects.select_related("country")


register_snippet(MailingListViewSet)


class ScopedMenuItem(MenuItem):
    """Shown to those who may ``action`` on a list (newsletters.audience.scoping)."""

    def __init__(self, *args, action=VIEW, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def is_shown(self, request):
        return may(request.user, self.action)


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_menu_item")
def audience_menu():
    items = [
        ScopedMenuItem(
            _("Lists"), reverse("newsletters_admin:lists"), icon_name="list-ul", order=1
        ),
        ScopedMenuItem(
            _("Subscribers"),
            reverse("newsletters_admin:subscribers"),
            icon_name="user",
            order=2,
            action=MANAGE,
        ),
        SuperuserMenuItem(
            _("List settings"),
            reverse("wagtailsnippets_newsletters_mailinglist:list"),
            icon_name="cog",
            order=3,
        ),
        SuperuserMenuItem(
            _("Suppressed addresses"),
            reverse("newsletters_admin:suppression"),
            icon_name="cross",
            order=4,
        ),
    ]
    return SubmenuMenuItem(
        _("Audience"), Menu(items=items), icon_name="group", order=250
    )

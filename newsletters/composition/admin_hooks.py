"""Admin hooks of newsletter composition: sender identities, test sends."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..admin_helpers import scoped
from . import admin_views
from .models import NewsletterPage, SenderIdentity

app_name = "newsletters_composition"


@hooks.register("register_admin_urls")
def register_urls():
    urls = [
        path(
            "pages/<int:page_id>/send-test/",
            scoped(admin_views.send_test_view),
            name="send_test",
        )
    ]
    return [path("composition/", include((urls, app_name), namespace=app_name))]


class SenderIdentityPermissionPolicy(ModelPermissionPolicy):
    """Superusers keep the senders; officers choose one on their issues."""

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)


register_permission_policy(
    SenderIdentity, SenderIdentityPermissionPolicy(SenderIdentity)
)


class SenderIdentityViewSet(SnippetViewSet):
    model = SenderIdentity
    icon = "mail"
    menu_label = _("Newsletter senders")
    add_to_settings_menu = True
    copy_view_enabled = False
    list_display = ["from_name", "from_email", "country"]
    list_filter = ["country"]

    def get_queryset(self, request):
        return SenderIdentity.objects.select_related("country")


register_snippet(SenderIdentityViewSet)


class SendTestMenuItem(ActionMenuItem):
    name = "action-send-test"
    label = _("Send test")
    icon_name = "mail"
    order = 90

    def is_shown(self, context):
        page = context.get("page")
        return (
            context.get("view") == "edit"
            and isinstance(page, NewsletterPage)
            and self.get_user_page_permissions_tester(context).can_edit()
        )

    def get_url(self, context):
        return reverse(f"{app_name}:send_test", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def send_test_menu_item():
    return SendTestMenuItem()

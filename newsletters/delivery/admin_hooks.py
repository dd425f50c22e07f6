"""Admin hooks of campaigns: the send wizard, progress and reports."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem

from ..admin_helpers import scoped
from ..audience.scoping import MANAGE, VIEW, may
from ..composition.models import NewsletterPage
from . import admin_views

app_name = "newsletters_campaigns"
urlpatterns = [
    path("", admin_views.campaign_index, name="index"),
    path("new/<int:page_id>/", admin_views.send_wizard, name="new"),
    path("<int:pk>/", admin_views.campaign_detail, name="detail"),
    path("<int:pk>/progress.json", admin_views.campaign_progress, name="progress"),
    path("<int:pk>/report/", admin_views.campaign_report, name="report"),
    path("<int:pk>/report.csv", admin_views.campaign_report_csv, name="report_csv"),
    path("<int:pk>/<str:action>/", admin_views.campaign_action, name="action"),
]


@hooks.register("register_admin_urls")
def register_urls():
    urls = [path(str(p.pattern), scoped(p.callback), name=p.name) for p in urlpatterns]
    return [path("campaigns/", include((urls, app_name), namespace=app_name))]


class CampaignsMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, VIEW)


@hooks.register("register_admin_menu_item")
def campaigns_menu():
    return CampaignsMenuItem(
        _("Campaigns"), reverse(f"{app_name}:index"), icon_name="mail", order=260
    )


class SendMenuItem(ActionMenuItem):
    name = "action-send-campaign"
    label = _("Send to lists")
    icon_name = "mail"
    order = 95

    def is_shown(self, context):
        page = context.get("page")
        return (
            context.get("view") == "edit"
            and isinstance(page, NewsletterPage)
            and page.live
            and self.get_user_page_permissions_tester(context).can_publish()
            and may(context["request"].user, MANAGE)
        )

    def get_url(self, context):
        return reverse(f"{app_name}:new", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def send_menu_item():
    return SendMenuItem()

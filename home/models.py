from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Page

from .page_permissions import PermissionTesterOnce


class HomePage(PermissionTesterOnce, Page):
    """The root of one locale's tree; the public website renders from the API."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = None

    class Meta:
        verbose_name = _("home page")


@register_setting(icon="site")
class ProgrammeSettings(BaseGenericSetting):
    """Who the programme is: the identity newsletters and notices are sent under."""

    programme_name = models.CharField(
        _("programme name"), max_length=200, default="Civil Society Programme"
    )
    sender_name = models.CharField(
        _("default sender name"), max_length=200, default="Civil Society Programme"
    )
    sender_email = models.EmailField(
        _("default sender address"), default="newsletter@localhost"
    )
    reply_to_email = models.EmailField(_("reply-to address"), blank=True)
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("Printed in every newsletter footer, as anti-spam laws require."),
    )

    panels = [
        FieldPanel("programme_name"),
        FieldPanel("sender_name"),
        FieldPanel("sender_email"),
        FieldPanel("reply_to_email"),
        FieldPanel("postal_address"),
    ]

    class Meta:
        verbose_name = _("programme settings")

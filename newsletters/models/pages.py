"""Newsletters as pages: an index, a section per country, and the issues.

Newsletter issues sit under their country's section (the regional entry
included), so the country teams' subtree permissions and review workflow
scope them exactly as they scope news (news.structure.register_kind).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from news.models import (
    Country,
    CountryOwnedPage,
    CountrySection,
    FoldedSearchMixin,
    streamfield_text,
)

from ..blocks import NewsletterBodyBlock


class SenderIdentity(models.Model):
    """Who a country's newsletters come from, and the postal address their
    footer prints. Kept in the settings menu; an issue chooses one."""

    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="sender_identities",
        verbose_name=_("country"),
    )
    from_name = models.CharField(_("from name"), max_length=150)
    from_email = models.EmailField(_("from address"))
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    postal_address = models.TextField(
        _("postal address"),
        help_text=_("Printed in the footer of every newsletter sent as this sender."),
    )

    panels = [
        FieldPanel("country"),
        FieldPanel("from_name"),
        FieldPanel("from_email"),
        FieldPanel("reply_to"),
        FieldPanel("postal_address"),
    ]

    class Meta:
        verbose_name = _("sender identity")
        verbose_name_plural = _("sender identities")
        ordering = ["country__name", "from_name"]

    def __str__(self):
        return f"{self.from_name} <{self.from_email}>"


class NewsletterIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["newsletters.NewsletterSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("newsletter index")


class NewsletterSectionPage(CountrySection):
    parent_page_types = ["newsletters.NewsletterIndexPage"]
    subpage_types = ["newsletters.NewsletterPage"]

    class Meta:
        verbose_name = _("newsletter section")


class NewsletterPage(FoldedSearchMixin, CountryOwnedPage):
    """One issue of a country's (or the regional) newsletter."""

    subject = models.CharField(_("subject"), max_length=150)
    preheader = models.CharField(
        _("preheader"),
        max_length=150,
        blank=True,
        help_text=_("The line mail clients show after the subject."),
    )
    sender = models.ForeignKey(
        SenderIdentity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sender"),
        help_text=_("Default: the programme's sender in the settings."),
    )
    body = StreamField(NewsletterBodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("subject"), FieldPanel("preheader"), FieldPanel("sender")],
            heading=_("Email"),
        ),
        FieldPanel("body"),
    ]
    override_translatable_fields = [
        SynchronizedField("sender", overridable=False),
    ]
    search_fields = [
        *Page.search_fields,
        *FoldedSearchMixin.folded_search_fields,
        index.SearchField("subject"),
        index.SearchField("body"),
        index.FilterField("first_published_at"),
        index.FilterField("country"),
        index.FilterField("locale"),
        index.FilterField("expire_at"),
        index.FilterField("url_path"),
    ]
    parent_page_types = ["newsletters.NewsletterSectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def search_text(self):
        return f"{self.subject} {self.preheader} {streamfield_text(self.body)}"

"""Newsletters as pages: an index, a section per country, and the issues.

Newsletter issues sit under their country's section (the regional entry
included), so the country teams' subtree permissions and review workflow
scope them exactly as they scope news (news.kinds.register_kind).
"""

from django import forms
from django.db import models
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from home.autosave import is_autosave
from home.page_permissions import PermissionTesterOnce
from news.models import (
    Country,
    CountryOwnedPage,
    CountrySection,
    FoldedSearchMixin,
    streamfield_text,
)
from news.visibility import published

from .blocks import NewsletterBodyBlock
from .rendering import (
    NewsletterRenderError,
    fill,
    published_web_html,
    render_edition,
)


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


def _issues_under(page):
    return (
        published(NewsletterPage)
        .descendant_of(page)
        .filter(locale_id=page.locale_id)
        .order_by("-first_published_at")
    )


class NewsletterIndexPage(PermissionTesterOnce, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["newsletters.NewsletterSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("newsletter index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["issues"] = _issues_under(self).select_related("country")[:100]
        return context


class NewsletterSectionPage(CountrySection):
    parent_page_types = ["newsletters.NewsletterIndexPage"]
    subpage_types = ["newsletters.NewsletterPage"]

    template = "newsletters/newsletter_index_page.html"

    class Meta:
        verbose_name = _("newsletter section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["issues"] = _issues_under(self).select_related("country")[:100]
        return context


class NewsletterPageForm(WagtailAdminPageForm):
    """The editor's form: a sender of the issue's own country only, and the
    email rendered on every save and preview so that content which cannot
    make a newsletter is a validation message, not a failure at sending."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        country = self._country()
        if "sender" in self.fields and country is not None:
            self.fields["sender"].queryset = SenderIdentity.objects.filter(
                country__translation_key=country.translation_key
            )

    def _country(self):
        page = self.instance
        if page.country_id:
            return page.country
        section = self.parent_page.specific if self.parent_page else None
        return getattr(section, "country", None)

    def _post_clean(self):
        super()._post_clean()
        if self._errors:
            return
        page = self.instance
        if not page.country_id and self._country() is not None:
            page.country = self._country()
        if not page.locale_id and self.parent_page is not None:
            page.locale_id = self.parent_page.locale_id
        if is_autosave():
            return  # a draft is kept; saving, submitting or publishing checks
        try:
            render_edition(page)
        except NewsletterRenderError as error:
            for message in error.messages:
                self.add_error(None, message)


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
            [
                FieldPanel("subject"),
                FieldPanel("preheader"),
                # A plain select: the form offers the issue's country's senders.
                FieldPanel("sender", widget=forms.Select),
            ],
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
    base_form_class = NewsletterPageForm
    preview_modes = [
        ("email", _("Email (desktop)")),
        ("email_mobile", _("Email (mobile 375 px)")),
        ("web", _("Web version")),
    ]

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def serve(self, request, *args, **kwargs):
        """The public web version (composition.rendering.published_web_html),
        with no subscriber's values in it."""
        html = published_web_html(self)
        return TemplateResponse(
            request,
            "newsletters/newsletter_page.html",
            {"page": self, "html": html},
            status=200 if html else 404,
        )

    def serve_preview(self, request, mode_name):
        """The email itself, as a subscriber would see it (not the website's
        preview, which CountryOwnedPage would redirect to)."""
        try:
            edition = render_edition(self)
        except NewsletterRenderError as error:
            return TemplateResponse(
                request,
                "newsletters/email/preview_errors.html",
                {"page": self, "messages": error.messages},
            )
        if mode_name == "web":
            html = fill(edition, web=True)
        else:
            html = fill(edition, values={"first_name": "Ana"})
        if mode_name == "email_mobile":
            return TemplateResponse(
                request,
                "newsletters/email/preview_mobile.html",
                {"page": self, "html": html, "width": 375},
            )
        return HttpResponse(html)

    def previous_issue(self, before):
        """The issue of the same country and language published last before
        ``before`` (another issue, not a translation of this one), or None."""
        previous = (
            NewsletterPage.objects.live()
            .filter(locale_id=self.locale_id, first_published_at__lt=before)
            .exclude(translation_key=self.translation_key)
        )
        if self.country_id:
            previous = previous.filter(
                country__translation_key=self.country.translation_key
            )
        return previous.order_by("-first_published_at").first()

    def search_text(self):
        return f"{self.subject} {self.preheader} {streamfield_text(self.body)}"

"""The news and event pages, and the indexes and country sections they sit in.

Each country owns a section under the news index and under the events index (in
every locale), so that Wagtail's subtree permissions scope each country's team.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from home.page_permissions import PermissionTesterOnce

from ..blocks import BodyBlock
from ..conf import app_settings
from ..page_forms import CountryPageForm
from ..preview import preview_url
from .places import Country, Organisation, Topic, validate_language_codes
from .search import FoldedSearchMixin, streamfield_text

# The programme's own zones (and UTC for online events), fixed here rather than
# read from the machine's tz database, which differs between systems.
TIME_ZONE_CHOICES = [
    ("Europe/Tirane", "Europe/Tirane"),
    ("Europe/Sarajevo", "Europe/Sarajevo"),
    ("Europe/Belgrade", "Europe/Belgrade (Kosovo, Serbia)"),
    ("Europe/Skopje", "Europe/Skopje"),
    ("Europe/Podgorica", "Europe/Podgorica"),
    ("Europe/Istanbul", "Europe/Istanbul"),
    ("Europe/Brussels", "Europe/Brussels"),
    ("UTC", "UTC"),
]


class CountrySection(PermissionTesterOnce, Page):
    """A country's subtree: the unit of Wagtail permissions for its team."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")

    content_panels = [*Page.content_panels, FieldPanel("country")]

    class Meta:
        abstract = True


class NewsIndexPage(PermissionTesterOnce, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")


class NewsSectionPage(CountrySection):
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = ["news.NewsPage"]

    class Meta:
        verbose_name = _("news section")


class EventIndexPage(PermissionTesterOnce, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.EventSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")


class EventSectionPage(CountrySection):
    parent_page_types = ["news.EventIndexPage"]
    subpage_types = ["news.EventPage"]

    class Meta:
        verbose_name = _("event section")


class CountryOwnedPage(PermissionTesterOnce, Page):
    """A page whose country is the one of the section it sits in.

    The country is copied from the section on save so that listings and
    digests filter on a column, not on the tree.
    """

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", editable=False
    )

    base_form_class = CountryPageForm

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        self._take_country_from_section()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self._take_country_from_section()
        return super().save(*args, **kwargs)

    def serve_preview(self, request, mode_name):
        """With a website preview URL configured, the admin's preview shows
        the website's own rendering of this draft (news.preview)."""
        if app_settings.WEBSITE_PREVIEW_URL:
            return HttpResponseRedirect(preview_url(self))
        return super().serve_preview(request, mode_name)

    def _take_country_from_section(self):
        parent = self.get_parent() if self.path else None
        section = parent.specific if parent else None
        if isinstance(section, CountrySection):
            self.country_id = section.country_id


class NewsPage(FoldedSearchMixin, CountryOwnedPage):
    class Provenance(models.TextChoices):
        STAFF = "staff", _("Written by staff")
        SUBMISSION = "submission", _("CSO submission")
        FEED = "feed", _("Imported from a feed")

    date = models.DateField(_("date"))
    lead = models.TextField(_("lead"), max_length=600)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news",
    )
    topics = ParentalManyToManyField(Topic, blank=True, related_name="news")
    provenance = models.CharField(
        _("provenance"),
        max_length=16,
        choices=Provenance.choices,
        default=Provenance.STAFF,
    )
    source_url = models.URLField(_("source URL"), blank=True, max_length=1000)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("lead"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        FieldPanel("organisation"),
        FieldPanel("topics"),
        MultiFieldPanel(
            [FieldPanel("provenance"), FieldPanel("source_url")],
            heading=_("Provenance"),
        ),
    ]
    # Translations: title, lead and body are translated; the date, image,
    # organisation, topics and provenance are the same in every language.
    override_translatable_fields = [
        SynchronizedField("date", overridable=False),
        SynchronizedField("hero_image", overridable=False),
        SynchronizedField("organisation", overridable=False),
        SynchronizedField("topics", overridable=False),
        SynchronizedField("provenance", overridable=False),
        SynchronizedField("source_url", overridable=False),
    ]
    search_fields = [
        *Page.search_fields,
        *FoldedSearchMixin.folded_search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("country"),
        index.FilterField("locale"),
        index.FilterField("expire_at"),
        index.FilterField("url_path"),
    ]
    parent_page_types = ["news.NewsSectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def search_text(self):
        return f"{self.lead} {streamfield_text(self.body)}"


class EventPage(FoldedSearchMixin, CountryOwnedPage):
    class EventType(models.TextChoices):
        P2P = "p2p", _("P2P event")
        INFORMATION = "information", _("Information event")
        TRAINING = "training", _("Training")
        TRAINING_OF_TRAINERS = "tot", _("Training of trainers")
        PARTNERSHIP = "partnership", _("Partnership, networking or cross-border event")
        MONITORING = "monitoring", _("Monitoring event")
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")

    event_type = models.CharField(_("event type"), max_length=16, choices=EventType)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default="Europe/Belgrade",
    )
    is_online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    venue_country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("venue country"),
    )
    organiser = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    registration_url = models.URLField(_("registration URL"), blank=True)
    registration_deadline = models.DateTimeField(
        _("registration deadline"), null=True, blank=True
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_language_codes]
    )
    description = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("event_type"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("time_zone"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_online"),
                FieldPanel("venue"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("venue_country")]),
            ],
            heading=_("Where"),
        ),
        FieldPanel("organiser"),
        MultiFieldPanel(
            [FieldPanel("registration_url"), FieldPanel("registration_deadline")],
            heading=_("Registration"),
        ),
        FieldPanel("languages"),
        FieldPanel("description"),
    ]
    # Translations: title, description, venue and city are translated; when,
    # where (country), who organises and registration are synchronised.
    override_translatable_fields = [
        SynchronizedField("event_type", overridable=False),
        SynchronizedField("start", overridable=False),
        SynchronizedField("end", overridable=False),
        SynchronizedField("time_zone", overridable=False),
        SynchronizedField("is_online", overridable=False),
        SynchronizedField("venue_country", overridable=False),
        SynchronizedField("organiser", overridable=False),
        SynchronizedField("registration_url", overridable=False),
        SynchronizedField("registration_deadline", overridable=False),
        SynchronizedField("languages", overridable=False),
    ]
    search_fields = [
        *Page.search_fields,
        *FoldedSearchMixin.folded_search_fields,
        index.SearchField("description"),
        index.SearchField("venue"),
        index.SearchField("city"),
        index.FilterField("start"),
        index.FilterField("event_type"),
        index.FilterField("country"),
        index.FilterField("locale"),
        index.FilterField("expire_at"),
        index.FilterField("url_path"),
    ]
    parent_page_types = ["news.EventSectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")

    def search_text(self):
        return " ".join((streamfield_text(self.description), self.venue, self.city))

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("An event cannot end before it starts.")
        if not self.is_online and not (self.venue or self.city):
            errors["venue"] = _("Give a venue or city, or mark the event as online.")
        if (
            self.registration_deadline
            and self.end
            and self.registration_deadline > self.end
        ):
            errors["registration_deadline"] = _(
                "Registration cannot close after the event has ended."
            )
        if errors:
            raise ValidationError(errors)

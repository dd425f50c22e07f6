"""Countries, organisations, topics, and the news and event pages.

Each country owns a section under the news index and under the events index (in
every locale), so that Wagtail's subtree permissions scope each country's team.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.locales import content_language_codes
from home.textfold import fold_with_stems

from .blocks import BodyBlock

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


def validate_language_codes(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Give a list of language codes."))
    unknown = sorted(set(value) - set(content_language_codes()))
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s"),
            params={"codes": ", ".join(unknown)},
        )


def streamfield_text(value):
    """The words of a StreamField value, as plain text."""
    if not value:
        return ""
    return " ".join(value.stream_block.get_searchable_content(value))


class FoldedSearchMixin:
    """Folded copies of the searchable text (home.textfold): every script,
    case and diacritic meets in one form, in the index and in queries."""

    folded_search_fields = [
        index.SearchField("folded_title", boost=4),
        index.AutocompleteField("folded_title"),
        index.SearchField("folded_text"),
    ]

    def search_title(self):
        return self.title

    def search_text(self):
        return ""

    def folded_title(self):
        return fold_with_stems(self.search_title())

    def folded_text(self):
        return fold_with_stems(self.search_text())


class Country(TranslatableMixin, models.Model):
    """A programme country, or the regional entry that concerns all of them."""

    name = models.CharField(_("name"), max_length=100)
    iso_code = models.CharField(
        _("ISO code"),
        max_length=2,
        help_text=_("ISO 3166-1 alpha-2; Kosovo is XK. The regional entry uses EU."),
    )
    languages = models.JSONField(
        _("subscriber languages"),
        default=list,
        validators=[validate_language_codes],
        help_text=_("Content language codes its subscribers read, e.g. sq, sr."),
    )
    is_regional = models.BooleanField(_("regional"), default=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("iso_code"),
        FieldPanel("languages"),
        FieldPanel("is_regional"),
    ]
    # Translations: the name is translated; codes and flags are the same row
    # of facts in every language.
    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("iso_code", overridable=False),
        SynchronizedField("languages", overridable=False),
        SynchronizedField("is_regional", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["is_regional", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code", "locale"], name="country_iso_code_per_locale"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.iso_code = (self.iso_code or "").upper()


class Topic(TranslatableMixin, models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    translatable_fields = [TranslatableField("name"), TranslatableField("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("topic")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "locale"], name="topic_slug_per_locale"
            )
        ]

    def __str__(self):
        return self.name


class Organisation(FoldedSearchMixin, TranslatableMixin, index.Indexed, models.Model):
    """A CSO, Resource Centre, network, public institution or media outlet."""

    class Kind(models.TextChoices):
        CSO = "cso", _("Civil society organisation")
        RESOURCE_CENTRE = "resource_centre", _("Resource Centre")
        NETWORK = "network", _("Network")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        MEDIA = "media", _("Media")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organisations"
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feed_url = models.URLField(_("RSS/Atom feed URL"), blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Checked by the programme; unverified ones came from submissions."),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("country"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("website"),
                FieldPanel("contact_email"),
                FieldPanel("feed_url"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("logo"),
        FieldPanel("verified"),
    ]
    # Translations: the description is translated; the name stays the
    # organisation's own (a translator may give a local form); contacts,
    # country, logo and verification are synchronised.
    translatable_fields = [
        TranslatableField("description"),
        SynchronizedField("name"),
        SynchronizedField("kind", overridable=False),
        SynchronizedField("country", overridable=False),
        SynchronizedField("website", overridable=False),
        SynchronizedField("contact_email", overridable=False),
        SynchronizedField("logo", overridable=False),
        SynchronizedField("feed_url", overridable=False),
        SynchronizedField("verified", overridable=False),
    ]
    search_fields = [
        *FoldedSearchMixin.folded_search_fields,
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("kind"),
        index.FilterField("country"),
        index.FilterField("locale"),
        index.FilterField("verified"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def search_title(self):
        return self.name

    def search_text(self):
        return f"{self.description} {self.website}"


class CountrySection(Page):
    """A country's subtree: the unit of Wagtail permissions for its team."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")

    content_panels = [*Page.content_panels, FieldPanel("country")]

    class Meta:
        abstract = True


class NewsIndexPage(Page):
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


class EventIndexPage(Page):
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


class CountryOwnedPage(Page):
    """A page whose country is the one of the section it sits in.

    The country is copied from the section on save so that listings and
    digests filter on a column, not on the tree.
    """

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", editable=False
    )

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
        if settings.WEBSITE_PREVIEW_URL:
            from .preview import preview_url

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


class CountryTeam(models.Model):
    """The one mapping from a Wagtail group to the countries it works for.

    Page permissions come from Wagtail's subtree permissions on each country's
    sections; lists, campaigns, the review dashboard and team notifications
    read this mapping.
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("Editors")
        MODERATOR = "moderator", _("Moderators")

    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="country_team"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    countries = models.ManyToManyField(Country, related_name="teams")

    class Meta:
        verbose_name = _("country team")

    def __str__(self):
        return self.group.name


class Submission(models.Model):
    """A news item sent in by a CSO: who sent it, with what consent, from where."""

    page = models.ForeignKey(
        NewsPage, null=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    submitter_name = models.CharField(_("submitter name"), max_length=200)
    submitter_email = models.EmailField(_("submitter email"))
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=8)
    consent_to_publish = models.BooleanField(default=False)
    image_rights_confirmed = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    source = models.CharField(
        max_length=8, choices=[("page", _("Web page")), ("api", _("API"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CSO submission")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.submitter_name} <{self.submitter_email}>"


class FeedState(models.Model):
    """What the poller knows about one organisation's feed, shown in the admin."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="feed_state"
    )
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    items_imported = models.PositiveIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("feed status")
        verbose_name_plural = _("feed statuses")

    def __str__(self):
        return str(self.organisation)


class FeedItem(models.Model):
    """One imported entry, remembered by GUID (or link) so it is imported once.

    Unique on a hash of the GUID: GUIDs are arbitrary text of any length.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="feed_items"
    )
    guid = models.TextField()
    guid_hash = models.CharField(max_length=64)
    page = models.ForeignKey(
        NewsPage, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "guid_hash"],
                name="feed_item_once_per_organisation",
            )
        ]

    def __str__(self):
        return self.guid[:100]

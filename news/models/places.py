"""Countries, organisations and topics: what content is about and who it is from."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.locales import content_language_codes

from .search import FoldedSearchMixin


def validate_language_codes(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Give a list of language codes."))
    unknown = sorted(set(value) - set(content_language_codes()))
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s"),
            params={"codes": ", ".join(unknown)},
        )


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

    @staticmethod
    def local_names(countries, language_code):
        """{translation key: name} of ``countries`` in ``language_code``'s
        translations, for those that have one (one query)."""
        return dict(
            Country.objects.filter(
                locale__language_code=language_code,
                translation_key__in=[country.translation_key for country in countries],
            ).values_list("translation_key", "name")
        )

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

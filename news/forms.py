"""The CSO submission form: one set of rules for the HTML page and the API."""

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from home.locales import language_endonyms

from .conf import app_settings
from .kinds import default_locale
from .models import Country, Organisation

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_IMAGE_PIXELS = 40_000_000


def country_choices():
    """(ISO code, name in the page's language, else in the default one)."""
    countries = list(Country.objects.filter(locale=default_locale()))
    local_names = Country.local_names(
        countries, translation.get_language() or settings.LANGUAGE_CODE
    )
    return [
        (country.iso_code, local_names.get(country.translation_key, country.name))
        for country in countries
    ]


class SubmissionForm(forms.Form):
    submitter_name = forms.CharField(label=_("Your name"), max_length=200)
    submitter_email = forms.EmailField(label=_("Your email"), max_length=254)
    country = forms.ChoiceField(label=_("Country"), choices=())
    language = forms.ChoiceField(label=_("Language of your text"), choices=())
    organisation = forms.IntegerField(
        label=_("Your organisation"), required=False, widget=forms.Select
    )
    new_organisation_name = forms.CharField(
        label=_("Or its name, if it is not listed"), max_length=255, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=app_settings.NEWS_SUBMISSION_TEXT_MAX_CHARS,
    )
    image = forms.ImageField(
        label=_("Image (JPEG, PNG or WebP, up to 5 MB)"),
        required=False,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    image_rights = forms.BooleanField(
        label=_("I hold the rights to this image and allow its publication"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the programme publishes this text and contacts me about it"
        ),
        required=True,
        error_messages={"required": _("Consent to publish is required.")},
    )
    # Honeypot: hidden from people by CSS; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        self.fields["language"].choices = list(language_endonyms().items())
        self.fields["language"].initial = translation.get_language()
        self.fields["organisation"].widget.choices = [("", "—")] + [
            (org.pk, org.name)
            for org in Organisation.objects.filter(
                verified=True, locale=default_locale()
            ).only("pk", "name")
        ]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image:
            return None
        if image.size > app_settings.NEWS_SUBMISSION_IMAGE_MAX_BYTES:
            raise forms.ValidationError(_("The image is larger than 5 MB."))
        pil = getattr(image, "image", None)
        if pil is None or pil.format not in IMAGE_FORMATS:
            raise forms.ValidationError(_("Upload a JPEG, PNG or WebP image."))
        if pil.width * pil.height > MAX_IMAGE_PIXELS:
            raise forms.ValidationError(_("The image has too many pixels."))
        image.seek(0)
        return image

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("The submission could not be accepted."))
        country = None
        if data.get("country"):
            country = Country.objects.get(
                locale=default_locale(), iso_code=data["country"]
            )
            data["country"] = country
        organisation_id = data.get("organisation")
        if organisation_id:
            organisation = Organisation.objects.filter(
                pk=organisation_id, verified=True
            ).first()
            if organisation is None:
                self.add_error("organisation", _("Unknown organisation."))
            elif country and organisation.country.translation_key != (
                country.translation_key
            ):
                self.add_error(
                    "organisation", _("This organisation is in another country.")
                )
            else:
                data["organisation"] = organisation
        elif not (data.get("new_organisation_name") or "").strip():
            self.add_error(
                "new_organisation_name",
                _("Choose your organisation or give its name."),
            )
        if data.get("image") and not data.get("image_rights"):
            self.add_error(
                "image_rights", _("Confirm that you hold the rights to the image.")
            )
        return data

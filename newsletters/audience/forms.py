"""Subscription forms: one set of rules for the HTML pages and the API."""

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from home.locales import language_endonyms
from news.models import Country

from .addresses import InvalidAddress, normalise_email
from .models import MailingList


def language_choices():
    """(code, name in that language) of the content languages."""
    return list(language_endonyms().items())


def country_choices():
    """(ISO code, country name in the reader's language) of the public lists."""
    lists = list(MailingList.objects.filter(is_public=True).select_related("country"))
    local_names = Country.local_names(
        [x.country for x in lists], translation.get_language() or settings.LANGUAGE_CODE
    )
    return [
        (x.country.iso_code, local_names.get(x.country.translation_key, x.country.name))
        for x in lists
    ]


def lists_for_codes(codes):
    by_code = {
        x.country.iso_code: x
        for x in MailingList.objects.filter(
            is_public=True, country__iso_code__in=codes
        ).select_related("country")
    }
    return [by_code[code] for code in codes if code in by_code]


class EmailField(forms.CharField):
    """An address in its one canonical spelling (see addresses.normalise_email)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 320)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalise_email(value)
        except InvalidAddress:
            raise forms.ValidationError(
                _("Enter a valid email address."), code="invalid"
            ) from None


class ListsAndLanguageForm(forms.Form):
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one country.")},
    )
    language = forms.ChoiceField(label=_("Language"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = country_choices()
        self.fields["language"].choices = language_choices()
        self.fields["language"].initial = translation.get_language()

    def clean(self):
        data = super().clean()
        codes = data.get("countries") or []
        data["lists"] = lists_for_codes(codes)
        language = data.get("language")
        if (
            data["lists"]
            and language
            and not any(language in x.languages for x in data["lists"])
        ):
            self.add_error(
                "language",
                _("None of the chosen countries' newsletters is in this language."),
            )
        return data


class SubscribeForm(ListsAndLanguageForm):
    email = EmailField(label=_("Your email"))
    name = forms.CharField(
        label=_("Your name (optional)"), max_length=200, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I want to receive the programme's newsletter by email. I can "
            "unsubscribe at any time with the link in every newsletter."
        ),
        error_messages={"required": _("Tick the box to agree to receive it.")},
    )
    # Honeypot: hidden from people by CSS; bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    field_order = ["email", "name", "countries", "language", "consent", "website"]

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(ListsAndLanguageForm):
    """No country at all is allowed: it leaves every public list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].required = False

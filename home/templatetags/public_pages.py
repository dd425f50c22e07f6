"""Tags of the public pages' shared layout (templates/base.html)."""

from django import template
from django.utils import translation
from django.utils.translation import gettext

from home.locales import html_lang
from home.models import ProgrammeSettings

register = template.Library()


@register.simple_tag
def page_lang(language_code=None):
    """BCP 47 of ``language_code``, else of the language being rendered."""
    return html_lang(language_code or translation.get_language() or "en")


@register.simple_tag(takes_context=True)
def programme_name(context):
    """The programme's name (home settings), translated where a catalogue
    has it (the default name does)."""
    request = context.get("request")
    name = ProgrammeSettings.load(request_or_site=request).programme_name
    return gettext(name) if name else ""


@register.simple_tag
def public_widget(field, **attrs):
    """``field``'s widget with its errors tied to it: aria-invalid, and
    aria-describedby naming the error message's id (see
    includes/public_field.html)."""
    if field.errors:
        attrs["aria-invalid"] = "true"
        ids = [f"{field.auto_id}-error"]
        if field.help_text:
            ids.insert(0, f"{field.auto_id}_helptext")
        attrs["aria-describedby"] = " ".join(ids)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def public_label(field):
    """``field``'s label, without the colon after a checkbox's sentence."""
    return field.label_tag(label_suffix="")

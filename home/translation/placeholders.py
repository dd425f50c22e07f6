"""Machine placeholders must not reach readers.

The offline engine (home.translation.machine.OfflineTranslator) marks its
output "[MT sq→sr] <source text>": plainly not a translation. A translation
still holding such a string is not approved or published, by any path: the
check sits on Wagtail's publish action (home.translation.actions), and the
views that approve or publish say why before they try (guards, middleware,
the editor's review actions).

The text of the revision being published is read through wagtail-localize's
own segment extraction, so every translated field counts (title, lead, each
block of the body) and nothing synchronised (dates, images) does.
"""

import re
from functools import lru_cache

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from .transliterate import latin_to_cyrillic

DEFAULT_MARKER = "MT"


def _markers():
    """The markers of the configured placeholder engines."""
    translator = get_machine_translator()
    engines = getattr(translator, "engines", {}).values() if translator else ()
    markers = {e.marker() for e in engines if getattr(e, "placeholder", False)}
    return markers or {DEFAULT_MARKER}


@lru_cache(maxsize=8)
def _pattern(markers):
    # The Cyrillic spelling of a marker is what an earlier release stored for
    # Serbian (its placeholder went through the script conversion).
    spellings = set(markers) | {latin_to_cyrillic(m) for m in markers}
    alternatives = "|".join(re.escape(s) for s in sorted(spellings))
    return re.compile(rf"\[(?:{alternatives}) [\w-]+→[\w-]+\]")


def placeholder_pattern():
    return _pattern(frozenset(_markers()))


def _labels(model, paths):
    names = list(dict.fromkeys(path.split(".", 1)[0] for path in paths))
    labels = []
    for name in names:
        try:
            field = model._meta.get_field(name)
            labels.append(str(capfirst(field.verbose_name)))
        except LookupError:
            labels.append(name)
    return labels


def fields_with_placeholders(instance):
    """Labels of the fields of ``instance`` that hold a machine placeholder."""
    pattern = placeholder_pattern()
    paths = [
        segment.path
        for segment in extract_segments(instance)
        if isinstance(segment, StringSegmentValue)
        and pattern.search(segment.string.data)
    ]
    return _labels(type(instance), paths)


def pending_fields_with_placeholders(translation):
    """The same for the strings of a wagtail-localize translation as they
    stand in its editor (what saving the translation would write)."""
    pattern = placeholder_pattern()
    segments = (
        translation.source.stringsegment_set.annotate_translation(
            translation.target_locale
        )
        .filter(translation__isnull=False)
        .select_related("context")
    )
    paths = [s.context.path for s in segments if pattern.search(s.translation)]
    return _labels(translation.source.specific_content_type.model_class(), paths)


def _refusal(labels):
    if not labels:
        return None
    return _(
        "This translation still contains machine placeholders (“[MT …]”) in: "
        "%(fields)s. Replace them with the translation before approving or "
        "publishing it."
    ) % {"fields": ", ".join(labels)}


def placeholder_refusal(revision_or_instance):
    """Why the revision (or object) may not go live; None if it may."""
    instance = getattr(revision_or_instance, "as_object", None)
    instance = instance() if instance else revision_or_instance
    return _refusal(fields_with_placeholders(instance))


def pending_placeholder_refusal(translation):
    """Why ``translation``, saved as its editor shows it, may not go live."""
    return _refusal(pending_fields_with_placeholders(translation))

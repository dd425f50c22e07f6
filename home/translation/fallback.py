"""Reading content in a language it may not exist in.

The API (and newsletters) ask for a page or snippet in the reader's language;
when that translation is missing or not live, the reader gets the best one
along the fallback chain (LANGUAGE_FALLBACKS through
home.locales.fallback_chain), then the source, and is told which language
they were served.
"""

from uuid import UUID

from wagtail.models import DraftStateMixin, Page
from wagtail_localize.models import TranslationSource

from home.locales import fallback_chain


def _readable(model):
    queryset = model._default_manager.all()
    if issubclass(model, Page):
        return queryset.live().public()
    if issubclass(model, DraftStateMixin):
        return queryset.filter(live=True)
    return queryset


def best_translation(obj_or_key, language_code, model=Page):
    """(instance, language code served) for a reader of ``language_code``.

    ``obj_or_key`` is a page or translatable object, or a translation key.
    Pages are live and public only. Returns (None, None) when nothing of the
    key can be read.
    """
    if isinstance(obj_or_key, UUID | str):
        key = obj_or_key
    else:
        key = obj_or_key.translation_key
        if model is Page and not isinstance(obj_or_key, Page):
            model = type(obj_or_key)
    candidates = {
        item.locale.language_code: item
        for item in _readable(model)
        .filter(translation_key=key)
        .select_related("locale")
    }
    if not candidates:
        return None, None
    order = [*fallback_chain(language_code), *_source_codes(key)]
    for code in order:
        if code in candidates:
            return _specific(candidates[code]), code
    code = sorted(candidates)[0]
    return _specific(candidates[code]), code


def _source_codes(key):
    return list(
        TranslationSource.objects.filter(object_id=key)
        .order_by("created_at")
        .values_list("locale__language_code", flat=True)
    )


def _specific(instance):
    return instance.specific if isinstance(instance, Page) else instance

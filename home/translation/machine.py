"""Machine translation backends for wagtail-localize, routed by language pair.

Configured as ``WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS":
"home.translation.machine.RoutingTranslator", "OPTIONS": {...}}`` and loaded by
wagtail-localize with ``import_string``. Whatever a backend returns is stored
as a *machine* string translation: it reaches readers only when a reviewer of
the target language approves the page (home.translation.review).

- Serbian Cyrillic <-> Serbian Latin is converted letter for letter
  (home.translation.transliterate), never sent to an engine.
- ``VIA`` names the model an engine is asked in place of a language the
  engines lack (Montenegrin through Serbian Latin); when both sides map to
  the same model the text is copied for the reviewer to adjust.
- ``SCRIPT_VIA`` converts the script around the engine (engines are asked in
  Serbian Latin; Cyrillic comes back by conversion, exactly).
- ``ROUTES`` picks the engine per pair: the first configured engine whose
  route matches and which supports both languages.

The DeepL and LibreTranslate engines are wagtail-localize's own translators
(their options as it documents them, DeepL's glossaries and formality
included) with the options every engine here shares (EngineMixin); each says
why it keeps its own ``translate``.
"""

import json

import requests
from django.utils.module_loading import import_string
from wagtail_localize.machine_translators import deepl as localize_deepl
from wagtail_localize.machine_translators import (
    libretranslate as localize_libretranslate,
)
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

from .transliterate import transliterator


class EngineLocale:
    """The language an engine is asked in (wagtail-localize passes Locales)."""

    def __init__(self, language_code):
        self.language_code = language_code

    def __repr__(self):
        return f"EngineLocale({self.language_code!r})"


class EngineMixin:
    """Options every engine shares: a code map and the languages it supports."""

    def engine_code(self, code):
        return self.options.get("LANGUAGE_CODES", {}).get(code, code)

    def supports(self, code):
        languages = self.options.get("LANGUAGES")
        return languages is None or code in languages

    def can_translate(self, source_locale, target_locale):
        source, target = source_locale.language_code, target_locale.language_code
        return (
            self.engine_code(source) != self.engine_code(target)
            and self.supports(source)
            and self.supports(target)
        )

    def timeout(self):
        return float(self.options.get("TIMEOUT", 30))


class OfflineTranslator(EngineMixin, BaseMachineTranslator):
    """No network, for development and tests: the source text, marked.

    Deterministic and plainly not a translation ("[MT sq→en] ..."), so that a
    reviewer sees at once what still needs a human; the mark also keeps such
    text from ever passing as finished work.
    """

    display_name = "Offline placeholder (not a translation)"
    # Asked in the reader's own language and script, its output left as it is:
    # the marker names the locale it stands in for ("[MT sq→sr]", not the
    # Serbian Latin model behind Cyrillic), and the source text is kept
    # exactly, never half converted into another script.
    placeholder = True

    def marker(self):
        return self.options.get("MARKER", "MT")

    def translate(self, source_locale, target_locale, strings):
        marker = self.marker()
        pair = f"{source_locale.language_code}→{target_locale.language_code}"
        prefix = f"[{marker} {pair}]"
        return {string: StringValue(f"{prefix} {string.data}") for string in strings}


class DeepLTranslator(EngineMixin, localize_deepl.DeepLTranslator):
    """wagtail-localize's DeepL translator, with the project's options.

    Its request is wagtail-localize's (``get_parameters``: the texts, XML tag
    handling, ``FORMALITY`` and ``GLOSSARY_IDS`` as it documents them, the
    region kept only on targets such as EN-GB), asked in the languages of
    ``LANGUAGE_CODES``; ``API_URL`` points it at another DeepL host (a
    stand-in in tests). ``translate`` is the project's own for one measured
    reason: wagtail-localize's reads ``translations`` without looking at the
    status, so a refused key (403) or a spent quota (456) came out as
    ``KeyError: 'translations'``; here it is the HTTP error that says so
    (tests/translation/test_machine_backends.py), and ``TIMEOUT`` may be a
    fraction of a second (wagtail-localize's ``int()`` makes 0.5 a zero
    timeout, which requests refuses).
    """

    def get_api_endpoint(self):
        if url := self.options.get("API_URL"):
            return url.rstrip("/") + "/v2/translate"
        return super().get_api_endpoint()

    def get_parameters(self, source_locale, target_locale, strings):
        return super().get_parameters(
            EngineLocale(self.engine_code(source_locale.language_code)),
            EngineLocale(self.engine_code(target_locale.language_code)),
            strings,
        )

    def translate(self, source_locale, target_locale, strings):
        strings = list(strings)
        response = requests.post(
            self.get_api_endpoint(),
            self.get_parameters(source_locale, target_locale, strings),
            headers=self.get_headers(),
            timeout=self.timeout(),
        )
        response.raise_for_status()
        results = response.json()["translations"]
        return {
            string: StringValue(result["text"])
            for string, result in zip(strings, results, strict=True)
        }


class LibreTranslator(EngineMixin, localize_libretranslate.LibreTranslator):
    """wagtail-localize's LibreTranslate translator, with the project's options.

    ``LIBRETRANSLATE_URL`` and ``API_KEY`` as wagtail-localize names them,
    the languages of ``LANGUAGE_CODES``, the shared ``TIMEOUT``. ``translate``
    is the project's own for measured reasons: wagtail-localize's requires
    ``API_KEY`` (``KeyError`` without it) and always sends ``api_key``, even
    empty, where a server without keys is asked with none; and it zips a
    ``translatedText`` answered as one string letter by letter (a strict zip
    error for any text but one letter), where here it is the one translation.
    """

    def get_api_endpoint(self):
        return super().get_api_endpoint().rstrip("/")

    def get_timeout(self):
        return self.timeout()

    def language_code(self, code):
        return self.engine_code(code)

    def translate(self, source_locale, target_locale, strings):
        strings = list(strings)
        payload = {
            "q": [string.data for string in strings],
            "source": self.language_code(source_locale.language_code),
            "target": self.language_code(target_locale.language_code),
            "format": "html",
        }
        if api_key := self.options.get("API_KEY"):
            payload["api_key"] = api_key
        response = requests.post(
            self.get_api_endpoint() + "/translate",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=self.get_timeout(),
        )
        response.raise_for_status()
        results = response.json()["translatedText"]
        if isinstance(results, str):
            results = [results]
        return {
            string: StringValue(text)
            for string, text in zip(strings, results, strict=True)
        }


class Route:
    """What the router will do for one language pair, for callers and tests."""

    def __init__(self, kind, engine=None, source=None, target=None, name=""):
        self.kind = kind  # "script", "copy" or "engine"
        self.engine = engine
        self.source = source  # the code the engine is asked in
        self.target = target
        self.name = name

    def __repr__(self):
        return f"Route({self.kind!r}, {self.name!r}, {self.source}->{self.target})"


def _matches(pattern, code):
    return pattern in ("*", code)


class RoutingTranslator(BaseMachineTranslator):
    """The configured machine translator: picks a backend per language pair."""

    display_name = "Machine translation"

    def __init__(self, options):
        super().__init__(options)
        self.engines = {}
        for name, config in (options.get("ENGINES") or {}).items():
            if config:
                engine_class = import_string(config["CLASS"])
                self.engines[name] = engine_class(config.get("OPTIONS", {}))
        self.routes = [tuple(route) for route in options.get("ROUTES", [])]
        self.via = options.get("VIA", {})
        self.script_via = options.get("SCRIPT_VIA", {})

    def route(self, source_code, target_code):
        """The Route for a pair, or None when nothing configured can do it."""
        if source_code == target_code:
            return None
        if transliterator(source_code, target_code):
            return Route("script", name="Serbian script conversion (exact)")
        source, target = self.model_code(source_code), self.model_code(target_code)
        if source == target:
            return Route(
                "copy",
                source=source,
                target=target,
                name=f"Copied from {source_code} (closely related; review the wording)",
            )
        for source_pattern, target_pattern, engine_name in self.routes:
            engine = self.engines.get(engine_name)
            if (
                engine is not None
                and _matches(source_pattern, source_code)
                and _matches(target_pattern, target_code)
                and engine.can_translate(EngineLocale(source), EngineLocale(target))
            ):
                return Route(
                    "engine",
                    engine=engine,
                    source=source,
                    target=target,
                    name=engine.display_name,
                )
        return None

    def model_code(self, code):
        """The language an engine is asked in for ``code``."""
        return self.script_via.get(code, self.via.get(code, code))

    def can_translate(self, source_locale, target_locale):
        return (
            self.route(source_locale.language_code, target_locale.language_code)
            is not None
        )

    def translate(self, source_locale, target_locale, strings):
        source_code = source_locale.language_code
        target_code = target_locale.language_code
        route = self.route(source_code, target_code)
        if route is None:
            return {}
        # wagtail-localize records this as the tool of each string it stores.
        self.display_name = route.name
        strings = list(strings)
        if route.kind == "script":
            convert = transliterator(source_code, target_code)
            return {s: StringValue(convert(s.data)) for s in strings}

        if route.kind == "engine" and getattr(route.engine, "placeholder", False):
            return route.engine.translate(source_locale, target_locale, strings)

        into_engine = self._script_conversion(source_code, into_engine=True)
        out_of_engine = self._script_conversion(target_code, into_engine=False)

        asked = {s: StringValue(into_engine(s.data)) for s in strings}
        if route.kind == "copy":
            answered = asked
        else:
            answered_by_value = route.engine.translate(
                EngineLocale(route.source),
                EngineLocale(route.target),
                list(dict.fromkeys(asked.values())),
            )
            answered = {s: answered_by_value.get(asked[s]) for s in strings}
        return {
            s: StringValue(out_of_engine(value.data))
            for s, value in answered.items()
            if value is not None and value.data is not None
        }

    def _script_conversion(self, code, into_engine):
        """Conversion between ``code`` and the script its engine works in."""
        engine_code = self.script_via.get(code)
        if engine_code is None:
            return str
        pair = (code, engine_code) if into_engine else (engine_code, code)
        return transliterator(*pair)

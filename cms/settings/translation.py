"""Machine translation, routed per language pair (home.translation.machine):
DeepL when DEEPL_AUTH_KEY is set, LibreTranslate when LIBRETRANSLATE_URL is
set, and an offline placeholder that marks its output, so every pair has a
draft for a reviewer. Serbian Cyrillic <-> Latin is converted, not
translated; Montenegrin is translated through the Serbian Latin model."""

from .env import env_list, env_str


def machine_translator(timeout):
    """WAGTAILLOCALIZE_MACHINE_TRANSLATOR."""
    return {
        "CLASS": "home.translation.machine.RoutingTranslator",
        "OPTIONS": {
            "ENGINES": {
                "deepl": {
                    "CLASS": "home.translation.machine.DeepLTranslator",
                    "OPTIONS": {
                        "AUTH_KEY": env_str("DEEPL_AUTH_KEY"),
                        "API_URL": env_str("DEEPL_API_URL"),
                        "TIMEOUT": timeout,
                        "LANGUAGE_CODES": {"en": "en-gb", "sr-latn": "sr"},
                        "LANGUAGES": env_list("DEEPL_LANGUAGES", ["en", "tr"]),
                    },
                }
                if env_str("DEEPL_AUTH_KEY")
                else None,
                "libretranslate": {
                    "CLASS": "home.translation.machine.LibreTranslator",
                    "OPTIONS": {
                        "LIBRETRANSLATE_URL": env_str("LIBRETRANSLATE_URL"),
                        "API_KEY": env_str("LIBRETRANSLATE_API_KEY"),
                        "TIMEOUT": timeout,
                        "LANGUAGE_CODES": {"sr-latn": "sr"},
                        "LANGUAGES": env_list("LIBRETRANSLATE_LANGUAGES", []) or None,
                    },
                }
                if env_str("LIBRETRANSLATE_URL")
                else None,
                "offline": {"CLASS": "home.translation.machine.OfflineTranslator"},
            },
            # (source, target, engine), first match wins; "*" matches any language.
            "ROUTES": [
                ("*", "*", "deepl"),
                ("*", "*", "libretranslate"),
                ("*", "*", "offline"),
            ],
            "VIA": {"cnr": "sr-latn"},
            "SCRIPT_VIA": {"sr": "sr-latn"},
        },
    }

"""What the seven catalogues still lack, and a way to fill it in.

    python scripts/translation_todo.py            # list untranslated/fuzzy entries
    python scripts/translation_todo.py --json     # the same as {"msgid": {"sq": ""...}}
    python scripts/translation_todo.py --apply t.json [--compile]

The JSON to apply maps a msgid to its translations by catalogue language
({"Save": {"sq": "Ruaj", "sr": "Сачувај", ...}}); a plural entry's value per
language is a list of forms. Applying clears the fuzzy flag of the entries it
fills; sr_Latn is transliterated from sr when the file gives no sr_Latn text.
Exit status 1 when listing finds anything left to do.
"""

import argparse
import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["sq", "sr", "sr_Latn", "bs", "mk", "cnr", "tr"]


def catalogue_path(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def todo(catalogue):
    """Entries (not obsolete) with no translation or a fuzzy one."""
    return [
        entry
        for entry in catalogue
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]


def cyrillic_to_latin(text):
    sys.path.insert(0, str(ROOT))
    from home.translation.transliterate import cyrillic_to_latin as convert

    return convert(text)


def apply(path, compile_after):
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    for language in LANGUAGES:
        catalogue = polib.pofile(str(catalogue_path(language)))
        filled = 0
        for entry in catalogue:
            texts = wanted.get(entry.msgid)
            if entry.obsolete or not texts:
                continue
            text = texts.get(language)
            if text is None and language == "sr_Latn" and texts.get("sr"):
                sr = texts["sr"]
                text = (
                    [cyrillic_to_latin(form) for form in sr]
                    if isinstance(sr, list)
                    else cyrillic_to_latin(sr)
                )
            if not text:
                continue
            if entry.msgid_plural:
                forms = text if isinstance(text, list) else [text]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = text
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
            filled += 1
        catalogue.save()
        sys.stdout.write(f"{language}: {filled} entries filled" + "\n")
    if compile_after:
        compile_all()


def compile_all():
    for language in LANGUAGES:
        po_path = catalogue_path(language)
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply", metavar="JSON")
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.apply:
        apply(args.apply, args.compile)
        return 0
    missing = {}
    for language in LANGUAGES:
        for entry in todo(polib.pofile(str(catalogue_path(language)))):
            missing.setdefault(entry.msgid, {})[language] = (
                entry.msgstr if not entry.msgid_plural else []
            )
            if not args.json:
                state = "fuzzy" if entry.fuzzy else "untranslated"
                sys.stdout.write(f"{language}\t{state}\t{entry.msgid!r}" + "\n")
    if args.json:
        blank = {m: dict.fromkeys(langs, "") for m, langs in missing.items()}
        sys.stdout.write(json.dumps(blank, ensure_ascii=False, indent=1) + "\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

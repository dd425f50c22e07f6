"""The seven non-English catalogues are complete and current (issue 15 item 7).

Complete: every entry translated, none fuzzy (obsolete ones do not count).
Current: makemessages, run on a copy of the sources, finds no string the
catalogue lacks, so a string added to the code without a translation fails
here, not in front of a reader. Fill the gaps with `make messages` and
scripts/translation_todo.py (README, "Translations").
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import skip_unless_ci

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["sq", "sr", "sr_Latn", "bs", "mk", "cnr", "tr"]
# The same exclusions as `make messages`.
NOT_SOURCES = {".venv", ".git", "node_modules", "var", "tests", "docs", ".ruff_cache"}


def catalogue(language):
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def missing(po):
    return [
        entry.msgid
        for entry in po
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_without_fuzzy_entries(language):
    left = missing(catalogue(language))
    assert not left, f"{language}: {len(left)} untranslated or fuzzy: {left}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")
    wrong = []
    for entry in catalogue(language):
        if entry.obsolete or not entry.translated():
            continue
        expected = sorted(pattern.findall(entry.msgid))
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            got = sorted(pattern.findall(text))
            # A plural form may leave out the count (e.g. "one item").
            if got != expected and not (
                entry.msgid_plural and set(got) <= set(expected)
            ):
                wrong.append((entry.msgid, text))
    assert not wrong, wrong


def test_catalogue_has_every_string_of_the_sources(tmp_path):
    """makemessages on a copy: every msgid it extracts is already translated."""
    if not shutil.which("xgettext"):
        skip_unless_ci("makemessages needs GNU gettext (apt-get install gettext)")
    copy = tmp_path / "tree"

    def ignore(directory, names):
        return [n for n in names if n in NOT_SOURCES or n.endswith(".mo")]

    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    for language in LANGUAGES[1:]:
        shutil.rmtree(copy / "locale" / language)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sq", "--no-location"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "sq" / "LC_MESSAGES" / "django.po"))
    known = {
        (entry.msgctxt, entry.msgid)
        for entry in catalogue("sq")
        if not entry.obsolete and entry.translated() and not entry.fuzzy
    }
    new = [
        entry.msgid
        for entry in fresh
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in known
    ]
    assert not new, f"run `make messages` and translate: {new}"

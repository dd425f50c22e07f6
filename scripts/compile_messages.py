"""Compile locale/*/LC_MESSAGES/django.po to .mo without GNU gettext.

Django's compilemessages needs msgfmt, which a fresh machine may lack; polib
(installed with wagtail-localize) writes the same files.
"""

import sys
from pathlib import Path

import polib

root = Path(__file__).resolve().parent.parent / "locale"
for po_path in sorted(root.glob("*/LC_MESSAGES/django.po")):
    catalogue = polib.pofile(str(po_path))
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    sys.stdout.write(f"{po_path.relative_to(root)}: {len(catalogue)} messages\n")

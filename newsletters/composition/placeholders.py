"""Per-recipient placeholders: the contract between rendering and sending.

An edition (newsletters.composition.rendering) is rendered once per locale with these
tokens where per-recipient values go; the sending engine (newsletters.delivery.message)
splices each recipient's values into the encoded message without rendering
again. Tokens are plain ASCII that neither Django's autoescape, MJML nor
quoted-printable encoding alters, and that cannot occur in content by accident
(rendering rejects content containing ``%%``-delimited names).
"""

import re

NAMES = ("first_name", "unsubscribe_url", "preferences_url")
TOKENS = {name: f"%%{name}%%" for name in NAMES}
TOKEN_RE = re.compile(r"%%(" + "|".join(NAMES) + r")%%")

FIRST_NAME = TOKENS["first_name"]
UNSUBSCRIBE_URL = TOKENS["unsubscribe_url"]
PREFERENCES_URL = TOKENS["preferences_url"]

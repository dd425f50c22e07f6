"""Wagtail imports each app's ``wagtail_hooks``; the newsletters rooms keep
their own admin hooks (menus, URLs, snippets, page actions), which register
themselves when imported here."""

from .audience import admin_hooks as audience_hooks  # noqa: F401
from .composition import admin_hooks as composition_hooks  # noqa: F401
from .delivery import admin_hooks as delivery_hooks  # noqa: F401

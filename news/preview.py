"""Headless preview: the admin's preview opens the website's preview page with
a token; the API gives the previewed (unsaved) content for that token only.

The previewed page is stored server-side in the shared cache under a random
token for PREVIEW_SECONDS; the token is the only key to it, and it expires.
"""

import hashlib
import json
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder

from .conf import app_settings


def cache_key(token):
    # Tokens come from outside: hash them into a safe, fixed-length key.
    return "preview:" + hashlib.sha256(token.encode()).hexdigest()


def store(page):
    token = secrets.token_urlsafe(32)
    payload = {
        "content_type": ContentType.objects.get_for_model(page).pk,
        "data": json.dumps(page.serializable_data(), cls=DjangoJSONEncoder),
    }
    cache.set(cache_key(token), payload, timeout=app_settings.PREVIEW_SECONDS)
    return token


def load(token):
    """The previewed page for a valid token, else None."""
    if not token or len(token) > 100:
        return None
    payload = cache.get(cache_key(token))
    if payload is None:
        return None
    model = ContentType.objects.get_for_id(payload["content_type"]).model_class()
    return model.from_serializable_data(json.loads(payload["data"]))


def preview_url(page):
    return f"{app_settings.WEBSITE_PREVIEW_URL}?token={store(page)}"

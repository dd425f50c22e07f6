"""Admin and serving hooks of home (the translation process has its own,
home/translation/wagtail_hooks.py)."""

from django.http import Http404
from django.utils import timezone
from wagtail import hooks


@hooks.register("before_serve_page")
def hide_expired_page(page, request, serve_args, serve_kwargs):
    """An expired page is gone at its expiry, not only once beat's
    publish_scheduled has unpublished it (up to a minute later)."""
    if page.expire_at is not None and page.expire_at <= timezone.now():
        raise Http404

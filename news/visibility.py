"""What the public may see: one definition for the API, search and calendars.

Live, public (no view restriction on the page or an ancestor), not past its
expiry, and inside the default site's trees (every locale's root).
"""

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site


def site_root_paths():
    site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
    if site is None:
        return []
    return [root.url_path for root in site.root_page.get_translations(inclusive=True)]


def published(model):
    """Published pages of ``model`` that the public may see."""
    queryset = model.objects.live().public().exclude(expire_at__lte=timezone.now())
    roots = site_root_paths()
    if not roots:
        return queryset.none()
    inside = Q()
    for url_path in roots:
        inside |= Q(url_path__startswith=url_path)
    return queryset.filter(inside)


def page_path(url_path, language_code):
    """'/home-sq/news/xk/item/' in sq -> '/sq/news/xk/item/' (no site lookup)."""
    parts = url_path.split("/", 2)
    rest = parts[2] if len(parts) > 2 else ""
    return f"/{language_code}/{rest}"

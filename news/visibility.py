"""What the public may see: one definition for the API, search and calendars.

Live, public (no view restriction on the page or an ancestor), not past its
expiry, and inside the default site's trees (every locale's root).
"""

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from home.api_cache import content_version


def site_root_paths():
    """url_paths of the default site's locale roots; kept in the cache until
    the content version changes (a site or page change bumps it)."""
    key = f"visibility:site-roots:{content_version()}"
    roots = cache.get(key)
    if roots is None:
        site = Site.objects.select_related("root_page").filter(is_default_site=True)
        site = site.first()
        roots = (
            [r.url_path for r in site.root_page.get_translations(inclusive=True)]
            if site
            else []
        )
        cache.set(key, roots, timeout=3600)
    return roots


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

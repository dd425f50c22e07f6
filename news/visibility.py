"""What the public may see: one definition for the API, search and calendars.

Pages: live, public (no view restriction on the page or an ancestor), not
past their expiry, and inside the default site's trees (every locale's root).
Images: those outside view-restricted collections (news.media keeps CSO
submission images in one until a page showing them is published).
"""

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, Site

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


def private_collection_ids():
    """Ids of the collections under a view restriction (and their children);
    kept in the cache until the content version changes (a restriction or an
    image saved bumps it)."""
    key = f"visibility:private-collections:{content_version()}"
    ids = cache.get(key)
    if ids is None:
        paths = CollectionViewRestriction.objects.values_list(
            "collection__path", flat=True
        )
        inside = Q()
        for path in paths:
            inside |= Q(path__startswith=path)
        ids = (
            frozenset(Collection.objects.filter(inside).values_list("pk", flat=True))
            if paths
            else frozenset()
        )
        cache.set(key, ids, timeout=3600)
    return ids


def public_images(queryset):
    """``queryset`` of images without those the public may not see."""
    return queryset.exclude(collection_id__in=private_collection_ids())

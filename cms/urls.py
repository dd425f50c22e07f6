from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home.api_cache import cached_api
from home.api_errors import unknown_path
from home.metrics import metrics_view
from home.views import healthz
from news.syndication import AtomNewsFeed, NewsFeed
from news.views import country_events_ics, event_ics, submit_news
from search.views import search_page

from .api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v3/", api.urls),
    re_path(r"^api(?:/|$)", unknown_path),
    path("webhooks/anymail/", include("anymail.urls")),
    path(
        "feeds/news/<str:language_code>.rss",
        cached_api(NewsFeed()),
        name="news_rss",
    ),
    path(
        "feeds/news/<str:language_code>.atom",
        cached_api(AtomNewsFeed()),
        name="news_atom",
    ),
    path("calendar/event/<int:page_id>.ics", event_ics, name="event_ics"),
    path("calendar/<str:iso_code>.ics", country_events_ics, name="country_events_ics"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    from news.media import serve_media

    urlpatterns += staticfiles_urlpatterns()
    # Original image files and private images' renditions to staff only.
    urlpatterns += static(
        settings.MEDIA_URL, view=serve_media, document_root=settings.MEDIA_ROOT
    )

urlpatterns += i18n_patterns(
    path("submit-news/", submit_news, name="submit_news"),
    path("newsletter/", include("newsletters.audience.urls")),
    path("search/", search_page, name="search"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

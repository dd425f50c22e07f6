"""A test-only urlconf: Wagtail's own v3 API (with its write actions), which
no public URL mounts, next to the admin, as a tool with a token would use it."""

from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v3.api import api

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("wagtail-api/v3/", api.urls),
]

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# What lives as long as the process (modules, the app registry, the URL map
# and the views and hooks it imports) leaves the collector's generations: a
# full collection walked all of it, the largest part of the spread of an
# admin page's time (issue #19, P7). Loaded before the freeze, so that each
# worker of a preloaded server also shares these pages with its parent.
get_resolver().url_patterns  # noqa: B018 (imports the URLconf)
gc.collect()
gc.freeze()

"""The news app's read and submission API. Its routers, mounted by cms/api.py,
are assembled in news.api.routers."""

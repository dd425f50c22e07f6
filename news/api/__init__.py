"""The news app's routers, mounted by cms/api.py."""

from .content import directory_router, events_router, news_router, preview_router
from .submissions import router as submissions_router

__all__ = [
    "directory_router",
    "events_router",
    "news_router",
    "preview_router",
    "submissions_router",
]

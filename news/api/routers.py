"""The news app's routers, mounted by cms/api.py: one per endpoint module."""

from .directory import router as directory_router
from .events import router as events_router
from .news import router as news_router
from .preview import router as preview_router
from .submissions import router as submissions_router

__all__ = [
    "directory_router",
    "events_router",
    "news_router",
    "preview_router",
    "submissions_router",
]

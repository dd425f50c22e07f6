"""Whether the request being served is the page editor's autosave.

Wagtail 8's editor posts the edit form as JSON after each change. An
autosave keeps a draft: checks that say whether the content can go out (a
newsletter's rendering, newsletters.composition) wait for an explicit save,
submit or publish, where the editor shows their message, instead of pausing
autosave with a bare "validation error". cms.page_edits marks the request.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_autosaving = ContextVar("autosaving", default=False)


def is_autosave():
    return _autosaving.get()


@contextmanager
def autosaving(active=True):
    token = _autosaving.set(active)
    try:
        yield
    finally:
        _autosaving.reset(token)

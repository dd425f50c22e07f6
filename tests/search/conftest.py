import pytest

from tests.conftest import shared_in_module

from .corpus import build_corpus

# Built once per module; each test rolls back to it.
_corpus = shared_in_module(build_corpus)


@pytest.fixture
def corpus(_corpus, db):
    """The search corpus: {"countries": ..., "keys": {(type, id): key}}."""
    return _corpus

import pytest

from tests.conftest import skip_unless_ci

from .chromium import Chromium, find_chromium
from .journey_stack import playwright_browser, stack  # noqa: F401 - the journey's fixtures


@pytest.fixture
def chromium():
    """A headless Chromium for the test, closed after it."""
    binary = find_chromium()
    if binary is None:
        skip_unless_ci("headless Chromium is not installed (apt-get install chromium)")
        pytest.fail("CI=true but no Chromium found: .ci/run installs it")
    with Chromium(binary) as browser:
        yield browser

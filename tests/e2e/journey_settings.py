"""Settings of the processes the journey test starts (web server, worker,
beat): the test settings, with the server's own address as BASE_URL (the
test settings' is the test client's http://testserver)."""

import os

from cms.settings.test import *  # noqa: F403

BASE_URL = WAGTAILADMIN_BASE_URL = os.environ["BASE_URL"].rstrip("/")

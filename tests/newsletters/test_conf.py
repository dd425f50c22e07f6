"""The newsletters app's settings: defaults in newsletters.conf, overridden
by settings."""

from newsletters.conf import app_settings


def test_default_lives_in_the_conf_and_a_setting_overrides_it(settings):
    assert app_settings.defaults["NEWSLETTERS_IMPORT_CHUNK_ROWS"] == 2000
    assert app_settings.NEWSLETTERS_IMPORT_CHUNK_ROWS == 2000
    settings.NEWSLETTERS_IMPORT_CHUNK_ROWS = 10
    assert app_settings.NEWSLETTERS_IMPORT_CHUNK_ROWS == 10

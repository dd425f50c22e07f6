"""The news app's settings: defaults in news.conf, overridden by settings."""

from news.conf import app_settings


def test_default_lives_in_the_conf_and_a_setting_overrides_it(settings):
    assert app_settings.defaults["NEWS_FEED_MAX_REDIRECTS"] == 5
    assert app_settings.NEWS_FEED_MAX_REDIRECTS == 5
    settings.NEWS_FEED_MAX_REDIRECTS = 2
    assert app_settings.NEWS_FEED_MAX_REDIRECTS == 2

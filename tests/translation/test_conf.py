"""The translation app's settings: defaults in home.translation.conf,
overridden by settings."""

from home.translation.conf import app_settings


def test_default_lives_in_the_conf_and_a_setting_overrides_it(settings):
    assert "news.NewsPage" in app_settings.defaults["TRANSLATION_STATUS_PAGE_MODELS"]
    assert app_settings.TRANSLATION_STATUS_PAGE_MODELS == [
        "news.NewsPage",
        "news.EventPage",
        "newsletters.NewsletterPage",
    ]
    settings.TRANSLATION_STATUS_PAGE_MODELS = ["news.NewsPage"]
    assert app_settings.TRANSLATION_STATUS_PAGE_MODELS == ["news.NewsPage"]

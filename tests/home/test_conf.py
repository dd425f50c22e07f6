"""App settings: each default lives in its app's conf module, a Django
setting overrides it at use time, and cms/settings sets one from the
environment only when its variable is set."""

import importlib.util
import re
from pathlib import Path

import pytest

import cms.settings.base
import news.conf
import newsletters.conf
from cms.settings.env import env_int, env_list, env_setting
from home import conf as home_conf
from home.conf import AppSettings, app_settings
from home.translation import conf as translation_conf

CONFS = [home_conf, translation_conf, news.conf, newsletters.conf]


def load_base_settings(name="cms.settings._probe"):
    """A fresh copy of cms/settings/base.py, read under the current environment."""
    spec = importlib.util.spec_from_file_location(name, cms.settings.base.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_home_default_lives_in_its_conf_and_a_setting_overrides_it(settings):
    assert home_conf.app_settings.defaults["API_CACHE_CONTROL"] == (
        "public, max-age=60"
    )
    assert app_settings.API_CACHE_CONTROL == "public, max-age=60"
    settings.API_CACHE_CONTROL = "no-store"
    assert app_settings.API_CACHE_CONTROL == "no-store"


def test_a_name_that_is_no_setting_of_the_app_is_an_error():
    with pytest.raises(AttributeError, match="NOT_A_SETTING"):
        AppSettings(KNOWN=1).NOT_A_SETTING  # noqa: B018


@pytest.mark.parametrize("conf", CONFS, ids=lambda conf: conf.__name__)
def test_base_settings_repeat_no_app_default(conf):
    """The default lives in one place: base.py assigns no app setting."""
    source = Path(cms.settings.base.__file__).read_text()
    for name in conf.app_settings.defaults:
        assert not re.search(rf"^{name}\s*=", source, re.MULTILINE), name


def test_env_setting_sets_only_what_the_environment_sets(monkeypatch):
    monkeypatch.delenv("CONF_PROBE", raising=False)
    namespace = {}
    env_setting(namespace, "CONF_PROBE", env_int)
    assert namespace == {}
    monkeypatch.setenv("CONF_PROBE", "")
    env_setting(namespace, "CONF_PROBE", env_int)
    assert namespace == {}
    monkeypatch.setenv("CONF_PROBE", "7")
    env_setting(namespace, "PROBE_RATE", env_int, "CONF_PROBE", lambda n: (n, 3600))
    assert namespace == {"PROBE_RATE": (7, 3600)}
    monkeypatch.setenv("CONF_PROBE", "")
    env_setting(namespace, "PROBE_LIST", env_list, "CONF_PROBE")
    assert namespace["PROBE_LIST"] == []


def test_beat_schedule_uses_the_apps_defaults_or_the_environment(monkeypatch):
    monkeypatch.delenv("NEWS_FEED_POLL_MINUTES", raising=False)
    monkeypatch.delenv("NEWSLETTERS_RECONCILE_SECONDS", raising=False)
    base = load_base_settings()
    assert not hasattr(base, "NEWS_FEED_POLL_MINUTES")
    assert base.CELERY_BEAT_SCHEDULE["poll-feeds"]["schedule"] == 30 * 60
    assert base.CELERY_BEAT_SCHEDULE["newsletters-reconcile"]["schedule"] == 60
    monkeypatch.setenv("NEWS_FEED_POLL_MINUTES", "7")
    monkeypatch.setenv("NEWSLETTERS_RECONCILE_SECONDS", "15")
    base = load_base_settings()
    assert base.NEWS_FEED_POLL_MINUTES == 7
    assert base.CELERY_BEAT_SCHEDULE["poll-feeds"]["schedule"] == 7 * 60
    assert base.CELERY_BEAT_SCHEDULE["poll-feeds"]["options"]["expires"] == 7 * 60
    assert base.CELERY_BEAT_SCHEDULE["newsletters-reconcile-imports"]["schedule"] == 15

"""The newsletters app's settings: defaults in newsletters.conf, overridden
by settings."""

from newsletters.conf import app_settings


def test_default_lives_in_the_conf_and_a_setting_overrides_it(settings):
    assert app_settings.defaults["NEWSLETTERS_IMPORT_CHUNK_ROWS"] == 2000
    assert app_settings.NEWSLETTERS_IMPORT_CHUNK_ROWS == 2000
    settings.NEWSLETTERS_IMPORT_CHUNK_ROWS = 10
    assert app_settings.NEWSLETTERS_IMPORT_CHUNK_ROWS == 10


def test_an_operator_sets_the_confirmation_limits_from_the_environment():
    """Every integer limit of subscribe confirmations is an environment
    variable (README, "Production configuration")."""
    from tests.home.test_settings import run_manage

    names = [
        name
        for name, value in app_settings.defaults.items()
        if name.startswith("NEWSLETTERS_CONFIRM") and isinstance(value, int)
    ]
    assert len(names) >= 4
    script = (
        "from newsletters.conf import app_settings as s;"
        f"print(*[getattr(s, n) for n in {names!r}])"
    )
    result = run_manage(
        "cms.settings.test",
        "shell",
        "--verbosity=0",
        "-c",
        script,
        extra_env={name: str(7 + index) for index, name in enumerate(names)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(7 + index) for index in range(len(names))]

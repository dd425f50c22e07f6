"""VAR_DIR exists once settings load, whatever DATABASE_URL says: the
benchmarks' and tests' worker logs, the file cache and the mail folder live
there (a fresh clone with DATABASE_URL set had none)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_settings_create_var_dir_with_a_database_url(tmp_path):
    var_dir = tmp_path / "fresh" / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.base",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "VAR_DIR": str(var_dir),
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=120,
    )
    assert var_dir.is_dir()

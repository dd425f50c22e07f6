"""The benchmark tooling (not the benchmarks, which are not in the suite):
figures follow the runners' contract, the orchestrator says what it could not
measure instead of crashing, and regenerating docs/benchmarks.md keeps the
hand-written text around the generated part."""

import json
import subprocess
import sys

from tests.bench import run_all
from tests.bench.common import figure


def test_a_figure_carries_its_ratio_and_verdict():
    p1 = figure("P1", "sending", 800, "msgs/s", 2000, "msgs/s", target=">= 0.40")
    assert p1["ratio"] == 0.4
    assert p1["meets"] is True
    p2 = figure("P2", "message", 20, "µs", 100, "µs", target="<= 0.10")
    assert (round(p2["ratio"], 2), p2["meets"]) == (0.2, False)
    keys = {"id", "name", "value", "unit", "baseline", "baseline_unit", "ratio"}
    assert keys | {"target", "meets", "notes"} <= set(p1)


def test_a_missing_runner_is_reported_not_measured():
    figures = [figure("P1", "sending", 800, "msgs/s", 2000, "msgs/s", target=">= 0.4")]
    errors = {"P7": "not measured (runner missing: `tests/bench/run_admin.py`)"}
    rows = run_all.summary_rows(figures, errors)
    p7 = next(row for row in rows if row.startswith("| P7 "))
    assert "not measured (runner missing" in p7
    assert any(row.startswith("| P2 ") and "not measured" in row for row in rows)


def test_regenerating_keeps_the_hand_written_text(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\nIntro by hand.\n\n"
        f"{run_all.START}\nold figures\n{run_all.END}\n\n## Why\n\nAnalysis.\n"
    )
    monkeypatch.setattr(run_all, "DOC", doc)
    run_all.write_doc(f"{run_all.START}\nnew figures\n{run_all.END}")
    text = doc.read_text()
    assert "new figures" in text
    assert "old figures" not in text
    assert text.startswith("# Benchmarks\n\nIntro by hand.\n\n")
    assert text.endswith("\n\n## Why\n\nAnalysis.\n")


def test_a_runner_writes_its_figures_as_json(tmp_path):
    """run_render.py on SQLite, the smallest size: the contract end to end."""
    out = tmp_path / "p2.json"
    env = {
        "PATH": "/usr/bin:/bin",
        "VAR_DIR": str(tmp_path / "var"),
        "BENCH_P2_RECIPIENTS": "50",
        "BENCH_P2_ROUNDS": "1",
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
    }
    done = subprocess.run(
        [sys.executable, "tests/bench/run_render.py", "--quick", "--json", str(out)],
        cwd=run_all.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (p2,) = json.loads(out.read_text())
    assert p2["id"] == "P2"
    assert p2["target"] == "<= 0.10"
    assert p2["value"] > 0
    assert p2["baseline"] > 0
    assert "P2" in done.stdout

# ruff: noqa: T201  (command-line benchmarks print their figures)
"""What every benchmark runner shares: the command line, the figures' shape,
the table it prints and the JSON it writes for `run_all.py`.

Every runner is called as ``python tests/bench/run_X.py [--quick] [--json
PATH]``: it prints a table and, with ``--json``, writes a list of figures::

    {"id": "P1", "name": "...", "value": 512.0, "unit": "msgs/s",
     "baseline": 1650.0, "baseline_unit": "msgs/s", "ratio": 0.31,
     "target": ">= 0.40", "meets": false, "notes": "2 processes, ..."}

Figures without a target (scale, load, P8) keep the same keys, with
``target``/``meets`` None where there is none, and may carry ``data`` (rows
for a table or chart).
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cli(doc):
    parser = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and shorter runs"
    )
    parser.add_argument("--json", metavar="PATH", help="write the figures here")
    return parser.parse_args()


def figure(
    id,  # noqa: A002 (the contract's key)
    name,
    value,
    unit,
    baseline=None,
    baseline_unit=None,
    *,
    target=None,
    ratio=None,
    meets=None,
    notes="",
    **extra,
):
    """One figure of the contract. ``target`` like ">= 0.40" or "<= 1.15"
    compares the ratio; ``meets`` may be given when the verdict needs more
    than the ratio (P3's 200 MB, P6's 20 s)."""
    if ratio is None and baseline:
        ratio = value / baseline
    if meets is None and target and ratio is not None:
        op, bound = target.split()
        meets = ratio >= float(bound) if op == ">=" else ratio <= float(bound)
    return {
        "id": id,
        "name": name,
        "value": None if value is None else float(value),
        "unit": unit,
        "baseline": None if baseline is None else float(baseline),
        "baseline_unit": baseline_unit,
        "ratio": None if ratio is None else float(ratio),
        "target": target,
        "meets": meets,
        "notes": notes,
        **extra,
    }


def number(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def emit(figures, args):
    """Print the figures as a table and write them as JSON (--json)."""
    print()
    print(f"{'id':<10} {'figure':>22} {'baseline':>22} {'ratio':>7} target   verdict")
    for f in figures:
        value = f"{number(f['value'])} {f['unit'] or ''}".strip()
        base = f"{number(f['baseline'])} {f['baseline_unit'] or ''}".strip()
        verdict = {True: "meets", False: "MISSES", None: ""}[f["meets"]]
        print(
            f"{f['id']:<10} {value:>22} {base:>22} {number(f['ratio']):>7} "
            f"{f['target'] or '':<8} {verdict}"
        )
        print(f"{'':<10} {f['name']}; {f['notes']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {args.json}")


def var_dir(prefix):
    """VAR_DIR for a runner, created: settings create it only in the SQLite
    fallback, and the runners write worker logs and static files there."""
    path = os.environ.get("VAR_DIR") or f"/tmp/{prefix}-{os.getpid()}"  # noqa: S108
    os.environ["VAR_DIR"] = path
    Path(path).mkdir(parents=True, exist_ok=True)
    return Path(path)


def postfix_tool(name):
    """smtp-sink / smtp-source: on PATH (Debian's postfix package puts them
    in /usr/sbin), else unpacked under POSTFIX_DIR (`apt-get download postfix
    && dpkg -x postfix_*.deb $POSTFIX_DIR`). Returns (argv0, env)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found:
        return found, dict(os.environ)
    unpacked = Path(os.environ.get("POSTFIX_DIR", "/tmp/postfix"))  # noqa: S108
    if (unpacked / "usr/sbin" / name).exists():
        env = {**os.environ, "LD_LIBRARY_PATH": str(unpacked / "usr/lib/postfix")}
        return str(unpacked / "usr/sbin" / name), env
    sys.exit(f"{name} not found: apt-get install postfix (or set POSTFIX_DIR)")


def require_services(*names):
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        sys.exit(
            f"Set {', '.join(missing)}: this benchmark runs on PostgreSQL and "
            "Redis (`make bench` starts private ones)."
        )

"""Small things a newcomer meets first, through the real CLI (subprocesses)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from snn_dse import DEFAULT_ROUNDING, __version__

DSE = str(Path(sys.executable).with_name("dse"))
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=120, check=False)


def test_version_option_and_python_dash_m() -> None:
    for argv in ((DSE, "--version"), (sys.executable, "-m", "dse", "--version"), (DSE, "version")):
        done = cli(*argv)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == __version__


def test_no_cache_is_one_flag() -> None:
    text = cli(DSE, "explore", "--help").stdout
    assert "--no-cache" in text and "--no-no-cache" not in text


def test_simulate_rounds_like_explore_by_default() -> None:
    simulate = cli(DSE, "simulate", "--help").stdout
    explore = cli(DSE, "explore", "--help").stdout
    pattern = re.compile(r"--rounding.*?\[default: (\w+)\]", re.S)
    assert pattern.search(simulate)[1] == pattern.search(explore)[1] == DEFAULT_ROUNDING


def test_choices_come_from_the_domains() -> None:
    done = cli(DSE, "explore", "--engine", "nsga3")
    assert done.returncode == 2
    assert "'nsga3' is not one of 'nsga2', 'optuna', 'guided', 'grid', 'random'" in done.stderr


#: Libraries too heavy for the CLI's start-up (each costs 0.1-0.5 s to import).
HEAVY = ("numpy", "pandas", "scipy", "sqlalchemy", "numba", "pymoo", "optuna", "pint",
         "pydantic", "plotly", "dask", "costmodels", "sim", "reports", "hwprofiles")


def imported_after(code: str) -> list[str]:
    """The ``HEAVY`` top-level modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport sys\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))"
    done = cli(sys.executable, "-c", probe)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])  # noqa: S307  (our own print)


def test_the_cli_starts_without_the_heavy_libraries() -> None:
    assert imported_after("import dse.cli") == []

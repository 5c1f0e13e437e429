"""The re-run of a finished exploration (``dse._finished``), through the real CLI: the same
command answers from the store and changes nothing; any change to the invocation or to what it
read runs the exploration as usual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dse._finished import ENV_VARS, FINISHED_JSON, _stored, store_state
from dse._store import ResultStore
from hwprofiles import BUILTIN_DIR, ENV_VAR
from tests.dse._fakes import TINY_REAL_SPACE_YAML
from tests.dse.test_cli_basics import imported_after

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
SHORTCUT = "holds this exploration, finished"
OUTPUTS = ("evaluations.csv", "pareto.csv", "results.json", "report.html", "outputs.sha256")


def _dse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dse", *args], capture_output=True, text=True,
                          env=ENV, timeout=300, check=False)


def _snapshot(run_dir: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the run directory: content and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(run_dir.iterdir()) if p.is_file()}


@pytest.fixture
def finished(tmp_path: Path) -> tuple[list[str], Path, subprocess.CompletedProcess[str]]:
    """A finished 4-evaluation run at tiny fidelity with a user profile file: its command, its
    directory and the first invocation."""
    space = tmp_path / "space.yaml"
    space.write_text(TINY_REAL_SPACE_YAML)
    profile = tmp_path / "asic.yaml"
    profile.write_text((BUILTIN_DIR / "generic_asic_45nm.yaml").read_text())
    out = tmp_path / "run"
    command = ["explore", "--space", str(space), "--profile", str(profile), "--evaluations", "4",
               "--train-samples", "30", "--test-samples", "30", "--workers", "1", "--no-cache",
               "--out", str(out)]
    first = _dse(*command)
    assert first.returncode == 0, first.stderr
    assert (out / FINISHED_JSON).is_file()
    return command, out, first


@pytest.mark.slow
def test_the_same_command_on_a_finished_run_prints_the_same_and_changes_nothing(
        finished: tuple[list[str], Path, subprocess.CompletedProcess[str]],
        tmp_path: Path) -> None:
    command, out, first = finished
    before = _snapshot(out)
    again = _dse(*command)
    assert again.returncode == 0, again.stderr
    assert SHORTCUT in again.stderr
    assert again.stdout == first.stdout
    assert _snapshot(out) == before  # not a byte, not a modification time
    # the answer needs none of the heavy libraries (what keeps it under a second)
    argv = [*command]
    heavy = imported_after(f"from dse.cli import main\nassert main({argv!r}) == 0")
    assert set(heavy) <= {"pydantic"}  # Typer coerces parameters with pydantic
    # outputs identical to a normal finish: without finished.json the same command resumes
    (out / FINISHED_JSON).unlink()
    resumed = _dse(*command)
    assert resumed.returncode == 0, resumed.stderr
    assert SHORTCUT not in resumed.stderr
    assert resumed.stdout == first.stdout
    after = _snapshot(out)
    assert {n: after[n] for n in OUTPUTS} == {n: before[n] for n in OUTPUTS}
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["resumed"] == 4 and run["counts"]["simulated"] == 0
    assert (out / FINISHED_JSON).is_file()  # and the next re-run takes the shortcut again
    assert SHORTCUT in _dse(*command).stderr

    # never on a changed option or input. An option outside the run's identity: the run
    # resumes (and records its worker count)
    workers = list(command)
    workers[workers.index("--workers") + 1] = "2"
    resumed = _dse(*workers)
    assert resumed.returncode == 0, resumed.stderr
    assert SHORTCUT not in resumed.stderr
    assert json.loads((out / "run.json").read_text())["workers"] == 2
    # a grown --evaluations, an edited profile, an edited space: not this run
    grown = [a if a != "4" else "6" for a in command]
    done = _dse(*grown)
    assert done.returncode == 2 and "differs in: evaluations" in done.stderr
    profile = tmp_path / "asic.yaml"
    original = profile.read_text()
    profile.write_text(original + "# edited\n")  # the same profile, another file content
    done = _dse(*workers)
    assert done.returncode == 0 and SHORTCUT not in done.stderr
    profile.write_text(original)
    space = tmp_path / "space.yaml"
    space.write_text(TINY_REAL_SPACE_YAML.replace("timesteps: [60, 100]", "timesteps: [60]"))
    done = _dse(*workers)
    assert done.returncode == 2 and "differs in: space" in done.stderr
    space.write_text(TINY_REAL_SPACE_YAML)
    # a record added to the store by anything else
    ResultStore(out / "store.sqlite", "run").set_state("stopped")
    done = _dse(*workers)
    assert done.returncode == 0 and SHORTCUT not in done.stderr


def test_store_reads_agree_with_the_result_store(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = ResultStore(path, "a")
    store.begin({"x": 1}, b"")
    store.set_info({"complete": True})
    for index in (1, 0):
        store.put({"index": index, "cache_key": f"k{index}", "profile": "p", "error": None})
    store.set_state("complete")
    ResultStore(path, "b").begin({"x": 2}, b"")  # another run in the same file
    assert store_state(path, "a") is None  # open in this process: not settled
    state = store_state(path, "a", settled=False)
    assert state is not None and state["state"] == "complete" and state["records"] == 2
    expected = (store.info(), store.records())
    store.engine.dispose()  # the last connection closes: the store settles
    assert store_state(path, "a") == state
    assert _stored(path, "a") == expected
    assert store_state(path, "missing") is None
    assert store_state(tmp_path / "absent.sqlite", "a") is None


def test_the_environment_it_watches_is_the_one_the_loaders_read() -> None:
    import sim._datasets

    assert ENV_VAR in ENV_VARS and sim._datasets._DATA_DIR_ENV in ENV_VARS

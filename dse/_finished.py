"""The re-run of a finished exploration: the same ``dse explore`` command on a run directory
whose run is complete answers from what is stored, without planning, simulating or pricing.

When an exploration finishes (every evaluation in its run directory's own store), the run
directory gets ``finished.json``:

- a key over the invocation: every option, the working directory, the environment variables
  that move the files a run reads (:data:`ENV_VARS`), the worker count, the library versions
  recorded in ``run.json`` and a digest of the installed snn-dse (every file of its packages:
  the code, the shipped profiles, the embedded dataset);
- the state of every input it was read from: the space file and each profile file (the ones
  it ``extends`` too) by content, the directories searched for profiles and datasets by their
  listing (names, sizes, modification times: a dataset file is judged like ``sim`` judges it),
  and ``outputs.sha256``;
- the state of the run in its store (``complete``, last update, number of records);
- what the summary shows: the front, the recommendations, the least-infeasible designs and the
  paths (computed by ``reports`` when the run finished).

:func:`finished_result` re-checks all of it with the standard library alone (SQLAlchemy, NumPy,
pandas, pint and the simulator are never imported, so the check costs milliseconds) and
returns the ``ExploreResult`` of the finished run, records read from the store. Anything
different, missing or unreadable returns None and the command runs as usual (a resume, or a
refusal of a changed identity). Nothing is written: the outputs stay as the finishing
invocation wrote them, ``run.json`` keeps its timings and counts. Every other invocation
deletes the file first (:func:`forget`), so it never outlives a change to the run. A shared
``--store`` (followed by workers) is never answered this way.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import platform
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from dse._budgets import Budget
from dse._options import ExploreOptions, ExploreResult
from snn_dse import __version__
from snn_dse.metrics import metric

FINISHED_JSON = "finished.json"
#: Environment variables that change which files an exploration reads: the profile and
#: dataset search paths (``hwprofiles.ENV_VAR``, ``sim``'s ``DSE_DATA_DIR``) and the user cache
#: directory (downloaded datasets, the default evaluation cache).
ENV_VARS = ("DSE_PROFILES_PATH", "DSE_DATA_DIR", "XDG_CACHE_HOME", "HOME")
#: The packages of snn-dse; every file in them is part of the installation digest.
PACKAGES = ("dse", "sim", "costmodels", "hwprofiles", "reports", "snn_dse")
#: Libraries whose versions ``run.json`` records.
LIBRARIES = ("numpy", "optuna", "pymoo", "pydantic", "pint", "sqlalchemy")


def available_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0))


def versions() -> dict[str, str]:
    """snn-dse, Python and the main libraries, as ``run.json`` records them."""
    from importlib.metadata import version

    return {"snn-dse": __version__, "python": platform.python_version()} | {
        name: version(name) for name in LIBRARIES
    }


@functools.cache
def installation_digest() -> str:
    """sha256 of every file (name and content) of the snn-dse packages, caches excluded."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise ImportError(f"cannot locate package {package}")
        root = Path(spec.origin).parent
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(names):
                path = Path(folder) / name
                digest.update(f"{package}/{path.relative_to(root)}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(options: ExploreOptions) -> str:
    """sha256 of what an invocation of ``dse explore`` is, beyond the files it reads."""
    content = {
        "options": {f.name: str(getattr(options, f.name)) for f in dataclasses.fields(options)},
        "cwd": os.getcwd(),
        "env": {name: os.environ.get(name) for name in ENV_VARS},
        "workers": options.workers if options.workers is not None else available_cores(),
        "versions": versions(),
        "installation": installation_digest(),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def file_state(path: Path) -> str | None:
    """sha256 of a file's content; None when it is not a readable file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def dir_state(path: Path) -> str | None:
    """sha256 of a directory's listing (name, size, modification time of each entry); None
    when it is not a readable directory."""
    try:
        with os.scandir(path) as entries:
            listing = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries)
    except OSError:
        return None
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()


def _connect(path: Path, *, settled: bool) -> sqlite3.Connection:
    """A read-only connection to the SQLite store at ``path``. ``settled``: no process has it
    open (no ``-wal`` file, else ``sqlite3.OperationalError``), so it is opened ``immutable``
    and leaves no ``-wal``/``-shm`` file behind; else the writer's open WAL is read too."""
    mode = "ro"
    if settled:
        if Path(f"{path}-wal").exists():
            raise sqlite3.OperationalError(f"{path} is open in another process")
        mode += "&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)


def store_state(path: Path, run: str, *, settled: bool = True) -> dict[str, Any] | None:
    """The run's ``state``, last ``updated`` time and number of ``records`` in the SQLite
    store at ``path`` (tables of ``dse._db``; ``settled`` as in :func:`_connect`); None when
    there is no such run or the store cannot be read."""
    try:
        with closing(_connect(path, settled=settled)) as db:
            row = db.execute("SELECT state, updated FROM dse_runs WHERE run = ?", (run,)).fetchone()
            (count,) = db.execute("SELECT COUNT(*) FROM dse_evaluations WHERE run = ?",
                                  (run,)).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else {"state": row[0], "updated": row[1], "records": count}


def _stored(path: Path, run: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The run dict and the records (by index) of ``run`` in the settled SQLite store at
    ``path``."""
    try:
        with closing(_connect(path, settled=True)) as db:
            (info,) = db.execute("SELECT info FROM dse_runs WHERE run = ?", (run,)).fetchone()
            rows = db.execute("SELECT record FROM dse_evaluations WHERE run = ? ORDER BY idx",
                              (run,)).fetchall()
    except (sqlite3.Error, TypeError):
        return None
    records = [json.loads(row[0]) for row in rows]
    for record in records:
        record.setdefault("error", None)
    return json.loads(info), records


def forget(run_dir: Path) -> None:
    """Delete ``run_dir``'s ``finished.json``: the run is about to change."""
    (run_dir / FINISHED_JSON).unlink(missing_ok=True)


def record(
    options: ExploreOptions,
    result: ExploreResult,
    *,
    store: Path,
    run_name: str,
    files: Iterable[Path],
    dirs: Iterable[Path],
) -> None:
    """Write ``finished.json`` for the complete run ``result`` of ``options``: its key, the
    state of its input ``files`` and ``dirs``, of the run ``run_name`` in the SQLite ``store``,
    and what :func:`finished_result` needs to rebuild ``result``."""
    content = {
        "key": run_key(options),
        "files": {str(p): file_state(Path(p)) for p in files},
        "dirs": {str(p): dir_state(Path(p)) for p in dirs},
        "store": {"path": str(store), "run": run_name, "state": store_state(store, run_name, settled=False)},
        "summary": {
            "pareto": [r["index"] for r in result.pareto],
            "recommended": None if result.recommended is None else result.recommended["index"],
            "recommended_by_profile": {k: r["index"]
                                       for k, r in result.recommended_by_profile.items()},
            "least_infeasible": [r["index"] for r in result.least_infeasible],
            "objectives": [o.key for o in result.objectives],
            "budgets": [[b.key, b.value, b.text] for b in result.budgets],
            "parameters": list(result.parameters),
            "paths": {name: str(path) for name, path in result.paths.items()},
        },
    }
    target = result.run_dir / FINISHED_JSON
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
    partial.replace(target)


def _unchanged(states: Mapping[str, str | None], state_of: Any) -> bool:
    return all(state_of(Path(path)) == state for path, state in states.items())


def finished_result(options: ExploreOptions) -> ExploreResult | None:
    """The result of the finished run ``options`` name, when ``finished.json`` shows that this
    very invocation finished it and nothing it read has changed since; else None."""
    run_dir = options.named_run_dir()
    if options.store is not None or run_dir is None:
        return None
    try:
        stamp = json.loads((run_dir / FINISHED_JSON).read_text(encoding="utf-8"))
        summary, store = stamp["summary"], stamp["store"]
        if (stamp["key"] != run_key(options)
                or not _unchanged(stamp["files"], file_state)
                or not _unchanged(stamp["dirs"], dir_state)
                or store["state"] is None or store["state"]["state"] != "complete"
                or store_state(Path(store["path"]), store["run"]) != store["state"]
                or not all(Path(p).is_file() for p in summary["paths"].values())):
            return None
        stored = _stored(Path(store["path"]), store["run"])
        if stored is None:
            return None
        run, records = stored
        return _result(run_dir, run, records, summary)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _result(run_dir: Path, run: dict[str, Any], records: Sequence[dict[str, Any]],
            summary: Mapping[str, Any]) -> ExploreResult:
    """The ``ExploreResult`` of ``records`` and ``run`` with the recorded ``summary``."""
    by_index = {r["index"]: r for r in records}
    found = [metric(key) for key in summary["objectives"]]
    objectives = tuple(o for o in found if o is not None)
    if len(objectives) != len(found):
        raise KeyError("unknown objective")
    recommended = summary["recommended"]
    return ExploreResult(
        run_dir=run_dir,
        run=run,
        evaluations=list(records),
        pareto=[by_index[i] for i in summary["pareto"]],
        recommended=None if recommended is None else by_index[recommended],
        recommended_by_profile={k: by_index[i]
                                for k, i in summary["recommended_by_profile"].items()},
        least_infeasible=[by_index[i] for i in summary["least_infeasible"]],
        objectives=objectives,
        budgets=tuple(Budget(key, float(value), text) for key, value, text in summary["budgets"]),
        parameters=list(summary["parameters"]),
        paths={name: Path(path) for name, path in summary["paths"].items()},
    )

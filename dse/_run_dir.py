"""The run directory written by ``dse explore --out RUN_DIR`` and read back by ``load_run``.

Contents (docs/architecture.md): ``store.sqlite`` (written as evaluations complete),
``optuna.sqlite3`` (the Optuna study, with ``--engine optuna`` and no ``--storage``), and at the
end (also of an interrupted run) ``run.json`` (the run dict) and what ``reports`` writes:
``evaluations.csv``, ``pareto.csv``, ``results.json`` and ``report.html``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import reports

from dse._store import STORE_NAME, ResultStore

RUN_JSON = "run.json"
REPORT_HTML = "report.html"
OPTUNA_DB = "optuna.sqlite3"


def load_run(run_dir: Path | str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The run dict and every evaluation record (ordered by index) of a run directory.

    Reads the result store, so it works on an interrupted or killed run too: ``run["complete"]``
    is then false and ``run["counts"]`` is recomputed from the stored records. Raises
    ``InputError`` when ``run_dir`` holds no store."""
    store = ResultStore(Path(run_dir) / STORE_NAME, create=False)
    try:
        run = store.get_meta("run") or {"complete": False}
        records = store.records()
    finally:
        store.close()
    if not run.get("complete"):
        run["counts"] = run.get("counts", {}) | record_counts(records)
    return run, records


def record_counts(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many records there are, and how many are feasible, pre-screened, cache hits."""
    return {
        "evaluated": len(records),
        "feasible": sum(bool(r["feasible"]) for r in records),
        "prescreened": sum(bool(r["prescreened"]) for r in records),
        "cache_hits": sum(bool(r["cache_hit"]) for r in records),
    }


def write_outputs(
    run_dir: Path, run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]]
) -> dict[str, Path]:
    """Write ``run.json``, the exports of ``reports.write_exports`` (``evaluations.csv``,
    ``pareto.csv``, ``results.json``) and ``report.html``; return their paths by name."""
    paths = {"run": run_dir / RUN_JSON}
    paths["run"].write_text(json.dumps(dict(run), indent=2) + "\n")
    paths |= reports.write_exports(run, evaluations, run_dir)
    paths["report"] = reports.write_report(run, evaluations, run_dir / REPORT_HTML)
    return paths

"""The run directory written by ``dse explore --out RUN_DIR`` and read back by ``load_run``.

Contents (docs/architecture.md): ``store.sqlite`` (written as evaluations complete),
``optuna.sqlite3`` (the Optuna study, with ``--engine optuna`` and no ``--storage``), and at the
end ``evaluations.csv`` (every evaluation), ``pareto.csv`` (the feasible non-dominated designs),
``run.json`` (the run dict) and ``report.html``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dse._budgets import BUDGET_KINDS
from dse._objectives import OBJECTIVES
from dse._store import STORE_NAME, ResultStore

EVALUATIONS_CSV = "evaluations.csv"
PARETO_CSV = "pareto.csv"
RUN_JSON = "run.json"
REPORT_HTML = "report.html"
OPTUNA_DB = "optuna.sqlite3"

#: CSV column of each objective: its record key with its SI unit.
_OBJECTIVE_COLUMNS = {
    "accuracy": "accuracy",
    "memory": "memory_bytes",
    "energy_infer": "energy_infer_j",
    "energy_train": "energy_train_j",
    "latency": "latency_s",
    "recent_accuracy": "recent_accuracy",
    "previous_accuracy": "previous_accuracy",
}


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


def csv_columns(parameters: Sequence[str]) -> list[str]:
    """Header of ``evaluations.csv`` and ``pareto.csv`` for a space with ``parameters``."""
    constraint_columns = [f"constraint_{_OBJECTIVE_COLUMNS[key]}" for key in BUDGET_KINDS]
    return [
        "index",
        "profile",
        *parameters,
        *(_OBJECTIVE_COLUMNS[o.key] for o in OBJECTIVES),
        *constraint_columns,
        "feasible",
        "prescreened",
        "reason",
        "cache_hit",
        "wall_s",
        "cache_key",
    ]


def csv_row(record: Mapping[str, Any], parameters: Sequence[str]) -> list[Any]:
    """One CSV row of a record; empty cells for missing values and absent budgets."""

    def cell(value: Any) -> Any:
        return "" if value is None else value

    constraints = record["constraints"]
    return [
        record["index"],
        record["profile"],
        *(cell(record["candidate"].get(name)) for name in parameters),
        *(cell(record["objectives"].get(o.key)) for o in OBJECTIVES),
        *(cell(constraints.get(key)) for key in BUDGET_KINDS),
        record["feasible"],
        record["prescreened"],
        cell(record["reason"]),
        record["cache_hit"],
        record["wall_s"],
        record["cache_key"],
    ]


def write_csv(path: Path, records: Sequence[Mapping[str, Any]], parameters: Sequence[str]) -> None:
    """Write ``records`` as CSV (one row each, header from ``csv_columns``)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_columns(parameters))
        writer.writerows(csv_row(r, parameters) for r in records)


def write_outputs(
    run_dir: Path,
    run: Mapping[str, Any],
    evaluations: Sequence[Mapping[str, Any]],
    pareto: Sequence[Mapping[str, Any]],
    parameters: Sequence[str],
) -> dict[str, Path]:
    """Write ``evaluations.csv``, ``pareto.csv`` and ``run.json``; return their paths by name."""
    paths = {
        "evaluations": run_dir / EVALUATIONS_CSV,
        "pareto": run_dir / PARETO_CSV,
        "run": run_dir / RUN_JSON,
    }
    write_csv(paths["evaluations"], evaluations, parameters)
    write_csv(paths["pareto"], pareto, parameters)
    paths["run"].write_text(json.dumps(dict(run), indent=2) + "\n")
    return paths

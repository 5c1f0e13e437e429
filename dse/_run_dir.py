"""The run directory written by ``dse explore --out RUN_DIR`` and read back by ``load_run``.

Contents (docs/architecture.md): ``store.sqlite`` (written as evaluations complete; absent when
``--store`` puts the records in another database),
``optuna.sqlite3`` (the Optuna study, with ``--engine optuna`` and no ``--storage``), and at the
end (also of an interrupted run) ``run.json`` (the run dict) and what ``reports`` writes:
``evaluations.csv``, ``pareto.csv``, ``results.json`` and ``report.html``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import reports
from dse._store import STORE_NAME, ResultStore
from snn_dse.errors import InputError

RUN_JSON = "run.json"
REPORT_HTML = "report.html"
OPTUNA_DB = "optuna.sqlite3"
#: sha256 of what the outputs show (:func:`outputs_digest`), written after them.
OUTPUTS_DIGEST = "outputs.sha256"


def load_run(
    run_dir: Path | str | None = None, *, store: str | None = None, run_name: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The run dict and every evaluation record (ordered by index) of a run: the one in a run
    directory's ``store.sqlite``, or run ``run_name`` in the store at ``store`` (a database URL
    or SQLite path; the name may be left out when the store holds one run).

    Reads the result store, so it works on an interrupted or killed run too: ``run["complete"]``
    is then false and ``run["counts"]`` is recomputed from the stored records. Raises
    ``InputError`` when there is no such store or run."""
    if store is None:
        if run_dir is None:
            raise InputError("give a run directory, or --store (and --run)")
        store = str(Path(run_dir) / STORE_NAME)
    result_store = ResultStore(store, run_name, create=False)
    run = result_store.info() or {"complete": False}
    records = result_store.records()
    for record in records:
        record.setdefault("error", None)
    if not run.get("complete"):
        run["counts"] = run.get("counts", {}) | record_counts(records)
    return run, records


def record_counts(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many records there are, and how many are feasible, pre-screened, cache hits and
    failed evaluations."""
    return {
        "evaluated": len(records),
        "feasible": sum(bool(r["feasible"]) for r in records),
        "prescreened": sum(bool(r["prescreened"]) for r in records),
        "cache_hits": sum(bool(r["cache_hit"]) for r in records),
        "failed": sum(r.get("error") is not None for r in records),
    }


#: Keys of the run dict that change on every invocation without changing what is reported.
_VOLATILE = ("timings", "counts", "command")


def outputs_digest(run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]]) -> str:
    """sha256 of what the outputs show: the evaluation records and the run dict without its
    timings, counters and command line."""
    content = {"run": {k: v for k, v in run.items() if k not in _VOLATILE},
               "evaluations": list(evaluations)}
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def write_outputs(
    run_dir: Path, run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]]
) -> dict[str, Path]:
    """Write ``run.json``, the exports of ``reports.write_exports`` (``evaluations.csv``,
    ``pareto.csv``, ``results.json``) and ``report.html``; return their paths by name.

    When ``outputs.sha256`` says the outputs already show exactly these records and this run
    (the same :func:`outputs_digest`), and they all exist, only ``run.json`` is rewritten: a
    re-run of a finished exploration does not rebuild its report."""
    paths = {"run": run_dir / RUN_JSON}
    stamp = run_dir / OUTPUTS_DIGEST
    outputs = {"evaluations": run_dir / reports.EVALUATIONS_CSV,
               "pareto": run_dir / reports.PARETO_CSV,
               "results": run_dir / reports.RESULTS_JSON,
               "report": run_dir / REPORT_HTML}
    digest = outputs_digest(run, evaluations)
    previous = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None
    paths["run"].write_text(json.dumps(dict(run), indent=2) + "\n")
    if previous != digest or not all(path.is_file() for path in outputs.values()):
        stamp.unlink(missing_ok=True)
        outputs = reports.write_exports(run, evaluations, run_dir)
        outputs["report"] = reports.write_report(run, evaluations, run_dir / REPORT_HTML)
        stamp.write_text(digest + "\n", encoding="utf-8")
    return paths | outputs

"""The exports of a run: ``evaluations.csv`` (every evaluation), ``pareto.csv`` (the feasible
Pareto designs) and ``results.json`` (the whole run: records, fronts, recommendations,
hypervolume). ``dse explore`` and ``dse report`` write them through :func:`write_exports`.

The CSV files hold :func:`reports.evaluations_frame` with units in the cost columns
(:data:`CSV_COLUMNS`: ``memory_bytes``, ``energy_infer_j``, ``constraint_memory_bytes``, ...);
read them back with ``pd.read_csv``. Read the JSON document back with
``pd.json_normalize(json.load(f)["evaluations"])``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from reports._data import (
    evaluations_frame,
    hypervolume_curves,
    normalisation_bounds,
    profiles_in,
    recommendations,
    run_objectives,
)
from snn_dse.metrics import METRICS

__all__ = ["CSV_COLUMNS", "EVALUATIONS_CSV", "PARETO_CSV", "RESULTS_JSON", "csv_frame",
           "run_document", "write_exports", "write_run_document"]

EVALUATIONS_CSV = "evaluations.csv"
PARETO_CSV = "pareto.csv"
RESULTS_JSON = "results.json"
#: CSV column of each cost metric: its name with its SI unit (``constraint_<name>`` likewise).
CSV_COLUMNS = {m.key: m.csv_column for m in METRICS if m.csv_column != m.key}


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities turned into ``None`` (strict JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def csv_frame(
    evaluations: Sequence[Mapping[str, Any]], objectives: Sequence[str]
) -> pd.DataFrame:
    """:func:`evaluations_frame` over ``objectives`` with the CSV column names (units in the cost
    columns, :data:`CSV_COLUMNS`)."""
    frame = evaluations_frame(evaluations, objectives)
    names = CSV_COLUMNS | {f"constraint_{k}": f"constraint_{v}" for k, v in CSV_COLUMNS.items()}
    names |= {f"{k}_{side}": f"{v.rsplit('_', 1)[0]}_{side}_{v.rsplit('_', 1)[1]}"
              for k, v in CSV_COLUMNS.items() for side in ("low", "high")}
    return frame.rename(columns=names)


def run_document(
    run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The whole run as one JSON-safe document: ``run``, every evaluation record (with a
    ``pareto`` flag), and per device the Pareto indices, the recommended index and the
    hypervolume curve with its normalisation."""
    objectives = run_objectives(run)
    frame = evaluations_frame(evaluations, objectives)
    on_front = dict(zip(frame["index"], frame["pareto"], strict=True))
    ideal, nadir, basis = normalisation_bounds(run, frame, objectives)
    curves = hypervolume_curves(run, frame, objectives)
    chosen = recommendations(run, frame)
    devices = {
        profile: {
            "pareto": [int(i) for i in frame.loc[frame["pareto"] & (frame["profile"] == profile),
                                                 "index"]],
            "recommended": chosen.get(profile),
            "hypervolume": [float(v) for v in curves.get(profile, [])],
        }
        for profile in profiles_in(run, frame)
    }
    records = [{**record, "pareto": bool(on_front.get(int(record["index"]), False))}
               for record in sorted(evaluations, key=lambda r: r["index"])]
    return _json_safe({
        "run": dict(run),
        "evaluations": records,
        "devices": devices,
        "normalisation": {"objectives": objectives, "ideal": ideal, "nadir": nadir,
                          "basis": basis},
    })


def write_run_document(
    run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]], path: str | Path
) -> Path:
    """Write :func:`run_document` as strict JSON to ``path`` (parents created); read it back
    with ``pd.json_normalize(json.load(f)["evaluations"])``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    document = run_document(run, evaluations)
    target.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return target


def write_exports(
    run: Mapping[str, Any], evaluations: Sequence[Mapping[str, Any]], directory: str | Path
) -> dict[str, Path]:
    """Write ``evaluations.csv``, ``pareto.csv`` and ``results.json`` of a run into
    ``directory`` (created); return their paths by name (``evaluations``, ``pareto``,
    ``results``)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    frame = csv_frame(evaluations, run_objectives(run))
    paths = {"evaluations": target / EVALUATIONS_CSV, "pareto": target / PARETO_CSV}
    frame.to_csv(paths["evaluations"], index=False)
    frame[frame["pareto"]].to_csv(paths["pareto"], index=False)
    paths["results"] = write_run_document(run, evaluations, target / RESULTS_JSON)
    return paths

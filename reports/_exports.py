"""The JSON document of a whole run (records, fronts, recommendations, hypervolume), readable
back with pandas: ``pd.json_normalize(json.load(f)["evaluations"])``. The flat table is
:func:`reports.evaluations_frame`; ``dse explore`` writes the CSV files of a run directory."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reports._data import (
    evaluations_frame,
    hypervolume_curves,
    normalisation_bounds,
    profiles_in,
    recommendations,
    run_objectives,
)

__all__ = ["run_document", "write_run_document"]


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities turned into ``None`` (strict JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


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

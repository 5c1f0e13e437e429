"""Evaluation records (docs/architecture.md) as a flat table, with fronts, recommendations,
the nearest infeasible designs and the fixed hypervolume normalisation."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from reports._pareto import hypervolume_history, pareto_mask, robust_mask
from snn_dse.metrics import DEFAULT_OBJECTIVES, METRICS

#: Objectives reported in their natural sense that are maximised (engines see ``1 - value``).
MAXIMISED = frozenset(m.key for m in METRICS if m.maximise)
#: Fixed columns of :func:`evaluations_frame`, before and after the design parameters.
LEADING = ("index", "profile")
TRAILING = ("feasible", "feasible_high", "prescreened", "reason", "cache_hit", "pareto", "robust",
            "wall_s", "cache_key", "code_version", "error_type", "error_message")
#: Metrics whose low/high corner values a cost dict carries (docs/uncertainty.md), and where.
RANGED = {"energy_infer": ("energy_per_sample_j_range", "infer"),
          "energy_train": ("energy_per_sample_j_range", "train"),
          "latency": ("latency_per_sample_s_range", None)}


def run_objectives(run: Mapping[str, Any]) -> list[str]:
    """The objectives the run optimised (``run["objectives"]``), else the three defaults."""
    return list(run.get("objectives") or DEFAULT_OBJECTIVES)


def parameter_names(evaluations: Sequence[Mapping[str, Any]]) -> list[str]:
    """Design-parameter names in first-seen order over all candidates."""
    names: dict[str, None] = {}
    for record in evaluations:
        names.update(dict.fromkeys(record.get("candidate") or {}))
    return list(names)


def metric_names(evaluations: Sequence[Mapping[str, Any]]) -> list[str]:
    """Objective (metric) names in first-seen order over all records."""
    names: dict[str, None] = {}
    for record in evaluations:
        names.update(dict.fromkeys(record.get("objectives") or {}))
    return list(names)


def constraint_names(evaluations: Sequence[Mapping[str, Any]]) -> list[str]:
    """Constraint names in first-seen order over all records."""
    names: dict[str, None] = {}
    for record in evaluations:
        names.update(dict.fromkeys(record.get("constraints") or {}))
    return list(names)


def _number(value: Any) -> float:
    """``value`` as a float, NaN for ``None``."""
    return math.nan if value is None else float(value)


def objective_matrix(frame: pd.DataFrame, objectives: Sequence[str], corner: str = ""
                     ) -> np.ndarray:
    """The minimisation matrix of ``frame``: maximised objectives become ``1 - value``.
    ``corner`` ``"low"``/``"high"`` takes each ranged metric's corner column (``<name>_low``)
    where the frame has it; metrics without a range keep their nominal value."""
    columns = []
    for name in objectives:
        column = f"{name}_{corner}" if corner and f"{name}_{corner}" in frame else name
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        if corner and column != name:
            values = np.where(np.isnan(values), pd.to_numeric(
                frame[name], errors="coerce").to_numpy(dtype=float), values)
        columns.append(1.0 - values if name in MAXIMISED else values)
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


def _corner(cost: Mapping[str, Any], metric: str, side: str) -> float:
    """The ``side`` corner of ``metric`` in a cost dict; NaN when it carries no range."""
    key, phase = RANGED[metric]
    span = (cost or {}).get(key) or {}
    if phase is not None:
        span = span.get(phase) or {}
    return _number(span.get(side))


def evaluations_frame(
    evaluations: Sequence[Mapping[str, Any]], objectives: Sequence[str] = DEFAULT_OBJECTIVES
) -> pd.DataFrame:
    """One row per evaluation, ordered by ``index``: index, profile, design parameters, metrics,
    ``<metric>_low``/``<metric>_high`` (corners of the ranged metrics, NaN without ranges),
    ``constraint_<name>`` (value - budget), feasibility (``feasible_high``: also at the high
    corner), ``pareto`` (on its profile's front over ``objectives`` among feasible designs, each
    design once: see :func:`repeats`), ``robust`` (a Pareto design no other candidate can
    dominate anywhere in the ranges: :func:`reports.robust_mask`) and provenance."""
    params = parameter_names(evaluations)
    metrics = metric_names(evaluations)
    constraints = constraint_names(evaluations)
    ranged = [m for m in RANGED if m in metrics]
    rows = []
    for record in sorted(evaluations, key=lambda r: r["index"]):
        candidate = record.get("candidate") or {}
        values = record.get("objectives") or {}
        limits = record.get("constraints") or {}
        error = record.get("error") or {}
        row: dict[str, Any] = {"index": int(record["index"]), "profile": record.get("profile")}
        row.update({p: candidate.get(p) for p in params})
        row.update({m: _number(values.get(m)) for m in metrics})
        row.update({f"{m}_{side}": _corner(record.get("cost") or {}, m, side)
                    for m in ranged for side in ("low", "high")})
        row.update({f"constraint_{c}": _number(limits.get(c)) for c in constraints})
        row.update(
            feasible=bool(record.get("feasible")),
            feasible_high=bool(record.get("feasible_high", record.get("feasible"))),
            prescreened=bool(record.get("prescreened")),
            reason=record.get("reason"),
            cache_hit=bool(record.get("cache_hit")),
            pareto=False,
            robust=False,
            wall_s=_number(record.get("wall_s")),
            cache_key=record.get("cache_key"),
            code_version=record.get("code_version"),
            error_type=error.get("type"),
            error_message=error.get("message"),
        )
        rows.append(row)
    corners = [f"{m}_{side}" for m in ranged for side in ("low", "high")]
    columns = [*LEADING, *params, *metrics, *corners, *(f"constraint_{c}" for c in constraints),
               *TRAILING]
    frame = pd.DataFrame(rows, columns=columns).astype(
        {"index": "int64", "feasible": bool, "feasible_high": bool, "prescreened": bool,
         "cache_hit": bool, "pareto": bool, "robust": bool, "wall_s": float}
    )
    frame.attrs.update(parameters=params, metrics=metrics)
    for name in dict.fromkeys([*objectives, *DEFAULT_OBJECTIVES]):
        if name not in frame:
            frame[name] = math.nan
    candidates = frame[frame["feasible"] & ~repeats(frame)]
    for _, group in candidates.groupby("profile", sort=False):
        mask = pareto_mask(objective_matrix(group, objectives))
        frame.loc[group.index[mask], "pareto"] = True
        robust = robust_mask(objective_matrix(group, objectives, "low"),
                             objective_matrix(group, objectives, "high")) & mask
        frame.loc[group.index[robust], "robust"] = True
    return frame


def repeats(frame: pd.DataFrame) -> pd.Series:
    """True for a row that repeats an earlier evaluation of the same design (same profile and
    cache key): a design proposed twice is on a front, or among the nearest designs, once."""
    return frame.duplicated(["profile", "cache_key"]) & frame["cache_key"].notna()


def parameter_names_of(frame: pd.DataFrame) -> list[str]:
    """Design-parameter columns of a table made by :func:`evaluations_frame`."""
    return list(frame.attrs.get("parameters", []))


def metric_names_of(frame: pd.DataFrame) -> list[str]:
    """Metric columns of a table made by :func:`evaluations_frame`."""
    return list(frame.attrs.get("metrics", []))


def profiles_of(frame: pd.DataFrame) -> list[str]:
    """Device ids in order of first appearance."""
    return [str(p) for p in dict.fromkeys(frame["profile"].dropna())]


def profiles_in(run: Mapping[str, Any], frame: pd.DataFrame) -> list[str]:
    """Device ids in the run's order (``run["profiles"]``), then any others seen in records."""
    ids = list(run.get("profiles") or {})
    ids += [p for p in profiles_of(frame) if p not in ids]
    return ids


def recommend(frame: pd.DataFrame, profile: str | None = None) -> int | None:
    """Index of the design to build, by SpikeDyn's rule: among the feasible Pareto designs (of
    ``profile``), the most accurate; ties go to lower inference energy, then lower memory, then
    lower index. None when there is no feasible design."""
    front = frame[frame["pareto"]]
    if profile is not None:
        front = front[front["profile"] == profile]
    if front.empty:
        return None
    ranked = front.assign(_error=-front["accuracy"]).sort_values(
        ["_error", "energy_infer", "memory", "index"], na_position="last"
    )
    return int(ranked["index"].iloc[0])


def recommendations(run: Mapping[str, Any], frame: pd.DataFrame) -> dict[str, int | None]:
    """Recommended evaluation index per device: ``run["recommended_by_profile"]``, else
    ``run["recommended"]`` for the device it belongs to, else :func:`recommend`."""
    by_profile = dict(run.get("recommended_by_profile") or {})
    chosen = run.get("recommended")
    if chosen is not None:
        rows = frame[frame["index"] == chosen]
        if len(rows):
            by_profile.setdefault(str(rows["profile"].iloc[0]), int(chosen))
    return {
        profile: int(by_profile[profile]) if by_profile.get(profile) is not None
        else recommend(frame, profile)
        for profile in profiles_in(run, frame)
    }


def violation_score(frame: pd.DataFrame, budgets: Mapping[str, float]) -> pd.Series:
    """Sum over budgets of the relative excess ``max(0, value - budget) / budget`` per row."""
    score = pd.Series(0.0, index=frame.index)
    for name, budget in budgets.items():
        column = f"constraint_{name}"
        if column in frame and budget:
            score += frame[column].clip(lower=0.0).fillna(0.0) / float(budget)
    return score


def nearest_designs(
    frame: pd.DataFrame, budgets: Mapping[str, float], count: int = 5
) -> pd.DataFrame:
    """The ``count`` infeasible designs closest to the budgets (smallest :func:`violation_score`;
    simulated before pre-screened designs, then by index), each design once; a ``violation``
    column holds the score. ``dse explore`` lists these when nothing is feasible. Failed
    evaluations are not among them: nothing is known of how they would meet the budgets."""
    infeasible = frame[~frame["feasible"] & ~repeats(frame) & frame["error_type"].isna()]
    infeasible = infeasible.assign(violation=violation_score(infeasible, budgets))
    return infeasible.sort_values(["violation", "prescreened", "index"]).head(count)


def normalisation_bounds(
    run: Mapping[str, Any], frame: pd.DataFrame, objectives: Sequence[str]
) -> tuple[list[float], list[float], list[str]]:
    """Fixed ideal and nadir points for the hypervolume, in minimisation form, and how each
    nadir was chosen.

    Accuracy-like objectives (as error) run from 0 to 1. A cost objective with a budget runs
    from 0 to its budget (every feasible design lies inside). A cost objective without a budget
    runs from 0 to the largest value any design of the run was priced at (every evaluated,
    pre-screened or not, is priced), which the space bounds fix for exhaustive runs.
    """
    budgets = run.get("budgets") or {}
    ideal, nadir, basis = [], [], []
    for name in objectives:
        ideal.append(0.0)
        if name in MAXIMISED:
            nadir.append(1.0)
            basis.append("error from 0 to 1")
        elif budgets.get(name):
            nadir.append(float(budgets[name]))
            basis.append("0 to the budget")
        else:
            values = pd.to_numeric(frame[name], errors="coerce")
            top = float(values.max()) if values.notna().any() else 1.0
            nadir.append(top if top > 0 else 1.0)
            basis.append("0 to the largest value in the run")
    return ideal, nadir, basis


def hypervolume_curves(
    run: Mapping[str, Any], frame: pd.DataFrame, objectives: Sequence[str]
) -> dict[str, np.ndarray]:
    """Normalised hypervolume of the feasible designs after each evaluation, per device."""
    ideal, nadir, _ = normalisation_bounds(run, frame, objectives)
    curves = {}
    for profile in profiles_in(run, frame):
        rows = frame[frame["profile"] == profile]
        curves[profile] = hypervolume_history(
            objective_matrix(rows, objectives), ideal, nadir, include=rows["feasible"].to_numpy()
        )
    return curves

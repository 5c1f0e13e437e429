"""Fit per-event energies and static power of a profile to measured energies (``dse calibrate``).

**Model.** The energy of one measured run is linear in every fitted figure ``x_k``:
``E = E_0 + sum_k a_k x_k``, where ``a_k`` is how many times the run pays figure ``k`` (events,
word accesses of a memory level, seconds of static power) and ``E_0`` what the figures left
alone cost. Both come from the cost model itself, without reading its equations: ``E_0`` is the
run priced with every fitted figure at 0, ``a_k`` the increase when figure ``k`` alone is set to
one SI unit. The static-power column is the measured latency when the file gives ``latency_s``.

**Fit.** Non-negative least squares (``scipy.optimize.nnls``) on *relative* residuals
``(E_measured - E_model) / E_measured``, so a 5 % error weighs the same on a 1 uJ and a 1 mJ run;
columns are scaled to unit norm first. The range of each figure is +-2 standard errors
(~95 %) from ``sigma^2 (A^T A)^-1`` with ``sigma^2`` the residual variance (n - k degrees of
freedom), clipped at 0.

**Refusals.** A figure the runs never exercise (its column is all zero) is not fitted and keeps
the base value. The fit is refused (:class:`UnderdeterminedFit`) when the runs cannot separate
the exercised figures: fewer runs than figures + 1, or a column-normalised matrix whose
smallest singular value is below :data:`SEPARABLE` of the largest (the figures with weight in
that direction are named).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import nnls  # type: ignore[import-untyped]

from costmodels._activity import COUNT_FIELDS, Activity
from costmodels._design import SNNDesign
from costmodels._estimate import estimate
from hwprofiles import DeviceProfile, Figure
from snn_dse.domains import INHIBITIONS, RULES
from snn_dse.errors import InputError

#: Design columns of a measurements file (``state_bits`` optional, 16 when absent).
DESIGN_COLUMNS = ("inputs", "neurons", "inhibition", "weight_bits", "rule")
PHASES = ("train", "infer")
#: Smallest singular value, relative to the largest, of the column-normalised design matrix
#: below which figures count as inseparable (noise would be amplified a million-fold).
SEPARABLE = 1e-6
#: Components of a singular vector that name a figure as part of an inseparable group.
NAMED_WEIGHT = 0.2
#: Standard errors on each side of a fitted value that make its range (~95 %).
RANGE_SIGMAS = 2.0


class UnderdeterminedFit(InputError):
    """The measurements cannot separate some figures; ``figures`` names them."""

    def __init__(self, message: str, figures: Sequence[str]) -> None:
        self.figures = list(figures)
        super().__init__(message)


@dataclass(frozen=True)
class Measurements:
    """Measured runs: one design, phase, activity and energy (J) per row; latency (s) or NaN."""

    designs: list[SNNDesign]
    phases: list[str]
    activities: list[Activity]
    energy_j: np.ndarray
    latency_s: np.ndarray
    source: str

    def __len__(self) -> int:
        return len(self.designs)


@dataclass(frozen=True)
class FittedFigure:
    """One fitted figure: SI value, ~95 % range, and its unit."""

    field: str
    value: float
    low: float
    high: float
    unit: str


@dataclass(frozen=True)
class Calibration:
    """A fit: the fitted figures, figures not exercised by the runs, R^2 (of the energies),
    the worst relative residual and the run (0-based row) it belongs to."""

    figures: list[FittedFigure]
    unexercised: list[str]
    r_squared: float
    worst_residual: float
    worst_row: int
    runs: int
    predicted_j: np.ndarray


def fit_fields(profile: DeviceProfile) -> list[str]:
    """The figures ``dse calibrate`` fits by default: per-event energies, per-level memory
    read/write energies and static power."""
    events = ["events.synaptic_op", "events.neuron_update", "events.neuron_update_idle",
              "events.spike", "events.learning_update"]
    memory = [f"memory.{lvl.name}.{op}" for lvl in profile.memory for op in ("read", "write")]
    return [*events, *memory, "static.power"]


def read_measurements(path: Path) -> Measurements:
    """Read and validate a measurements CSV (columns: docs/uncertainty.md); ``InputError``
    naming the file, the row and the fix."""
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"--measurements: no file {str(path)!r}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"--measurements: {path}: not a CSV file ({error})") from None
    required = ["phase", *DESIGN_COLUMNS, *COUNT_FIELDS, "energy_j"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"--measurements: {path}: missing column(s) {', '.join(missing)}; "
                         f"expected {', '.join(required)} (and optionally latency_s)")
    if frame.empty:
        raise InputError(f"--measurements: {path}: no measured runs")
    designs, phases, activities = [], [], []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        where = f"--measurements: {path}, line {number}"
        phase = str(row["phase"]).strip()
        if phase not in PHASES:
            raise InputError(f"{where}: phase {row['phase']!r} is not one of train, infer")
        if str(row["inhibition"]) not in INHIBITIONS or str(row["rule"]) not in RULES:
            raise InputError(f"{where}: inhibition must be one of {', '.join(INHIBITIONS)} "
                             f"and rule one of {', '.join(RULES)}")
        counts = {name: _number(row[name], f"{where}: {name}") for name in COUNT_FIELDS}
        state_bits = row.get("state_bits", 16)
        design_kwargs: dict[str, Any] = {
            "inhibition": str(row["inhibition"]), "rule": str(row["rule"]),
            "inputs": _number(row["inputs"], f"{where}: inputs"),
            "neurons": _number(row["neurons"], f"{where}: neurons"),
            "weight_bits": _number(row["weight_bits"], f"{where}: weight_bits"),
            "state_bits": _number(state_bits, f"{where}: state_bits"),
        }
        try:
            designs.append(SNNDesign(**design_kwargs,
                                     timesteps=max(1, round(counts["timesteps"]))))
            activities.append(Activity(**counts, source="measured"))
        except InputError as error:
            raise InputError(f"{where}: {error}") from None
        phases.append(phase)
    energy = pd.to_numeric(frame["energy_j"], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~(np.isfinite(energy) & (energy > 0)))
    if bad.size:
        raise InputError(f"--measurements: {path}, line {bad[0] + 2}: energy_j must be a "
                         f"positive number of joules, got {frame['energy_j'].iloc[bad[0]]!r}")
    latency = (pd.to_numeric(frame["latency_s"], errors="coerce").to_numpy(dtype=float)
               if "latency_s" in frame.columns else np.full(len(frame), np.nan))
    if np.any(latency < 0):
        raise InputError(f"--measurements: {path}: latency_s must be >= 0 seconds")
    return Measurements(designs, phases, activities, energy, latency, str(path))


def _number(value: object, where: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise InputError(f"{where}: expected a finite number >= 0, got {value!r}")
    return number


def _unit_figure(profile: DeviceProfile, field: str, value: float) -> Figure:
    """A figure for ``field`` with SI ``value`` (built when the base profile leaves it empty)."""
    unit = "W" if field == "static.power" else "J"
    existing = dict(profile.iter_figures()).get(field)
    if existing is not None:
        return existing.model_copy(update={"value": value})
    return Figure(value=value, unit=unit, text=f"{value} {unit}", basis="measured",
                  reference="dse calibrate")


def _energies(profile: DeviceProfile, m: Measurements) -> np.ndarray:
    out = np.empty(len(m))
    for row, (design, phase, activity) in enumerate(zip(m.designs, m.phases, m.activities,
                                                        strict=True)):
        report = estimate(design, profile, activity, activity)
        out[row] = (report.energy_train_j if phase == "train" else report.energy_infer_j)["total"]
    return out


def design_matrix(profile: DeviceProfile, m: Measurements, fields: Sequence[str]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """``(A, E_0)``: energy per SI unit of each figure in ``fields`` for every run, and the
    energy of the figures left alone (see the module docstring)."""
    zero = profile.with_figures({f: _unit_figure(profile, f, 0.0) for f in fields})
    base = _energies(zero, m)
    columns = []
    for field in fields:
        if field == "static.power" and np.all(np.isfinite(m.latency_s)):
            columns.append(m.latency_s.copy())
            continue
        one = zero.with_figures({field: _unit_figure(profile, field, 1.0)})
        columns.append(_energies(one, m) - base)
    return np.column_stack(columns), base


def calibrate(profile: DeviceProfile, m: Measurements,
              fields: Sequence[str] | None = None) -> Calibration:
    """Fit ``fields`` (default :func:`fit_fields`) of ``profile`` to the measured energies;
    raises :class:`UnderdeterminedFit` when the runs cannot separate them."""
    fields = list(fields or fit_fields(profile))
    A, base = design_matrix(profile, m, fields)
    scale = np.linalg.norm(A, axis=0)
    exercised = [k for k in range(len(fields)) if scale[k] > 0]
    unexercised = [fields[k] for k in range(len(fields)) if scale[k] == 0]
    names = [fields[k] for k in exercised]
    if not exercised:
        raise UnderdeterminedFit("the measured runs exercise none of the figures to fit "
                                 f"({', '.join(fields)})", fields)
    weights = 1.0 / m.energy_j
    Aw = A[:, exercised] * weights[:, None] / scale[exercised]
    yw = (m.energy_j - base) * weights
    if len(m) <= len(exercised):
        raise UnderdeterminedFit(
            f"{len(m)} measured run(s) for {len(exercised)} figures ({', '.join(names)}): "
            f"give at least {len(exercised) + 1} runs of varied designs and phases, or fit "
            "fewer figures with --fit", names)
    _, singular, vt = np.linalg.svd(Aw, full_matrices=False)
    weak = singular < SEPARABLE * singular[0]
    if np.any(weak):
        involved = np.abs(vt[weak]).max(axis=0) >= NAMED_WEIGHT
        together = [name for name, used in zip(names, involved, strict=True) if used]
        raise UnderdeterminedFit(
            f"the measured runs cannot separate {', '.join(together)}: their counts move "
            "together in every run. Measure designs or phases that change one without the "
            "others (e.g. other weight bits, training and inference, other timesteps), or fit "
            "fewer figures with --fit", together)
    solution, _ = nnls(Aw, yw)
    residual = yw - Aw @ solution
    dof = len(m) - len(exercised)
    sigma2 = float(residual @ residual) / dof
    covariance = sigma2 * np.linalg.pinv(Aw.T @ Aw)
    stderr = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    values, errors = solution / scale[exercised], stderr / scale[exercised]
    fitted = [FittedFigure(name, float(v), float(max(0.0, v - RANGE_SIGMAS * e)),
                           float(v + RANGE_SIGMAS * e), "W" if name == "static.power" else "J")
              for name, v, e in zip(names, values, errors, strict=True)]
    predicted = base + A[:, exercised] @ values
    total = float(((m.energy_j - m.energy_j.mean()) ** 2).sum())
    r_squared = 1.0 - float(((m.energy_j - predicted) ** 2).sum()) / total if total > 0 else 1.0
    relative = np.abs(m.energy_j - predicted) / m.energy_j
    worst = int(np.argmax(relative))
    return Calibration(fitted, unexercised, r_squared, float(relative[worst]), worst, len(m),
                       predicted)


def measurements_frame(profile: DeviceProfile, runs: Sequence[tuple[SNNDesign, str, Activity]],
                       *, noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """The rows of a measurements file that ``profile`` predicts for ``runs`` (design, phase,
    activity): energies times ``1 + noise x N(0, 1)`` (seeded), ``latency_s`` the model's.
    Checks a calibration end to end (benchmarks/calibration.py) and shows the file format."""
    rng = np.random.default_rng(seed)
    rows = []
    for design, phase, activity in runs:
        report = estimate(design, profile, activity, activity)
        energy = (report.energy_train_j if phase == "train" else report.energy_infer_j)["total"]
        latency = report.latency_train_s if phase == "train" else report.latency_s
        rows.append({"phase": phase, "inputs": design.inputs, "neurons": design.neurons,
                     "inhibition": design.inhibition, "weight_bits": design.weight_bits,
                     "rule": design.rule, "state_bits": design.state_bits,
                     **activity.to_dict(), "latency_s": latency,
                     "energy_j": energy * (1.0 + noise * rng.standard_normal())})
    return pd.DataFrame(rows)


def quantity_text(value: float, unit: str) -> str:
    """A unit string the profile loader reads back: pJ for energies, mW for powers."""
    return f"{value / 1e-12:.6g} pJ" if unit == "J" else f"{value * 1e3:.6g} mW"


def calibrated_profile_yaml(base_ref: str, base: DeviceProfile, result: Calibration,
                            measurements: str, *, profile_id: str | None = None,
                            today: dt.date | None = None) -> dict[str, Any]:
    """The data of NEW.yaml: ``extends`` the base and sets only the fitted figures (basis
    measured, the fit's range, a reference naming the measurement file and the date)."""
    day = (today or dt.date.today()).isoformat()
    reference = (f"dse calibrate on {Path(measurements).name} ({result.runs} runs, "
                 f"R^2 {result.r_squared:.4f}), {day}")
    out: dict[str, Any] = {
        "schema_version": 1,
        "extends": base_ref,
        "id": profile_id or f"{base.id}_calibrated",
        "name": f"{base.name}, calibrated on {Path(measurements).name}",
    }
    for figure in result.figures:
        entry = {"value": quantity_text(figure.value, figure.unit),
                 "range": [quantity_text(figure.low, figure.unit),
                           quantity_text(figure.high, figure.unit)],
                 "basis": "measured", "reference": reference}
        section, *rest = figure.field.split(".")
        node = out.setdefault(section, {})
        for part in rest[:-1]:
            node = node.setdefault(part, {})
        node[rest[-1]] = entry
    return out

"""Cost ranges from profile-figure ranges (interval corners) and which figure the energy hangs on.

**Propagation by corners.** Every cost of the model (energy per sample, latency per sample) is
monotone in every priced profile figure, in a direction fixed by the figure's unit
(:func:`cost_direction`): energies (J), powers (W) and times (s) raise it, bandwidths (B/s)
and clocks (Hz) lower it, a plain number lowers it when it divides the work
(``parallel_units``) and raises it otherwise (``hops_per_spike``). Energy and latency move the
same way for every figure (energy reads latency only through static power x latency), so the
*high* corner (each figure at the end of its range that raises cost) bounds energy and latency
from above at once, the *low* corner from below, for any combination of figure values inside
their ranges. tests/costmodels/test_uncertainty.py checks the directions on every shipped
profile, and the bound on random points inside the box. Structural quantities (capacities,
node, supply voltage) stay at their nominal value: a capacity decides which memory level holds
a component, a discrete and non-monotone effect. The corners are priced by the model's own
vectorised functions (:func:`costmodels.estimate`, :func:`costmodels.price_layered`,
:func:`costmodels.estimate_many`), so the propagation does not depend on the inside of the
equations: :func:`cost_ranges` and :func:`sensitivity` take any pricing function
(``estimate`` for the STDP network, ``price_layered`` for the layered families).

**Sensitivity.** The share of figure *i* in the variance of the inference energy, with each
figure uniform on its range and independent: one-at-a-time swings ``D_i = E(hi_i) - E(lo_i)``
(others nominal) give ``Var_i = D_i^2 / 12``; ``share_i = Var_i / sum_j Var_j``. For a model
additive in the figures this is exactly the first-order Sobol' index normalised to sum to one;
ours is additive in every per-event and per-access energy, with one product (static power x
latency, whose times are figures too) and a ``max`` over bandwidth limits.
benchmarks/sensitivity.py compares it with Saltelli-estimated Sobol' indices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from costmodels._estimate import estimate_many
from hwprofiles import DeviceProfile, Figure

#: Units whose figures raise every cost when they grow, and those that lower it.
RAISING_UNITS = frozenset({"J", "W", "s"})
LOWERING_UNITS = frozenset({"B/s", "Hz"})
#: Plain-number fields that divide the work (more of them lowers latency and static energy).
DIVIDING_NUMBERS = frozenset({"parallel_units"})
#: Plain-number fields that are the device's structure (the mapper's per-core limits): held at
#: their nominal value, as capacities are.
STRUCTURAL_NUMBERS = frozenset({"cores.count", "cores.neurons", "cores.fan_in",
                                "cores.per_router"})
#: Cost columns of :func:`estimate_many` that carry ranges, and the record keys they feed.
RANGED_COLUMNS = {"energy_infer": "energy_infer_total", "energy_train": "energy_train_total",
                  "latency": "latency_s"}

Side = Literal["low", "high"]


def cost_direction(path: str, figure: Figure) -> int:
    """+1 when a larger ``figure`` raises every cost, -1 when it lowers it, 0 when held fixed."""
    if figure.unit in RAISING_UNITS:
        return 1
    if figure.unit in LOWERING_UNITS:
        return -1
    if figure.unit == "1":
        if path in STRUCTURAL_NUMBERS:
            return 0
        return -1 if path.rsplit(".", 1)[-1] in DIVIDING_NUMBERS else 1
    return 0


def uncertain_figures(profile: DeviceProfile) -> dict[str, Figure]:
    """Figures that move a cost and have a range of non-zero width, by dotted path."""
    return {path: fig for path, fig in profile.iter_figures()
            if cost_direction(path, fig) and fig.high > fig.low}


def _at(figure: Figure, value: float) -> Figure:
    return figure.model_copy(update={"value": float(value)})


def corner_profile(profile: DeviceProfile, side: Side) -> DeviceProfile:
    """``profile`` with every priced figure at the end of its range that gives the ``side``
    (``low``/``high``) cost; structural figures stay nominal."""
    def move(path: str, figure: Figure) -> Figure:
        direction = cost_direction(path, figure)
        if direction == 0:
            return figure
        low, high = figure.bounds()
        raising_end = high if direction > 0 else low
        lowering_end = low if direction > 0 else high
        return _at(figure, raising_end if side == "high" else lowering_end)

    return profile.map_figures(move)


@dataclass(frozen=True)
class Corners:
    """The low and high corner profiles of one profile."""

    low: DeviceProfile
    high: DeviceProfile


_CORNERS: dict[int, tuple[DeviceProfile, Corners]] = {}


def corners(profile: DeviceProfile) -> Corners:
    """Both corner profiles, remembered for the last few (frozen) profiles."""
    cached = _CORNERS.get(id(profile))
    if cached is None or cached[0] is not profile:
        if len(_CORNERS) >= 32:
            _CORNERS.clear()
        cached = _CORNERS[id(profile)] = (
            profile, Corners(corner_profile(profile, "low"), corner_profile(profile, "high")))
    return cached[1]


#: A pricing of one design on a profile: returns a report with ``energy_train_j`` and
#: ``energy_infer_j`` (component -> J, with ``total``), ``latency_s`` and ``latency_train_s``
#: (``CostReport``, ``LayeredCost``), e.g. ``lambda p: estimate(design, p, train, infer)``.
Pricing = Callable[[DeviceProfile], Any]


def cost_ranges(price: Pricing, profile: DeviceProfile) -> dict[str, Any]:
    """Low and high corner costs of one design priced by ``price``: the JSON keys of
    ``dse cost``.

    ``energy_per_sample_j_range``: ``{train: {low, high}, infer: {low, high}}`` (J);
    ``latency_per_sample_s_range``: ``{low, high}`` (s, inference); and, for training
    latency, ``latency_train_per_sample_s_range``. Low <= nominal <= high.
    """
    both = corners(profile)
    low, high = price(both.low), price(both.high)
    return {
        "energy_per_sample_j_range": {
            "train": {"low": low.energy_train_j["total"], "high": high.energy_train_j["total"]},
            "infer": {"low": low.energy_infer_j["total"], "high": high.energy_infer_j["total"]},
        },
        "latency_per_sample_s_range": {"low": low.latency_s, "high": high.latency_s},
        "latency_train_per_sample_s_range": {"low": low.latency_train_s,
                                             "high": high.latency_train_s},
    }


def ranges_many(designs: pd.DataFrame | Mapping[str, Any], profile: DeviceProfile, *,
                mean_intensity: float, max_rate_hz: float) -> pd.DataFrame:
    """Vectorised corners of many designs with estimated activity: for each key of
    :data:`RANGED_COLUMNS` the columns ``<key>_low``, ``<key>`` (nominal) and ``<key>_high``."""
    both = corners(profile)
    priced = {side: estimate_many(designs, p, mean_intensity=mean_intensity,
                                  max_rate_hz=max_rate_hz)
              for side, p in (("low", both.low), ("nominal", profile), ("high", both.high))}
    columns: dict[str, Any] = {}
    for key, column in RANGED_COLUMNS.items():
        columns[f"{key}_low"] = priced["low"][column].to_numpy()
        columns[key] = priced["nominal"][column].to_numpy()
        columns[f"{key}_high"] = priced["high"][column].to_numpy()
    return pd.DataFrame(columns, index=priced["nominal"].index)


def sensitivity(price: Pricing, profile: DeviceProfile, *,
                target: Literal["infer", "train"] = "infer") -> list[dict[str, Any]]:
    """Profile figures ranked by their share of the variance of the ``target`` energy of the
    design ``price`` prices.

    Each entry: ``field`` (dotted path), ``share`` (fraction, all shares sum to 1 when any
    figure moves the energy), ``low_j``/``high_j`` (the lowest and highest energy as that
    figure alone moves across its range; which end gives which follows its direction). Sorted
    by share, largest first; figures with no effect are left out. Method in the module
    docstring.
    """
    figures = uncertain_figures(profile)
    key = "energy_infer_j" if target == "infer" else "energy_train_j"
    rows = []
    for path, figure in figures.items():
        ends = []
        for end in figure.bounds():
            report = price(profile.with_figures({path: _at(figure, end)}))
            ends.append(getattr(report, key)["total"])
        rows.append((path, min(ends), max(ends)))
    variances = np.array([(high - low) ** 2 / 12.0 for _, low, high in rows])
    total = float(variances.sum())
    if total <= 0:
        return []
    out = [{"field": path, "share": float(var / total), "low_j": low, "high_j": high}
           for (path, low, high), var in zip(rows, variances, strict=True) if var > 0]
    return sorted(out, key=lambda row: (-row["share"], row["field"]))


"""``estimate`` (one design, full report) and ``estimate_many`` (vectorised pre-screen)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from costmodels._activity import COUNT_FIELDS, Activity, estimate_counts
from costmodels._design import DesignArrays, SNNDesign
from costmodels._energy import (
    compute_energy,
    event_energies,
    executed_counts,
    level_traffic,
    memory_energy,
    traffic_bits,
)
from costmodels._latency import latency
from costmodels._memory import COMPONENTS, footprint_bytes, place
from costmodels._ops import op_fields
from costmodels._report import CostReport
from hwprofiles import DeviceProfile, format_si
from snn_dse.domains import FLOAT_BITS


def price(profile: DeviceProfile, d: DesignArrays, train: Mapping[str, np.ndarray],
          infer: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """All costs of many designs as arrays: ``memory`` (bytes), ``placement`` (level index),
    ``train``/``infer`` (J by component, with ``total``), ``latency_train``/``latency_infer`` (s)."""
    nbytes = footprint_bytes(d)
    placement = place(profile, nbytes)
    energies = event_energies(profile, d)
    leakage = sum((lvl.leakage.value for lvl in profile.memory if lvl.leakage), 0.0)
    out: dict[str, Any] = {
        "memory": {"total": sum(nbytes.values()), **nbytes},
        "placement": placement,
    }
    for mode, activity in (("train", train), ("infer", infer)):
        training = mode == "train"
        counts = executed_counts(profile, d, dict(activity), training)
        reads, writes = level_traffic(profile, traffic_bits(d, counts, training), placement)
        seconds = latency(profile, counts, reads + writes)
        parts = compute_energy(energies, counts) | memory_energy(profile, reads, writes)
        parts["static"] = (profile.static.power.value + leakage) * seconds
        out[mode] = {"total": sum(parts.values()), **parts}
        out[f"latency_{mode}"] = seconds
    return out


def estimate(design: SNNDesign, profile: DeviceProfile, train: Activity, infer: Activity) -> CostReport:
    """Price one design on ``profile`` for one training and one inference sample."""
    d = DesignArrays.from_designs([design])
    priced = price(profile, d, _column(train), _column(infer))
    names = [lvl.name for lvl in profile.memory]
    placement = {c: names[int(priced["placement"][c][0])] for c in COMPONENTS}
    source = train.source if train.source == infer.source else "mixed"
    return CostReport(
        profile=profile.id,
        activity_source=source,
        memory_bytes={k: int(v[0]) for k, v in priced["memory"].items()},
        placement=placement,
        energy_train_j={k: float(v[0]) for k, v in priced["train"].items()},
        energy_infer_j={k: float(v[0]) for k, v in priced["infer"].items()},
        latency_s=float(priced["latency_infer"][0]),
        latency_train_s=float(priced["latency_train"][0]),
        figures=_figures(profile, design, placement),
    )


def estimate_many(designs: pd.DataFrame | Mapping[str, Any], profile: DeviceProfile, *,
                  mean_intensity: float, max_rate_hz: float) -> pd.DataFrame:
    """Price many designs at once with estimated activity (the pre-screen).

    ``designs`` has columns ``inputs``, ``neurons``, ``inhibition``, ``weight_bits`` and
    optionally ``state_bits`` (16), ``timesteps`` (350), ``rule`` (baseline). Returns one row
    per design: ``memory_total`` and ``memory_<component>`` (bytes), ``placement_<component>``
    (level name, categorical), ``energy_train_total``/``energy_infer_total`` and per-component columns (J),
    ``latency_s`` (inference) and ``latency_train_s`` (s).
    """
    d = DesignArrays.from_columns(designs)
    kwargs = {"mean_intensity": mean_intensity, "max_rate_hz": max_rate_hz}
    priced = price(profile, d, estimate_counts(d, training=True, **kwargs),
                   estimate_counts(d, training=False, **kwargs))
    names = [lvl.name for lvl in profile.memory]
    columns: dict[str, Any] = {f"memory_{k}": v for k, v in priced["memory"].items()}
    columns |= {f"placement_{k}": pd.Categorical.from_codes(v, categories=names)
                for k, v in priced["placement"].items()}
    for mode in ("train", "infer"):
        columns |= {f"energy_{mode}_{k}": v for k, v in priced[mode].items()}
    columns["latency_s"] = priced["latency_infer"]
    columns["latency_train_s"] = priced["latency_train"]
    index = designs.index if isinstance(designs, pd.DataFrame) else None
    return pd.DataFrame(columns, index=index)


def check_limits(design: Any, profile: DeviceProfile) -> list[str]:
    """Reasons ``design`` (an ``SNNDesign`` or a ``LayeredDesign``: anything with
    ``weight_bits``, ``neurons`` and ``inhibitory_neurons``) does not fit ``profile``'s
    ``limits`` (empty when it fits)."""
    limits, problems = profile.limits, []
    if limits.weight_bits and not limits.weight_bits[0] <= design.weight_bits <= limits.weight_bits[1]:
        low, high = limits.weight_bits
        problems.append(f"weight_bits {design.weight_bits} outside the supported {low}..{high}")
    total = design.neurons + design.inhibitory_neurons
    capacity = limits.max_neurons
    if limits.cores and limits.neurons_per_core:
        capacity = min(capacity or np.inf, limits.cores * limits.neurons_per_core)
    if capacity is not None and total > capacity:
        problems.append(f"{total} neurons exceed the device's {int(capacity)}")
    return problems


def _column(activity: Activity) -> dict[str, np.ndarray]:
    return {name: np.array([getattr(activity, name)]) for name in COUNT_FIELDS}


def _figures(profile: DeviceProfile, design: SNNDesign,
             placement: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """Component -> the profile figures that priced it (field, value with unit, basis, reference)."""
    table = _figure_table(profile)
    ev = profile.events
    floating = design.weight_bits == FLOAT_BITS
    dense = profile.execution == "dense"

    def given(*fields: str) -> list[str]:
        return [f for f in fields if f in table]

    synaptic = given("events.synaptic_op") or op_fields(
        profile, ("add", "multiply") if dense else ("add",), floating)
    fields: dict[str, list[str]] = {
        "synaptic_ops": synaptic,
        "inhibition": synaptic,
        "neuron_updates": given("events.neuron_update", "events.neuron_update_idle")
        if ev.neuron_update else op_fields(profile, ("multiply", "add", "compare"), floating),
        "spikes": given("events.spike", "events.spike_hop", "events.hops_per_spike"),
        "learning": given("events.learning_update")
        or op_fields(profile, ("multiply", "add", "compare"), floating),
    }
    for lvl in profile.memory:
        fields[f"memory_{lvl.name}"] = given(f"memory.{lvl.name}.read", f"memory.{lvl.name}.write")
    timing = [f for f in table if f.startswith("timing.") or f.endswith(".bandwidth")]
    fields["latency"] = timing
    fields["static"] = given("static.power") + [f for f in table if f.endswith(".leakage")]
    for component, level in placement.items():
        fields[component] = given(f"memory.{level}.capacity")
    return {component: [_record(profile, name, table[name]) for name in names]
            for component, names in fields.items()}


_TABLES: dict[int, tuple[DeviceProfile, dict[str, Any]]] = {}


def _figure_table(profile: DeviceProfile) -> dict[str, Any]:
    """``{dotted path: Figure}`` of ``profile``, remembered for the last few (frozen) profiles."""
    cached = _TABLES.get(id(profile))
    if cached is None or cached[0] is not profile:
        if len(_TABLES) >= 32:
            _TABLES.clear()
        cached = _TABLES[id(profile)] = (profile, dict(profile.iter_figures()))
    return cached[1]


def _record(profile: DeviceProfile, name: str, figure: Any) -> dict[str, str]:
    value = figure.text if figure.unit == "1" else format_si(figure.value, figure.unit)
    record = {"field": name, "value": value, "basis": figure.basis,
              "reference": profile.cite(figure.reference)}
    if figure.note:
        record["note"] = figure.note
    return record

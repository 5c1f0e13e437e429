"""``estimate`` (one design, full report) and ``estimate_many`` (vectorised pre-screen)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from costmodels._activity import COUNT_FIELDS, DT_S, Activity, estimate_counts
from costmodels._design import DesignArrays, SNNDesign
from costmodels._energy import (
    compute_energy,
    event_energies,
    executed_counts,
    level_traffic,
    memory_energy,
    spike_messages,
    structural_counts,
)
from costmodels._latency import TIMING_MODES, latency, wall_time
from costmodels._layered import place_layered
from costmodels._mapping import ChipMapping, fit_reason, map_network, static_power
from costmodels._network import STDP_FAMILY, Network, access_bits, build_network, component_bytes
from costmodels._ops import op_fields
from costmodels._report import CostReport
from hwprofiles import DeviceProfile, format_si
from snn_dse.domains import FLOAT_BITS

DEFAULT_FAMILY = STDP_FAMILY


def access_density(net: Network, d: DesignArrays) -> dict[str, np.ndarray]:
    """Bits moved per bit stored and timestep at the structural upper bound (every synapse and
    neuron touched), training plus inference accesses: the mapper's packing order."""
    counts = structural_counts(d)
    train = access_bits(net, counts, True)
    infer = access_bits(net, counts, False)
    return {c.name: (sum(train[c.name]) + sum(infer[c.name])) / np.maximum(c.bits, 1.0)
            for c in net.components}


def limits_ok(profile: DeviceProfile, d: DesignArrays) -> np.ndarray:
    """True where the weight precision and neuron count are within ``profile.limits``."""
    limits = profile.limits
    ok = np.ones(d.size, bool)
    if limits.weight_bits:
        ok &= (d.weight_bits >= limits.weight_bits[0]) & (d.weight_bits <= limits.weight_bits[1])
    if limits.max_neurons is not None:
        ok &= d.total_neurons <= limits.max_neurons
    return ok


def map_designs(profile: DeviceProfile, d: DesignArrays,
                family: str = DEFAULT_FAMILY) -> tuple[Network, ChipMapping]:
    """The network description of ``d`` and its mapping on ``profile``."""
    net = build_network(family, d)
    return net, map_network(profile, net, access_density(net, d))


def price(profile: DeviceProfile, d: DesignArrays, train: Mapping[str, np.ndarray],
          infer: Mapping[str, np.ndarray], *, timing: str | None = None,
          family: str = DEFAULT_FAMILY) -> dict[str, Any]:
    """All costs of many designs as arrays: ``memory`` (bytes), ``mapping`` (the
    :class:`ChipMapping`), ``fits`` (mapping and limits), ``train``/``infer`` (J by component, with
    ``total``), ``latency_train``/``latency_infer`` (wall s) and ``busy_train``/``busy_infer``
    (afap s). ``timing``: ``afap`` or ``realtime`` (default: the profile's ``timing.mode``)."""
    mode = timing or profile.timing.mode
    TIMING_MODES.check(mode, "timing")
    net, mapping = map_designs(profile, d, family)
    nbytes = component_bytes(net)
    energies = event_energies(profile, d)
    p_static = static_power(profile, mapping.cores)
    dense = profile.execution == "dense"
    out: dict[str, Any] = {
        "memory": {"total": sum(nbytes.values()), **nbytes},
        "placement": mapping.placement,
        "mapping": mapping,
        "network": net,
        "fits": mapping.fits & limits_ok(profile, d),
        "static_power": p_static,
        "timing": mode,
    }
    for phase, activity in (("train", train), ("infer", infer)):
        training = phase == "train"
        counts = executed_counts(dense, d, dict(activity), training)
        reads, writes = level_traffic(profile, access_bits(net, counts, training),
                                      mapping.placement)
        messages = spike_messages(net, mapping, counts)
        busy = latency(profile, counts, reads + writes, mapping.cores, messages, mapping.hops)
        seconds = wall_time(mode, busy, counts["timesteps"])
        parts = compute_energy(energies, counts, messages, mapping.hops) \
            | memory_energy(profile, reads, writes)
        parts["static"] = p_static * seconds
        out[phase] = {"total": sum(parts.values()), **parts}
        out[f"latency_{phase}"] = seconds
        out[f"busy_{phase}"] = busy
    return out


def estimate(design: SNNDesign, profile: DeviceProfile, train: Activity, infer: Activity, *,
             timing: str | None = None, family: str = DEFAULT_FAMILY) -> CostReport:
    """Price one design on ``profile`` for one training and one inference sample."""
    d = DesignArrays.from_designs([design])
    priced = price(profile, d, _column(train), _column(infer), timing=timing, family=family)
    mapping: ChipMapping = priced["mapping"]
    net: Network = priced["network"]
    names = [lvl.name for lvl in profile.memory]
    placement = {c: (names[int(v[0])] if v[0] >= 0 else None)
                 for c, v in mapping.placement.items()}
    source = train.source if train.source == infer.source else "mixed"
    problems = [p for p in [fit_reason(profile, net, mapping, 0)] if p]
    problems += _limit_problems(design, profile)
    levels = {lvl.name: {"used_bytes": int(mapping.used[j, 0]),
                         "capacity_bytes": int(lvl.capacity.value) if lvl.capacity else None}
              for j, lvl in enumerate(profile.memory)}
    steps = {"train": train.timesteps, "infer": infer.timesteps}
    return CostReport(
        profile=profile.id,
        activity_source=source,
        memory_bytes={k: int(v[0]) for k, v in priced["memory"].items()},
        placement=placement,
        energy_train_j={k: float(v[0]) for k, v in priced["train"].items()},
        energy_infer_j={k: float(v[0]) for k, v in priced["infer"].items()},
        latency_s=float(priced["latency_infer"][0]),
        latency_train_s=float(priced["latency_train"][0]),
        fits=not problems,
        fit_reason="; ".join(problems) if problems else None,
        memory_levels=levels,
        mapping={
            "cores": int(mapping.cores[0]),
            "core_limit": None if np.isinf(mapping.core_limit) else int(mapping.core_limit),
            "hops_per_spike": float(mapping.hops[0]),
            "messages_per_spike": {k: float(v[0]) for k, v in mapping.messages.items()},
            "static_power_w": float(priced["static_power"][0]),
            "family": net.family,
        },
        timing={
            "mode": priced["timing"],
            "busy_s": {"train": float(priced["busy_train"][0]),
                       "infer": float(priced["busy_infer"][0])},
            "wall_s": {"train": float(priced["latency_train"][0]),
                       "infer": float(priced["latency_infer"][0])},
            "sample_period_s": {k: float(v) * DT_S for k, v in steps.items()},
        },
        figures=_figures(profile, design, {k: v for k, v in placement.items() if v}),
    )


def estimate_many(designs: pd.DataFrame | Mapping[str, Any], profile: DeviceProfile, *,
                  mean_intensity: float, max_rate_hz: float, timing: str | None = None,
                  family: str = DEFAULT_FAMILY) -> pd.DataFrame:
    """Price many designs at once with estimated activity (the pre-screen).

    ``designs`` has columns ``inputs``, ``neurons``, ``inhibition``, ``weight_bits`` and
    optionally ``state_bits`` (16), ``timesteps`` (350), ``rule`` (baseline). Returns one row
    per design: ``memory_total`` and ``memory_<component>`` (bytes), ``placement_<component>``
    (level name, categorical; missing when placed nowhere), ``fits`` (bool), ``cores``,
    ``hops_per_spike``, ``used_<level>`` (bytes), ``energy_train_total``/``energy_infer_total``
    and per-component columns (J), ``latency_s`` (inference) and ``latency_train_s`` (s).
    """
    d = DesignArrays.from_columns(designs)
    priced = price(profile, d,
                   *(estimate_counts(d, mean_intensity=mean_intensity, max_rate_hz=max_rate_hz,
                                     training=training) for training in (True, False)),
                   timing=timing, family=family)
    mapping: ChipMapping = priced["mapping"]
    names = [lvl.name for lvl in profile.memory]
    columns: dict[str, Any] = {f"memory_{k}": v for k, v in priced["memory"].items()}
    columns |= {f"placement_{k}": pd.Categorical.from_codes(v, categories=names)
                for k, v in priced["placement"].items()}
    columns["fits"] = priced["fits"]
    columns["cores"] = mapping.cores
    columns["hops_per_spike"] = mapping.hops
    columns |= {f"used_{name}": mapping.used[j] for j, name in enumerate(names)}
    for mode in ("train", "infer"):
        columns |= {f"energy_{mode}_{k}": v for k, v in priced[mode].items()}
    columns["latency_s"] = priced["latency_infer"]
    columns["latency_train_s"] = priced["latency_train"]
    index = designs.index if isinstance(designs, pd.DataFrame) else None
    return pd.DataFrame(columns, index=index)


def check_limits(design: Any, profile: DeviceProfile,
                 family: str = DEFAULT_FAMILY) -> list[str]:
    """Reasons ``design`` cannot run on ``profile`` (empty when it fits), each starting with
    "does not fit". Every family goes through the mapper (memory levels, cores, fan-in): an
    ``SNNDesign`` as its family's network, a ``LayeredDesign`` (priced by
    ``costmodels._layered``) as :func:`~costmodels._layered.layered_network`. Both:
    supported precision, ``max_neurons``."""
    problems = []
    if isinstance(design, SNNDesign):
        net, mapping = map_designs(profile, DesignArrays.from_designs([design]), family)
        reason = fit_reason(profile, net, mapping, 0)
    else:
        reason = place_layered(profile, design).fit_reason
    problems += [reason] if reason else []
    return problems + _limit_problems(design, profile)


def _limit_problems(design: Any, profile: DeviceProfile) -> list[str]:
    limits, problems = profile.limits, []
    if limits.weight_bits and not limits.weight_bits[0] <= design.weight_bits <= limits.weight_bits[1]:
        low, high = limits.weight_bits
        problems.append(f"does not fit: weight_bits {design.weight_bits} outside the supported "
                        f"{low}..{high}")
    total = design.neurons + design.inhibitory_neurons
    if limits.max_neurons is not None and total > limits.max_neurons:
        problems.append(f"does not fit: {total} neurons exceed the device's {limits.max_neurons}")
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

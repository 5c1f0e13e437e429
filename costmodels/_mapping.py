"""The mapper: memory components packed into the profile's levels, populations split over
cores, routing distance, and whether the design fits (docs/cost-model.md, "Mapping").

Packing rule: components go innermost first in order of *access density* (bits moved per
bit stored when every synapse and neuron is touched every timestep, training and inference
together: an activity-independent ordering, so the estimate and the measured pricing of a
design see the same placement), each into the innermost level with enough free capacity
that accepts it; capacity is shared. A ``read_only`` level accepts only components nothing
writes at run time. A component no bounded level can take, with no unbounded level behind,
makes the design not fit.

Cores (profiles with ``cores``): each simulated population gets its own cores,
``cores_p = max(ceil(n_p / neurons), ceil(synapse bytes into p / synapse_memory))``; a
population whose fan-in exceeds ``fan_in`` per core, or more cores than ``count``, does not
fit. Routing: a spike of population p is one message to every core holding a target of p;
a message travels the mean Manhattan distance between routers of the used block
(``ceil(cores / per_router)`` routers in a near-square ``a x b`` block:
``(a^2 - 1) / 3a + (b^2 - 1) / 3b`` hops).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from costmodels._network import MemoryComponent, Network
from hwprofiles import DeviceProfile, format_si


@dataclass(frozen=True)
class ChipMapping:
    """The mapping of many designs (arrays with one element per design).

    ``placement``: component -> level index (-1: placed nowhere); ``used``: bytes per level,
    shape (levels, designs); ``capacity``: bytes per level (inf when unbounded); ``cores``:
    cores used; ``core_limit``: cores the device has (inf without ``cores``); ``hops``: mean
    mesh hops per spike message; ``messages``: population -> messages per spike;
    ``fan_in_over``: population -> fan-in above the per-core limit (0 when within);
    ``fits``: bool; ``unplaced``: index of the first component that could not be placed (-1).
    """

    placement: dict[str, np.ndarray]
    used: np.ndarray
    capacity: np.ndarray
    cores: np.ndarray
    core_limit: float
    hops: np.ndarray
    messages: dict[str, np.ndarray]
    fan_in_over: dict[str, np.ndarray]
    fits: np.ndarray
    unplaced: np.ndarray


def writes_at_run_time(written: str) -> bool:
    """True when a component written ``written`` needs a writable level."""
    return written != "never"


def pack(profile: DeviceProfile, comps: Sequence[MemoryComponent], size: int,
         density: dict[str, np.ndarray]
         ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Pack ``size`` designs' components (module doc): (placement, used bytes (levels,
    designs), capacity (levels,), first unplaced component index, -1 when all placed)."""
    levels = profile.memory
    capacity = np.array([lvl.capacity.value if lvl.capacity else np.inf for lvl in levels])
    allowed = np.array([[not (lvl.read_only and writes_at_run_time(c.written)) for c in comps]
                        for lvl in levels])  # (levels, components)
    nbytes = np.stack([c.nbytes for c in comps])  # (components, designs)
    dens = np.stack([density[c.name] for c in comps])
    order = np.argsort(-dens, axis=0, kind="stable")
    free = np.repeat(capacity[:, None], size, axis=1)
    placement = np.full((len(comps), size), -1)
    unplaced = np.full(size, -1)
    columns = np.arange(size)
    for rank in range(len(comps)):
        c = order[rank]
        need = nbytes[c, columns]
        ok = (free >= need) & allowed[:, c]
        has = ok.any(axis=0)
        first = np.argmax(ok, axis=0)
        placement[c, columns] = np.where(has, first, -1)
        free[first, columns] -= np.where(has, need, 0.0)
        unplaced = np.where((unplaced < 0) & ~has, c, unplaced)
    used = np.stack([np.where(placement == j, nbytes, 0.0).sum(axis=0)
                     for j in range(len(levels))])
    return {c.name: placement[i] for i, c in enumerate(comps)}, used, capacity, unplaced


def _mesh_hops(routers: np.ndarray) -> np.ndarray:
    """Mean Manhattan distance between two routers drawn uniformly from a near-square block."""
    a = np.ceil(np.sqrt(np.maximum(routers, 1.0)))
    b = np.ceil(np.maximum(routers, 1.0) / a)
    return (a * a - 1) / (3 * a) + (b * b - 1) / (3 * b)


def map_network(profile: DeviceProfile, net: Network, density: dict[str, np.ndarray]) -> ChipMapping:
    """Place ``net`` on ``profile`` (module doc); ``density`` orders the packing."""
    placement, used, capacity, unplaced = pack(profile, net.components, net.size, density)
    size = net.size
    zero = np.zeros(size)
    cores_spec = profile.cores
    per_pop: dict[str, np.ndarray] = {}
    fan_over: dict[str, np.ndarray] = {}
    for pop in net.populations:
        if not pop.simulated:
            continue
        into = [p for p in net.projections if p.post == pop.name]
        syn_bytes = sum((np.ceil(p.stored_bits / 8.0) for p in into), zero)
        fan_in = sum((p.fan_in for p in into), zero)
        active = pop.neurons > 0
        need = np.where(active, 1.0, 0.0)
        over = zero
        if cores_spec is not None:
            if cores_spec.neurons is not None:
                need = np.maximum(need, np.ceil(pop.neurons / cores_spec.neurons.value))
            if cores_spec.synapse_memory is not None:
                need = np.maximum(need, np.ceil(syn_bytes / cores_spec.synapse_memory.value))
            if cores_spec.fan_in is not None:
                over = np.where(active, np.maximum(fan_in - cores_spec.fan_in.value, 0.0), 0.0)
        per_pop[pop.name] = np.where(active, need, 0.0)
        fan_over[pop.name] = over
    if cores_spec is None:
        cores = np.ones(size)  # one processing element (its parallel units share the work)
        limit = np.inf
        hop_figure = profile.events.hops_per_spike
        hops = np.full(size, hop_figure.value if hop_figure else 0.0)
        messages = {p.name: np.ones(size) for p in net.populations if p.spikes}
    else:
        cores = np.maximum(sum(per_pop.values(), zero), 1.0)
        limit = cores_spec.count.value
        per_router = cores_spec.per_router.value if cores_spec.per_router else 1.0
        hops = _mesh_hops(np.ceil(cores / per_router))
        messages = {}
        for pop in net.populations:
            if pop.spikes:
                targets = {p.post for p in net.projections if p.pre == pop.name}
                dest = sum((np.where(_stores(net, pop.name, t), per_pop.get(t, zero), 0.0)
                            for t in targets), zero)
                messages[pop.name] = np.maximum(dest, 1.0)
    fits = (unplaced < 0) & (cores <= limit)
    for over in fan_over.values():
        fits &= over <= 0
    return ChipMapping(placement, used, capacity, cores, limit, hops, messages, fan_over, fits,
                   unplaced)


def _stores(net: Network, pre: str, post: str) -> np.ndarray:
    """True where some projection pre -> post has synapses (fan-out) in a design."""
    out = np.zeros(net.size, bool)
    for p in net.projections:
        if p.pre == pre and p.post == post:
            out |= p.fan_out > 0
    return out


def static_power(profile: DeviceProfile, cores: np.ndarray) -> np.ndarray:
    """Static power (W): ``static.power`` + memory leakage + powered cores x
    ``cores.static_power``, powered = used + ``unused_power`` x (count - used)."""
    leakage = sum((lvl.leakage.value for lvl in profile.memory if lvl.leakage), 0.0)
    base = profile.static.power.value + leakage
    spec = profile.cores
    if spec is None or spec.static_power is None:
        return np.full(cores.shape, base)
    unused = spec.unused_power.value if spec.unused_power else 1.0
    powered = cores + unused * np.maximum(spec.count.value - cores, 0.0)
    return base + spec.static_power.value * powered


def fit_reason(profile: DeviceProfile, net: Network, m: ChipMapping, i: int) -> str | None:
    """Why design ``i`` does not fit (mentions "does not fit" and the level or cores), or None."""
    if m.fits[i]:
        return None
    reasons = []
    if m.unplaced[i] >= 0:
        comp = net.components[int(m.unplaced[i])]
        reasons.append(unplaced_reason(profile, comp, float(comp.nbytes[i]), m.capacity,
                                       m.used[:, i]))
    if m.cores[i] > m.core_limit:
        reasons.append(f"does not fit: needs {int(m.cores[i])} cores, the device has "
                       f"{int(m.core_limit)} (neurons and synapse memory per core)")
    for pop, over in m.fan_in_over.items():
        if over[i] > 0:
            limit = profile.cores.fan_in.value if profile.cores and profile.cores.fan_in else 0
            reasons.append(f"does not fit: fan-in of population {pop} is "
                           f"{int(limit + over[i])} axons, above {int(limit)} per core")
    return "; ".join(reasons)


def unplaced_reason(profile: DeviceProfile, comp: MemoryComponent, need: float,
                    capacity: np.ndarray, used: np.ndarray) -> str:
    """Why ``comp`` (``need`` bytes) fits in no level: each level's free bytes (``capacity``
    minus ``used``, per level) or that it is read-only while ``comp`` is written."""
    parts = []
    for j, lvl in enumerate(profile.memory):
        if lvl.read_only and writes_at_run_time(comp.written):
            parts.append(f"{lvl.name} is read-only at run time and {comp.name} is written "
                         f"{'during training' if comp.written == 'training' else 'every step'}")
        else:
            parts.append(f"{lvl.name} has {format_si(capacity[j] - used[j], 'B')} free of "
                         f"{format_si(capacity[j], 'B')}")
    return (f"does not fit: {comp.name} ({format_si(need, 'B')}) fits in no memory level "
            f"({'; '.join(parts)})")

"""A small NumPy interpreter of the NIR graphs ``sim.to_nir`` writes (Input, Linear, LIF,
Output), with the discrete-time semantics docs/export.md states: step ``dt`` from the graph
metadata, exact exponential leak, spikes of a LIF population reach their targets one step later
while input spikes act in their own step, ``refractory_steps`` from each LIF's metadata."""

from __future__ import annotations

import numpy as np


def run_graph(graph, input_spikes: np.ndarray) -> np.ndarray:
    """Spike counts of the output node for ``input_spikes`` (steps, inputs), spikes per step."""
    import nir

    dt = float(graph.metadata["dt"])
    nodes, edges = graph.nodes, graph.edges
    sources = {name: [src for src, dst in edges if dst == name] for name in nodes}
    lifs = [name for name, node in nodes.items() if isinstance(node, nir.LIF)]
    (inp,) = [name for name, node in nodes.items() if isinstance(node, nir.Input)]
    (out,) = [name for name, node in nodes.items() if isinstance(node, nir.Output)]
    v = {name: np.array(nodes[name].v_leak, dtype=np.float64) for name in lifs}
    refr = {name: np.zeros(v[name].shape, dtype=np.int64) for name in lifs}
    spikes = {name: np.zeros(v[name].shape) for name in lifs}
    (last,) = sources[out]
    counts = np.zeros(v[last].shape, dtype=np.int64)
    for step in input_spikes:
        previous = dict(spikes)
        for name in lifs:
            node = nodes[name]
            current = np.zeros(v[name].shape)
            for linear in sources[name]:
                (src,) = sources[linear]
                signal = step if src == inp else previous[src]
                current = current + np.asarray(nodes[linear].weight, dtype=np.float64) @ signal
            tau, r = np.asarray(node.tau), np.asarray(node.r)
            v[name] = node.v_leak + (v[name] - node.v_leak) * np.exp(-dt / tau)
            free = refr[name] <= 0
            v[name] = np.where(free, v[name] + r / tau * current, v[name])
            fired = free & (v[name] >= node.v_threshold)
            refr[name] = np.where(free, refr[name], refr[name] - 1)
            v[name] = np.where(fired, node.v_reset, v[name])
            refr[name] = np.where(fired, int(node.metadata["refractory_steps"]), refr[name])
            spikes[name] = fired.astype(np.float64)
        counts += spikes[last].astype(np.int64)
    return counts

"""Helpers to drive the presentation kernel directly with hand-made input spikes."""

from __future__ import annotations

import numpy as np

from sim._learning import ROUNDING_CODES, StdpParams, weight_scale
from sim._network import COUNTER_NAMES, present


def events(spikes: dict[int, list[int]], steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``{step: [input, ...]}`` -> the kernel's ``(inputs, ptr)``."""
    inputs = np.array([i for t in range(steps) for i in spikes.get(t, [])], np.int32)
    ptr = np.zeros(steps + 1, np.int64)
    ptr[1:] = np.cumsum([len(spikes.get(t, [])) for t in range(steps)])
    return inputs, ptr


def run_kernel(
    w: np.ndarray, spikes: dict[int, list[int]], steps: int, *, learn: bool = False,
    theta: np.ndarray | None = None, population: bool = False, inhibition: float = 120.0,
    winner_only: bool = False, pot: tuple[float, float] = (0.0, 1.0), bits: int = 32,
    rounding: str = "nearest", stdp: StdpParams | None = None,
) -> dict[str, object]:
    """Run one presentation; returns counts, final w/theta, winner and the counters dict."""
    stdp = stdp or StdpParams()
    n = w.shape[1]
    theta = np.zeros(n) if theta is None else theta
    counts = np.zeros(n, np.int32)
    active = np.zeros(n, np.int32)
    counters = np.zeros(len(COUNTER_NAMES), np.int64)
    inputs, ptr = events(spikes, steps)
    w_top = 1.0 if bits == 32 else 1.0 - 2.0**-bits
    _, winner = present(
        w, theta, inputs, ptr, population, inhibition, learn, stdp.eta_pre,
        np.full(n, stdp.eta_post), stdp.pre_trace_table(steps), stdp.post_decay, winner_only,
        pot[0], pot[1], weight_scale(bits), w_top, ROUNDING_CODES[rounding], counts, active,
        counters,
    )
    return {
        "counts": counts, "w": w, "theta": theta, "winner": winner,
        "counters": dict(zip(COUNTER_NAMES, counters.tolist(), strict=True)),
    }

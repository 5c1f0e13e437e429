"""Event-driven Poisson rate coding.

A pixel of intensity ``x`` in [0, 1] fires as a Poisson process of rate ``x * max_rate_hz``
(times the intensity boost, see ``boost_factor``). Instead of a dense timesteps x inputs
Bernoulli array, each sample draws one Poisson spike count per pixel over the whole
presentation and a uniform 1 ms step for each spike, then sorts the spikes by step: about
2 300 random draws for an MNIST digit instead of 274 400. Two spikes of one input may fall in
the same step; both are delivered.
"""

from __future__ import annotations

import numpy as np

#: Each re-presentation of a sample that drove fewer than ``MIN_SPIKES`` excitatory spikes
#: raises the rate by half the base rate (Diehl & Cook: intensity 2 -> 3 -> 4 ...).
BOOST_STEP = 0.5
#: The Diehl & Cook re-presentation rule: fewer output spikes than this means "boost".
MIN_SPIKES = 5
#: Presentations per sample at most (the first plus this many minus one boosts).
MAX_PRESENTATIONS = 5


def boost_factor(presentation: int) -> float:
    """Rate multiplier of the ``presentation``-th showing of a sample (0 = first, 1.0)."""
    return 1.0 + BOOST_STEP * presentation


def poisson_events(
    x: np.ndarray, timesteps: int, max_rate_hz: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Input spikes of one sample, sorted by step.

    Args:
        x: pixel intensities in [0, 1], shape (inputs,).
        timesteps: presentation length in 1 ms steps.
        max_rate_hz: rate of a pixel of intensity 1, boost included.
        rng: the run's generator.

    Returns:
        ``(inputs, ptr)``: ``inputs`` (int32) lists the spiking input of every spike in step
        order; the spikes of step ``t`` are ``inputs[ptr[t]:ptr[t + 1]]`` (``ptr`` int64,
        length ``timesteps + 1``).
    """
    expected = x.astype(np.float64) * (max_rate_hz * timesteps * 1e-3)
    counts = rng.poisson(expected)
    sources = np.repeat(np.arange(x.shape[0], dtype=np.int32), counts)
    steps = rng.integers(0, timesteps, size=sources.shape[0])
    order = np.argsort(steps, kind="stable")
    ptr = np.zeros(timesteps + 1, dtype=np.int64)
    np.cumsum(np.bincount(steps, minlength=timesteps), out=ptr[1:])
    return sources[order], ptr

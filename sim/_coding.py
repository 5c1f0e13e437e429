"""Input codings of the layered families: per-step input arrays ``(T', B, n)``.

- ``rate``: Bernoulli spikes, one draw per pixel and step with probability = intensity
  (snnTorch ``spikegen.rate``); ``T' = T``.
- ``direct``: the analog intensity is the first layer's input current at every step (an
  analog first layer); returned once with ``T' = 1`` and broadcast over the T steps, so the
  first layer's ``W x`` is computed (and priced) once per sample.
"""

from __future__ import annotations

import numpy as np

from snn_dse.domains import CODINGS


def encode(x: np.ndarray, coding: str, timesteps: int, rng: np.random.Generator) -> np.ndarray:
    """Code a batch ``x`` (B, n) in [0, 1] as float32 ``(T', B, n)`` (see the module docstring)."""
    if coding == "rate":
        draws = rng.random((timesteps, *x.shape), dtype=np.float32)
        return (draws < x[None].astype(np.float32)).astype(np.float32)
    if coding == "direct":
        return np.ascontiguousarray(x[None], dtype=np.float32)
    raise ValueError(f"unknown coding {coding!r}; choose one of: {', '.join(CODINGS)}")

"""Spike nonlinearity and its surrogate gradient (fast sigmoid, Zenke & Ganguli 2018).

Forward: ``s = H(v - threshold)`` (1.0 where the membrane reaches threshold).
Backward: ``ds/dv = 1 / (1 + slope * |v - threshold|)^2``, the snnTorch ``fast_sigmoid``
(slope 25 in the snnTorch anchor of ../shared/reference/spike-economy.md).
"""

from __future__ import annotations

import numpy as np

#: Default steepness of the fast-sigmoid surrogate (snnTorch default, 1/mV-free units).
DEFAULT_SLOPE = 25.0


def heaviside(v: np.ndarray, threshold: float) -> np.ndarray:
    """Spikes (float32 0/1) where ``v >= threshold``."""
    return (v >= threshold).astype(np.float32)


def fast_sigmoid_grad(v: np.ndarray, threshold: float, slope: float = DEFAULT_SLOPE) -> np.ndarray:
    """Surrogate derivative ``1 / (1 + slope |v - threshold|)^2`` (float32, same shape as ``v``)."""
    x = np.abs(v - np.float32(threshold))
    x *= np.float32(slope)
    x += np.float32(1.0)
    np.square(x, out=x)
    return np.reciprocal(x, out=x)

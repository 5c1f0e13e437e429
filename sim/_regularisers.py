"""Activity regularisers: penalties on a layer's per-sample activity vector and their gradients.

The activity ``a`` of one layer for one sample is its spike rate, the spike count over the T
steps divided by T (spiking families), or its post-ReLU activation (``ann``, hence
``converted``). For a batch ``A`` (B, n) the penalty is the batch mean of ``R(a_b) / n``: per
neuron, so that a layer's term is its mean activity (``l1``) whatever its width, and one
dimensionless strength puts the same pressure on a layer of any width, at any T, at any depth.
The total loss is ``CE + strength * sum_l R_l / n_l``.

- ``l1``: ``R = sum_i |a_i|`` (counts and ReLU outputs are >= 0, so the sum of activity).
- ``l2``: ``R = sum_i a_i^2``.
- ``hoyer``: Hoyer-square, ``R = (sum_i |a_i|)^2 / sum_i a_i^2`` (Yang, Wen & Li 2020,
  "DeepHoyer"); scale invariant, it rewards concentrating activity on few neurons, not less
  of it. ``R = 0`` for an all-zero vector.

The comparison of activity regularisers of Narduzzi et al. (arXiv 2204.01460) sparsifies
activation maps with such terms; its exact list was not retrieved
(../shared/reference/spike-economy.md), so these three are the standard forms.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from snn_dse.domains import ACTIVITY_REGULARISERS as REGULARISERS

_EPS = 1e-12


def _l1(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.abs(a).sum(axis=1), np.sign(a)


def _l2(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.square(a).sum(axis=1), 2 * a


def _hoyer(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s1 = np.abs(a).sum(axis=1, keepdims=True)
    s2 = np.square(a).sum(axis=1, keepdims=True) + _EPS
    value = (s1 * s1 / s2)[:, 0]
    grad = 2 * s1 * np.sign(a) / s2 - 2 * s1 * s1 * a / (s2 * s2)
    return value, grad


_PENALTIES: dict[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "l1": _l1, "l2": _l2, "hoyer": _hoyer,
}


def penalty(name: str, activity: np.ndarray, unit: float = 1.0) -> tuple[float, np.ndarray]:
    """Per-neuron batch-mean penalty ``mean_b R(a_b) / n`` of ``a = activity / unit`` (``activity``
    (B, n); ``unit`` = T turns spike counts into rates) and its gradient with respect to
    ``activity`` (B, n, same dtype).

    ``none`` gives 0 and a zero gradient.
    """
    if name == "none":
        return 0.0, np.zeros_like(activity)
    try:
        fn = _PENALTIES[name]
    except KeyError:
        raise ValueError(f"unknown activity regulariser {name!r}; choose one of: "
                         f"{', '.join(REGULARISERS)}") from None
    batch, n = activity.shape
    values, grad = fn(activity / unit)
    return float(values.mean()) / n, (grad / (batch * n * unit)).astype(activity.dtype)

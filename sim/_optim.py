"""Adam (Kingma & Ba 2015) over a list of float32 parameter arrays, updated in place."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Adam:
    """Adam with bias correction; ``step(grads)`` updates ``params`` in place.

    Defaults are PyTorch's (lr 1e-3, betas 0.9/0.999, eps 1e-8).
    """

    def __init__(self, params: Sequence[np.ndarray], lr: float = 1e-3, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.params = list(params)
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, grads: Sequence[np.ndarray]) -> None:
        """One update with ``grads`` (same shapes and order as ``params``)."""
        self.t += 1
        b1, b2 = np.float32(self.beta1), np.float32(self.beta2)
        step = np.float32(self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t))
        eps = np.float32(self.eps * np.sqrt(1 - self.beta2**self.t))
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * np.square(g)
            p -= step * m / (np.sqrt(v) + eps)

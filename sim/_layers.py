"""Building blocks of the layered families: dense projections and leaky integrate-and-fire
dynamics, each with a hand-written backward pass (vectorised over batch and time, float32).

Shapes: an input or activity over time is ``(T', B, n)``; ``T' = 1`` stands for a value that is
the same at every step (direct coding), broadcast over the T steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim._surrogate import DEFAULT_SLOPE, fast_sigmoid_grad, heaviside


@dataclass
class Dense:
    """All-to-all projection ``I = x W + b``; ``w`` (n_in, n_out), ``b`` (n_out,), float32.

    Initialised as PyTorch ``nn.Linear``: U(-1/sqrt(n_in), 1/sqrt(n_in)) for both.
    """

    w: np.ndarray
    b: np.ndarray
    _x: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def create(cls, n_in: int, n_out: int, rng: np.random.Generator) -> Dense:
        bound = 1.0 / np.sqrt(n_in)
        return cls(rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32),
                   rng.uniform(-bound, bound, n_out).astype(np.float32))

    @property
    def shape(self) -> tuple[int, int]:
        return self.w.shape

    def params(self) -> list[np.ndarray]:
        return [self.w, self.b]

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Input current ``(T', B, n_out)`` of input ``x`` ``(T', B, n_in)``; caches ``x``."""
        self._x = x
        t, b, n = x.shape
        return (x.reshape(t * b, n) @ self.w + self.b).reshape(t, b, -1)

    def backward(self, delta: np.ndarray, input_grad: bool) -> tuple[list[np.ndarray], np.ndarray | None]:
        """Gradients ``[dw, db]`` from ``delta = dL/dI`` ``(T, B, n_out)``, and ``dL/dx`` if asked."""
        x = self._x
        assert x is not None, "forward before backward"
        if x.shape[0] == 1 and delta.shape[0] != 1:  # static input: sum the steps first
            delta = delta.sum(axis=0, keepdims=True)
        t, b, n = delta.shape
        d2 = delta.reshape(t * b, n)
        gw = x.reshape(t * b, -1).T @ d2
        gb = d2.sum(axis=0)
        gx = (d2 @ self.w.T).reshape(t, b, -1) if input_grad else None
        return [gw, gb], gx


@dataclass(frozen=True)
class LIF:
    """Leaky integrate-and-fire dynamics with subtractive reset (snnTorch ``Leaky``).

    ``v_t = beta v_{t-1} + I_t - threshold s_{t-1}``, ``s_t = H(v_t - threshold)``, ``v_0 = v_init``.
    The reset term is detached from the graph (snnTorch's default). ``beta = 1`` gives the
    integrate-and-fire neuron of ANN-to-SNN conversion.

    ``relaxed=True`` emits the smooth relaxation ``s_t = f(v_t - threshold)``,
    ``f(x) = x / (1 + slope |x|)`` (the reset still uses the Heaviside spike): ``backward`` is the
    exact gradient of that network, which is how the gradient checks compare it with finite
    differences. Training and inference use ``relaxed=False``.
    """

    beta: float = 0.9
    threshold: float = 1.0
    slope: float = DEFAULT_SLOPE
    v_init: float = 0.0
    relaxed: bool = False

    def forward(self, current: np.ndarray, timesteps: int) -> tuple[np.ndarray, np.ndarray]:
        """Membrane ``v`` and spikes ``s``, both ``(T, B, n)`` float32, for ``current`` ``(T'|T, B, n)``."""
        _, b, n = current.shape
        v = np.empty((timesteps, b, n), np.float32)
        s = np.empty((timesteps, b, n), np.float32)
        beta, thr = np.float32(self.beta), np.float32(self.threshold)
        mem = np.full((b, n), self.v_init, np.float32)
        spk = np.zeros((b, n), np.float32)
        static = current.shape[0] == 1
        for t in range(timesteps):
            mem *= beta
            mem += current[0 if static else t]
            mem -= thr * spk
            v[t] = mem
            spk = heaviside(mem, self.threshold)
            if self.relaxed:
                x = mem - thr
                s[t] = x / (1 + np.float32(self.slope) * np.abs(x))
            else:
                s[t] = spk
        return v, s

    def backward(self, grad_s: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``dL/dI`` ``(T, B, n)`` from ``dL/ds`` and the stored membrane ``v``."""
        sg = fast_sigmoid_grad(v, self.threshold, self.slope)
        delta = np.empty_like(grad_s)
        carry = np.zeros(grad_s.shape[1:], np.float32)
        beta = np.float32(self.beta)
        for t in range(grad_s.shape[0] - 1, -1, -1):
            carry *= beta
            carry += grad_s[t] * sg[t]
            delta[t] = carry
        return delta

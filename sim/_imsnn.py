"""ISI-modulated synapses (IMSNN; Adams et al., arXiv 2408.02961) and the selective gradient rule.

Synapse ``i -> j`` carries ``theta_ij(t) = w_ij G_ij(phi_i(t))`` with the Gaussian
``G_ij(phi) = exp(-(phi - mu_ij)^2 / (2 sigma_ij^2))``; only ``w`` (and the post-neuron bias)
is learned, ``mu`` and ``sigma`` are fixed per synapse at initialisation (``mu ~ U[1, T]``,
``sigma ~ U[T/8, T/4]``, our reconstruction: ../shared/reference/spike-economy.md section 4).
``phi_i`` counts the steps since presynaptic neuron ``i`` last spiked and is updated before
the synapse is read, so a spike sees the interval that just ended:
``phi(t) = 1 + phi(t-1) (1 - s(t-1))`` with ``phi(0) = 1``; at T steps ``phi`` is in [1, T].
The input current is ``I_j(t) = sum_i s_i(t) theta_ij(t) + b_j``.

**Selective gradient rule.** When the presynaptic neurons are trainable (hidden layers), the
loss reaches their spikes both through ``theta`` (the ordinary path) and through their ISI
``phi``. ``g = dL/dphi_i(t)`` (including what flows back through the ``phi`` recursion) is
kept only where ``g < 0``: a descent step then *lengthens* the interval; where ``g >= 0`` (a
step would shorten it, i.e. add spikes) the ISI path is cut. The kept part enters the
presynaptic neuron's surrogate through ``dphi(t)/ds(t-1) = -phi(t-1)``. With
``selective=False`` the layer is plain BPTT through the same synapse. ``blocked_fraction``
reports the share of ISI-path gradients the rule cut in the last backward pass.

Cost: forward and weight gradient touch one row of ``n_out`` per presynaptic spike, via
per-interval tables ``W * G_k`` (k = 1..T), so the work grows with spikes, not with synapses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

#: ``phi`` of a neuron that has not spiked yet in the presentation (steps).
PHI_INIT = 1.0
#: Largest per-interval table (T x n_in x n_out float32) a layer keeps; beyond it (long
#: presentations of wide layers) the Gaussian is evaluated per event instead (slower).
MAX_TABLE_BYTES = 128 * 2**20


@njit(cache=True)
def _forward(s, phi, w, mu, inv2s2, wg, exact, out):  # type: ignore[no-untyped-def]  # pragma: no cover - numba
    steps, batch, n_in = s.shape
    n_out = w.shape[1]
    for t in range(steps):
        for b in range(batch):
            o = out[t, b]
            for i in range(n_in):
                x = s[t, b, i]
                if x == 0.0:
                    continue
                p = phi[t, b, i]
                if exact:
                    for j in range(n_out):
                        d = p - mu[i, j]
                        o[j] += x * w[i, j] * np.exp(-d * d * inv2s2[i, j])
                else:
                    row = wg[int(p) - 1, i]
                    for j in range(n_out):
                        o[j] += x * row[j]


@njit(cache=True)
def _backward(s, phi, delta, w, mu, inv2s2, g_table, exact, input_grad,  # type: ignore[no-untyped-def]
              gw, gs, gphi):  # pragma: no cover - numba
    steps, batch, n_in = s.shape
    n_out = w.shape[1]
    for t in range(steps):
        for b in range(batch):
            d = delta[t, b]
            for i in range(n_in):
                x = s[t, b, i]
                if x == 0.0 and not input_grad:
                    continue
                p = phi[t, b, i]
                k = int(p) - 1
                acc_s = 0.0
                acc_phi = 0.0
                for j in range(n_out):
                    if exact:
                        dd = p - mu[i, j]
                        g = np.exp(-dd * dd * inv2s2[i, j])
                    else:
                        g = g_table[k, i, j]
                    theta = w[i, j] * g
                    if x != 0.0:
                        gw[i, j] += x * d[j] * g
                    if input_grad:
                        acc_s += d[j] * theta
                        acc_phi += d[j] * theta * (-2.0 * (p - mu[i, j]) * inv2s2[i, j])
                if input_grad:
                    gs[t, b, i] = acc_s
                    gphi[t, b, i] = x * acc_phi


def isi_trace(s: np.ndarray) -> np.ndarray:
    """``phi`` ``(T, B, n)`` of presynaptic spikes ``s`` ``(T, B, n)`` (module docstring)."""
    phi = np.empty_like(s)
    phi[0] = PHI_INIT
    for t in range(1, s.shape[0]):
        phi[t] = 1.0 + phi[t - 1] * (1.0 - s[t - 1])
    return phi


@dataclass
class ISISynapse:
    """A projection of ISI-modulated synapses (module docstring); ``w`` (n_in, n_out), ``b`` (n_out,).

    ``exact=True`` evaluates the Gaussian at the actual ``phi`` instead of the per-step tables
    (needed when spikes are relaxed to real values, as the gradient checks do; slower).
    """

    w: np.ndarray
    b: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    timesteps: int
    selective: bool = True
    exact: bool = False
    blocked_fraction: float = 0.0
    _cache: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _g: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def create(cls, n_in: int, n_out: int, timesteps: int, rng: np.random.Generator,
               selective: bool = True, max_table_bytes: int = MAX_TABLE_BYTES) -> ISISynapse:
        """A layer initialised as the module docstring says; ``exact`` when its tables would
        exceed ``max_table_bytes``."""
        bound = 1.0 / np.sqrt(n_in)
        w = rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32)
        b = rng.uniform(-bound, bound, n_out).astype(np.float32)
        mu = rng.uniform(1.0, timesteps, (n_in, n_out)).astype(np.float32)
        sigma = rng.uniform(timesteps / 8, timesteps / 4, (n_in, n_out)).astype(np.float32)
        exact = 4 * timesteps * n_in * n_out > max_table_bytes
        return cls(w, b, mu, sigma, timesteps, selective, exact)

    @property
    def shape(self) -> tuple[int, int]:
        return self.w.shape

    @property
    def inv2s2(self) -> np.ndarray:
        """``1 / (2 sigma^2)`` per synapse."""
        return (0.5 / np.square(self.sigma)).astype(np.float32)

    def params(self) -> list[np.ndarray]:
        return [self.w, self.b]

    def gaussian_table(self) -> np.ndarray:
        """``G_k`` for ``phi = k = 1..T``: (T, n_in, n_out) float32 (fixed: mu and sigma are)."""
        if self._g is None:
            k = np.arange(1, self.timesteps + 1, dtype=np.float32)[:, None, None]
            self._g = np.exp(-np.square(k - self.mu) * self.inv2s2).astype(np.float32)
        return self._g

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Input current ``(T, B, n_out)`` of presynaptic spikes ``x`` ``(T, B, n_in)``."""
        s = np.ascontiguousarray(x, dtype=np.float32)
        phi = isi_trace(s)
        self._cache = (s, phi)
        out = np.zeros((s.shape[0], s.shape[1], self.w.shape[1]), np.float32)
        out += self.b
        wg = self._wg()
        _forward(s, phi, self.w, self.mu, self.inv2s2, wg, self.exact, out)
        return out

    def _wg(self) -> np.ndarray:
        if self.exact:
            return np.zeros((1, 1, 1), np.float32)
        return self.gaussian_table() * self.w

    def backward(self, delta: np.ndarray, input_grad: bool) -> tuple[list[np.ndarray], np.ndarray | None]:
        """``[dw, db]`` from ``delta = dL/dI``, and ``dL/ds_pre`` (with the selective ISI path) if asked."""
        assert self._cache is not None, "forward before backward"
        s, phi = self._cache
        delta = np.ascontiguousarray(delta, dtype=np.float32)
        gw = np.zeros_like(self.w)
        gs = np.zeros_like(s) if input_grad else np.zeros((1, 1, 1), np.float32)
        gphi = np.zeros_like(s) if input_grad else np.zeros((1, 1, 1), np.float32)
        g_table = np.zeros((1, 1, 1), np.float32) if self.exact else self.gaussian_table()
        _backward(s, phi, delta, self.w, self.mu, self.inv2s2, g_table, self.exact,
                  input_grad, gw, gs, gphi)
        gb = delta.sum(axis=(0, 1))
        if not input_grad:
            return [gw, gb], None
        carry = np.zeros(s.shape[1:], np.float32)
        kept = blocked = 0
        for t in range(s.shape[0] - 1, 0, -1):
            g = gphi[t] + carry
            if self.selective:
                nonzero = g != 0
                keep = g < 0
                kept += int(np.count_nonzero(keep))
                blocked += int(np.count_nonzero(nonzero & ~keep))
                g = np.where(keep, g, np.float32(0.0))
            gs[t - 1] -= phi[t - 1] * g
            carry = g * (1.0 - s[t - 1])
        self.blocked_fraction = blocked / max(kept + blocked, 1)
        return [gw, gb], gs

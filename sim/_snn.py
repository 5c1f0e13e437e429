"""Layered spiking network trained by backpropagation through time with a surrogate gradient.

``inputs -> hidden... -> outputs``, every hidden layer LIF (``sim._layers.LIF``). Readouts
(``READOUTS``), the logits of a softmax cross-entropy and the prediction (their argmax):

- ``membrane`` (default): the output layer is a non-spiking leaky integrator,
  ``v_t = beta v_{t-1} + I_t``, and the logits are its mean membrane potential over the T steps
  (the output layer of the IMSNN paper as its student report describes it). Every output
  neuron gets a gradient at every step, so none can fall silent for good, and there are no
  ties.
- ``count``: the output layer is LIF too and its spike counts are the logits (snnTorch
  ``ce_count_loss``, the anchor of ../shared/reference/spike-economy.md; ties go to the lowest
  index, as ``torch.max``). Its failure mode: an output neuron far below threshold gets almost
  no surrogate gradient (``1/(1 + 25|v - 1|)^2``), stays silent, and its class is never
  predicted (in snnTorch as here; docs/spike-economy.md).

Activity regularisers act on each hidden layer's per-sample spike rates (``sim._regularisers``).

The projections are pluggable: ``Dense`` (family ``surrogate``) or ``ISISynapse`` (``imsnn``);
a projection's ``backward`` returns its parameter gradients and ``dL/d(input spikes)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from sim._layers import LIF
from sim._regularisers import penalty
from snn_dse.domains import READOUTS


class Projection(Protocol):
    """What a spiking network needs of a projection (see ``sim._layers.Dense``)."""

    @property
    def shape(self) -> tuple[int, int]: ...
    def params(self) -> list[np.ndarray]: ...
    def forward(self, x: np.ndarray) -> np.ndarray: ...
    def backward(self, delta: np.ndarray, input_grad: bool) -> tuple[list[np.ndarray], np.ndarray | None]: ...


def softmax_xent(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``logits`` (B, C) against ``labels`` (B,) and its gradient."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    batch = labels.shape[0]
    loss = float(-np.log(p[np.arange(batch), labels] + 1e-12).mean())
    p[np.arange(batch), labels] -= 1.0
    return loss, (p / batch).astype(np.float32)


@dataclass
class Forward:
    """What one forward pass keeps: per layer the membrane and spikes ``(T, B, n)``."""

    v: list[np.ndarray] = field(default_factory=list)
    s: list[np.ndarray] = field(default_factory=list)

    @property
    def counts(self) -> list[np.ndarray]:
        """Per-sample spike counts ``(B, n)`` of every layer (hidden..., output)."""
        return [s.sum(axis=0) for s in self.s]


@dataclass
class SpikingMLP:
    """A feed-forward spiking network (see the module docstring)."""

    projections: list[Projection]
    neuron: LIF
    timesteps: int
    readout: str = READOUTS[0]  # the first is the default

    def params(self) -> list[np.ndarray]:
        return [p for proj in self.projections for p in proj.params()]

    def forward(self, x: np.ndarray) -> Forward:
        """Run the coded input ``x`` ``(T'|T, B, n_in)``; returns every layer's ``v`` and ``s``
        (a ``membrane`` readout's ``s`` is all zero: it does not spike)."""
        out = Forward()
        last = len(self.projections) - 1
        for k, proj in enumerate(self.projections):
            if k == last and self.readout == "membrane":
                v = _integrate(proj.forward(x), self.timesteps, self.neuron.beta)
                s = np.zeros_like(v)
            else:
                v, s = self.neuron.forward(proj.forward(x), self.timesteps)
            out.v.append(v)
            out.s.append(s)
            x = s
        return out

    def logits(self, fwd: Forward) -> np.ndarray:
        """Per-sample class scores ``(B, C)``: mean output membrane or output spike counts."""
        return fwd.v[-1].mean(axis=0) if self.readout == "membrane" else fwd.s[-1].sum(axis=0)

    def loss_and_grads(
        self, fwd: Forward, labels: np.ndarray, reg: str = "none", strength: float = 0.0,
    ) -> tuple[float, list[np.ndarray]]:
        """Loss ``CE(logits) + strength * sum_hidden R(rates) / n`` and its parameter gradients."""
        loss, g_logits = softmax_xent(self.logits(fwd), labels)
        last = len(self.projections) - 1
        if self.readout == "membrane":  # d(mean_t v_t)/dv_t = 1/T
            g_logits = g_logits / np.float32(self.timesteps)
        grad_s = np.broadcast_to(g_logits, fwd.s[-1].shape)
        grads: list[list[np.ndarray]] = []
        for layer in range(last, -1, -1):
            if layer == last and self.readout == "membrane":
                delta = _integrate_backward(grad_s, self.neuron.beta)
            else:
                delta = self.neuron.backward(grad_s, fwd.v[layer])
            g_params, g_x = self.projections[layer].backward(delta, input_grad=layer > 0)
            grads.append(g_params)
            if layer > 0:
                assert g_x is not None
                if reg != "none" and strength > 0:
                    value, g_reg = penalty(reg, fwd.s[layer - 1].sum(axis=0),
                                           unit=self.timesteps)
                    loss += strength * value
                    g_x = g_x + np.float32(strength) * g_reg[None]
                grad_s = g_x
        return loss, [g for layer_grads in reversed(grads) for g in layer_grads]

    def predict(self, fwd: Forward) -> np.ndarray:
        """Predicted class per sample: the argmax of ``logits`` (lowest index on ties)."""
        return self.logits(fwd).argmax(axis=1)


def _integrate(current: np.ndarray, timesteps: int, beta: float) -> np.ndarray:
    """Membrane ``(T, B, n)`` of non-spiking leaky integrators, ``v_t = beta v_{t-1} + I_t``,
    ``v_0 = 0``, driven by ``current`` ``(T'|T, B, n)``."""
    _, b, n = current.shape
    v = np.empty((timesteps, b, n), np.float32)
    mem = np.zeros((b, n), np.float32)
    static = current.shape[0] == 1
    for t in range(timesteps):
        mem *= np.float32(beta)
        mem += current[0 if static else t]
        v[t] = mem
    return v


def _integrate_backward(grad_v: np.ndarray, beta: float) -> np.ndarray:
    """``dL/dI`` ``(T, B, n)`` of ``_integrate`` from ``dL/dv``."""
    delta = np.empty(grad_v.shape, np.float32)
    carry = np.zeros(grad_v.shape[1:], np.float32)
    for t in range(grad_v.shape[0] - 1, -1, -1):
        carry *= np.float32(beta)
        carry += grad_v[t]
        delta[t] = carry
    return delta

"""Layered spiking network trained by backpropagation through time with a surrogate gradient.

``inputs -> hidden... -> outputs``, every layer LIF (``sim._layers.LIF``). Readout: the output
layer's spike counts over the T steps are the logits of a softmax cross-entropy (snnTorch
``ce_count_loss``, as in the anchor of ../shared/reference/spike-economy.md). The prediction is
the output neuron with the most spikes (ties: lowest index). Activity regularisers act on each
hidden layer's per-sample spike counts.

The projections are pluggable: ``Dense`` (family ``surrogate``) or ``ISISynapse`` (``imsnn``);
a projection's ``backward`` returns its parameter gradients and ``dL/d(input spikes)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from sim._layers import LIF
from sim._regularisers import penalty


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

    def params(self) -> list[np.ndarray]:
        return [p for proj in self.projections for p in proj.params()]

    def forward(self, x: np.ndarray) -> Forward:
        """Run the coded input ``x`` ``(T'|T, B, n_in)``; returns every layer's ``v`` and ``s``."""
        out = Forward()
        for proj in self.projections:
            v, s = self.neuron.forward(proj.forward(x), self.timesteps)
            out.v.append(v)
            out.s.append(s)
            x = s
        return out

    def loss_and_grads(
        self, fwd: Forward, labels: np.ndarray, reg: str = "none", strength: float = 0.0,
    ) -> tuple[float, list[np.ndarray]]:
        """Loss ``CE(output counts) + strength * sum_hidden R(counts)`` and its parameter gradients."""
        loss, g_counts = softmax_xent(fwd.s[-1].sum(axis=0), labels)
        grad_s = np.broadcast_to(g_counts, fwd.s[-1].shape)
        grads: list[list[np.ndarray]] = []
        for layer in range(len(self.projections) - 1, -1, -1):
            delta = self.neuron.backward(grad_s, fwd.v[layer])
            g_params, g_x = self.projections[layer].backward(delta, input_grad=layer > 0)
            grads.append(g_params)
            if layer > 0:
                assert g_x is not None
                if reg != "none" and strength > 0:
                    value, g_reg = penalty(reg, fwd.s[layer - 1].sum(axis=0))
                    loss += strength * value
                    g_x = g_x + np.float32(strength) * g_reg[None]
                grad_s = g_x
        return loss, [g for layer_grads in reversed(grads) for g in layer_grads]

    def predict(self, fwd: Forward) -> np.ndarray:
        """Predicted class per sample: the output neuron with the most spikes."""
        return fwd.s[-1].sum(axis=0).argmax(axis=1)

"""The ANN twin of the layered families: ``inputs -> hidden (ReLU)... -> outputs`` (linear
logits), softmax cross-entropy, backpropagation. Activity regularisers act on each hidden
layer's post-ReLU activations (the route of Narduzzi et al., arXiv 2204.01460)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from sim._layers import Dense
from sim._regularisers import penalty
from sim._snn import softmax_xent


@dataclass
class ReLUMLP:
    """A ReLU multilayer perceptron over ``Dense`` projections (inputs ``(1, B, n)``)."""

    projections: list[Dense]

    @classmethod
    def create(cls, sizes: list[int], rng: np.random.Generator) -> ReLUMLP:
        return cls([Dense.create(a, b, rng) for a, b in itertools.pairwise(sizes)])

    def params(self) -> list[np.ndarray]:
        return [p for proj in self.projections for p in proj.params()]

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        """Activations ``(B, n)`` of every layer for inputs ``x`` (B, n_in): hidden ReLU outputs,
        then the output logits."""
        acts: list[np.ndarray] = []
        h = x[None].astype(np.float32)
        for k, proj in enumerate(self.projections):
            z = proj.forward(h)
            h = z if k == len(self.projections) - 1 else np.maximum(z, 0)
            acts.append(h[0])
        return acts

    def loss_and_grads(self, acts: list[np.ndarray], labels: np.ndarray, reg: str = "none",
                       strength: float = 0.0) -> tuple[float, list[np.ndarray]]:
        """Loss ``CE + strength * sum_hidden R(a) / n`` and its parameter gradients (after ``forward``)."""
        loss, grad = softmax_xent(acts[-1], labels)
        grads: list[list[np.ndarray]] = []
        for layer in range(len(self.projections) - 1, -1, -1):
            g_params, g_x = self.projections[layer].backward(grad[None], input_grad=layer > 0)
            grads.append(g_params)
            if layer > 0:
                assert g_x is not None
                g_a = g_x[0]
                if reg != "none" and strength > 0:
                    value, g_reg = penalty(reg, acts[layer - 1])
                    loss += strength * value
                    g_a = g_a + np.float32(strength) * g_reg
                grad = g_a * (acts[layer - 1] > 0)
        return loss, [g for layer_grads in reversed(grads) for g in layer_grads]

"""ANN-to-SNN conversion: a trained ``ReLUMLP`` becomes a rate-coded integrate-and-fire network.

Data-based normalisation (Diehl et al. 2015; Rueckauer et al. 2017): ``lambda_l`` is the
``percentile`` (99.9 by default) of hidden layer ``l``'s ReLU activations over the training
data (``lambda_0 = 1``: pixels are in [0, 1]); layer ``l`` gets ``W_l lambda_{l-1} / lambda_l``
and ``b_l / lambda_l``, so a hidden neuron's firing rate per step approximates its activation
over ``lambda_l``. Hidden neurons are IF (``beta = 1``, threshold 1, reset by subtraction)
starting at half threshold (``v_0 = 0.5``, which centres the rate quantisation error; Bu et
al. 2022). The output layer does not spike: it integrates ``W_L lambda_{L-1} s + b_L`` over the
T steps and the largest integral is the prediction (T times the ANN's logits in the limit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim._ann import ReLUMLP
from sim._layers import LIF, Dense

#: Percentile of the training activations that sets each layer's scale (Rueckauer 2017).
DEFAULT_PERCENTILE = 99.9
#: Integrate-and-fire neuron of the converted network.
IF_NEURON = LIF(beta=1.0, threshold=1.0, v_init=0.5)


@dataclass
class ConvertedSNN:
    """The converted network: scaled projections, hidden IF layers, integrating readout."""

    projections: list[Dense]
    scales: list[float]
    timesteps: int

    @classmethod
    def convert(cls, ann: ReLUMLP, train_x: np.ndarray, timesteps: int,
                percentile: float = DEFAULT_PERCENTILE, batch: int = 2000) -> ConvertedSNN:
        """Normalise ``ann`` with the activations it produces on ``train_x`` (module docstring)."""
        acts = [ann.forward(train_x[i:i + batch])[:-1] for i in range(0, train_x.shape[0], batch)]
        scales = [1.0]
        for layer in range(len(ann.projections) - 1):
            values = np.concatenate([a[layer].ravel() for a in acts])
            scale = float(np.percentile(values, percentile))
            scales.append(scale if scale > 0 else 1.0)
        projections = []
        for layer, proj in enumerate(ann.projections):
            last = layer == len(ann.projections) - 1
            out_scale = 1.0 if last else scales[layer + 1]
            projections.append(Dense((proj.w * (scales[layer] / out_scale)).astype(np.float32),
                                     (proj.b / out_scale).astype(np.float32)))
        return cls(projections, scales, timesteps)

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """Hidden spikes ``(T, B, n)`` per layer and the output integral ``(B, n_out)`` for the
        coded input ``x`` ``(T'|T, B, n_in)``."""
        spikes: list[np.ndarray] = []
        for proj in self.projections[:-1]:
            _, s = IF_NEURON.forward(proj.forward(x), self.timesteps)
            spikes.append(s)
            x = s
        out = self.projections[-1].forward(x)
        return spikes, out.sum(axis=0) * (self.timesteps / out.shape[0])

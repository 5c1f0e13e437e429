"""A trained network as plain arrays and as a NIR graph (Neuromorphic Intermediate
Representation, https://neuroir.org), for Lava/Loihi, SpiNNaker2, Xylo, Speck, snnTorch, Norse.

The graph describes the network at inference (plasticity off, thresholds frozen):

- ``input`` (``nir.Input``, one channel per pixel) -> ``input_weights`` (``nir.Linear``, the
  trained weights, ``(neurons, inputs)``) -> ``excitatory`` (``nir.LIF``) -> ``output``;
- ``direct`` inhibition: ``excitatory`` -> ``lateral`` (``nir.Linear``, ``-strength`` off the
  diagonal) -> ``excitatory``;
- ``population`` inhibition: ``excitatory`` -> ``to_inhibitory`` (``nir.Linear``, 22.5 mV on
  the diagonal) -> ``inhibitory`` (``nir.LIF``) -> ``lateral`` -> ``excitatory``.

Units: potentials in mV, times in s. Weights are instantaneous jumps of the membrane in mV
(delta currents): each LIF has ``r = tau``, so ``tau dv/dt = (v_leak - v) + r I`` moves ``v``
by ``w`` for an input spike of weight ``w``. A LIF's ``v_threshold`` holds the trained adaptive
threshold (``-52 mV + theta``). What NIR has no field for travels in ``metadata`` (docs/export.md):
the time step ``dt`` (1 ms), the refractory period of each LIF in steps, that spikes of a
neuron population reach their targets one step later while input spikes act in their own step,
the rate coding of the input, the weight precision and the presentation length.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim._neurons import EXC_TO_INH_MV, EXCITATORY, INHIBITORY, LifParams
from sim._run import SimResult

#: The simulator's time step in seconds.
DT_S = 1e-3

__all__ = ["DT_S", "network_arrays", "to_nir"]


def network_arrays(result: SimResult) -> dict[str, np.ndarray]:
    """The trained network of ``result`` as named arrays (the ``--npz`` export): weights
    (inputs, neurons) in mV, thresholds in mV, the LIF and inhibition parameters and the input
    coding, each a NumPy array (scalars 0-d)."""
    config = result.config
    population = config.inhibition == "population"
    arrays: dict[str, Any] = {
        "input_weights_mv": result.weights,
        "theta_mv": result.theta,
        "threshold_mv": EXCITATORY.threshold + result.theta,
        "population_inhibition": population,
        "inhibition_strength_mv": config.inhibition_strength,
        "weight_bits": config.weight_bits,
        "timesteps": config.timesteps,
        "dt_s": DT_S,
        "max_rate_hz": result.max_rate_hz,
        "seed": result.seed,
    }
    layers = (("excitatory", EXCITATORY), ("inhibitory", INHIBITORY)) if population else (
        ("excitatory", EXCITATORY),)
    for name, params in layers:
        arrays |= {f"{name}_rest_mv": params.rest, f"{name}_reset_mv": params.reset,
                   f"{name}_tau_s": params.tau * DT_S,
                   f"{name}_refractory_steps": params.refractory}
    if population:
        arrays |= {"inhibitory_threshold_mv": INHIBITORY.threshold,
                   "exc_to_inh_mv": EXC_TO_INH_MV}
    return {name: np.asarray(value) for name, value in arrays.items()}


def _lif(params: LifParams, threshold: np.ndarray) -> Any:
    import nir

    n = threshold.shape[0]
    tau = np.full(n, params.tau * DT_S)
    return nir.LIF(tau=tau, r=tau.copy(), v_leak=np.full(n, params.rest),
                   v_threshold=np.asarray(threshold, dtype=np.float64),
                   v_reset=np.full(n, params.reset),
                   metadata={"refractory_steps": params.refractory})


def to_nir(result: SimResult) -> Any:
    """The inference network of ``result`` as a ``nir.NIRGraph`` (see the module docstring)."""
    import nir

    config = result.config
    weights = np.asarray(result.weights)
    inputs, neurons = weights.shape
    lateral = -config.inhibition_strength * (np.ones((neurons, neurons)) - np.eye(neurons))
    nodes: dict[str, Any] = {
        "input": nir.Input(input_type={"input": np.array([inputs])}),
        "input_weights": nir.Linear(weight=weights.T.copy()),
        "excitatory": _lif(EXCITATORY, EXCITATORY.threshold + result.theta),
        "lateral": nir.Linear(weight=lateral),
        "output": nir.Output(output_type={"output": np.array([neurons])}),
    }
    edges = [("input", "input_weights"), ("input_weights", "excitatory"),
             ("excitatory", "output"), ("lateral", "excitatory")]
    if config.inhibition == "population":
        nodes["to_inhibitory"] = nir.Linear(weight=EXC_TO_INH_MV * np.eye(neurons))
        nodes["inhibitory"] = _lif(INHIBITORY, np.full(neurons, INHIBITORY.threshold))
        edges += [("excitatory", "to_inhibitory"), ("to_inhibitory", "inhibitory"),
                  ("inhibitory", "lateral")]
    else:
        edges.append(("excitatory", "lateral"))
    metadata = {
        "source": "snn-dse",
        "dt": DT_S,
        "timesteps": config.timesteps,
        "recurrent_delay_steps": 1,
        "units": "potentials mV, times s, weights mV per spike (r = tau)",
        "input_coding": "Poisson rate coding: a pixel of intensity x in [0, 1] spikes at "
                        "x * max_rate_hz",
        "max_rate_hz": result.max_rate_hz,
        "weight_bits": config.weight_bits,
        "inhibition": config.inhibition,
    }
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=metadata)

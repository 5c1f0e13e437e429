"""Coefficients of the fitted activity model (costmodels._activity.estimate_counts).

Written by ``benchmarks/estimator_fidelity.py --fit`` on 2026-12-02 from 60
simulated designs of the default space (digits). Do not edit by hand.
Per phase and target: coefficients of the features 1, ln N, ln T, population,
spikedyn, ln(inhibition mV / 120) in log space.
"""

FITTED: dict[str, dict[str, list[float]]] = (
{'infer': {'exc_spikes': [1.047669, 0.277744, 0.033032, 0.726905, -0.127655, -0.015871],
           'inh_per_exc': [-0.064316, 0.000475, 0.011293, 0.0, -0.007172, -0.001575],
           'input_boost': [7.352571, -0.493773, -1.34717, -0.498713, 0.528258, -0.008445],
           'presentations': [6.024088, -0.412541, -1.226947, -0.414626, 0.461044, 0.009845]},
 'train': {'depression': [-0.504827, 0.115939, 0.260744, 0.718609, -1.925565, -0.00295],
           'exc_spikes': [0.454942, 0.223768, 0.212732, 0.794909, -0.091527, 0.004753],
           'inh_per_exc': [-0.052083, 0.000833, 0.008573, 0.0, -0.003887, -0.000436],
           'input_boost': [8.013596, -0.202712, -1.771078, -1.109586, 0.317855, 0.011634],
           'normalisation': [1.914835, 0.094968, -0.150759, 0.768037, -1.976555, 0.01452],
           'potentiation': [0.685436, -0.17124, 0.182919, -0.390097, -0.994341, 0.052043],
           'presentations': [6.619275, -0.165835, -1.614511, -0.968637, 0.321144, 0.016581]}}
)

"""Coefficients of the fitted activity model (costmodels._activity.estimate_counts).

Written by ``benchmarks/estimator_fidelity.py --fit`` on 2026-12-02 from 60
simulated designs of the default space (digits). Do not edit by hand.
Per phase and target: coefficients of the features 1, ln N, ln T, population,
spikedyn, ln(inhibition mV / 120) in log space.
"""

FITTED: dict[str, dict[str, list[float]]] = {'infer': {'exc_spikes': [0.073107, 0.302059, 0.207833, 0.692562, -0.218203, -0.081446],
           'inh_per_exc': [-0.015659, 0.000787, 0.001803, 0.0, -0.000349, 4.3e-05],
           'input_boost': [19.389208, -1.040408, -3.495965, 0.250689, 0.68944, 0.02624],
           'presentations': [17.804976, -0.984242, -3.287592, 0.225493, 0.688322, 0.073751]},
 'train': {'depression': [-0.208664, 0.166352, 0.210028, 0.65672, -2.185759, -0.032533],
           'exc_spikes': [-0.753782, 0.24667, 0.420313, 0.774201, -0.199975, -0.052122],
           'inh_per_exc': [-0.014769, 0.000727, 0.001651, 0.0, -0.00012, -0.000104],
           'input_boost': [24.531113, -0.820923, -4.903957, 0.0241, 0.692237, 0.035069],
           'normalisation': [1.03363, 0.144206, 0.018627, 0.66601, -2.137828, -0.027152],
           'potentiation': [0.313248, -0.19669, 0.245862, -0.380469, -1.113623, 0.045184],
           'presentations': [22.873441, -0.754135, -4.673937, -0.044753, 0.678156, 0.063039]}}

"""Coefficients of the fitted activity model (costmodels._activity.estimate_counts).

Written by ``benchmarks/estimator_fidelity.py --fit`` on 2026-12-02 from 60
simulated designs of the default space (digits). Do not edit by hand.
Per phase and target: coefficients of the features 1, ln N, ln T, population,
spikedyn, ln(inhibition mV / 120) in log space.
"""

FITTED: dict[str, dict[str, list[float]]] = {'infer': {'exc_spikes': [1.206445, 0.326221, -0.016938, 0.698436, -0.238652, 0.006064],
           'inh_per_exc': [-0.070008, 6.2e-05, 0.012607, 0.0, -0.003105, -0.000197],
           'input_boost': [6.77561, -0.439537, -1.202396, -0.401737, 0.616519, 0.147368],
           'presentations': [5.590138, -0.382839, -1.100038, -0.288665, 0.535127, 0.15685]},
 'train': {'depression': [-0.158147, 0.178126, 0.21441, 0.541955, -2.346096, -0.009462],
           'exc_spikes': [1.095528, 0.274412, 0.052697, 0.78753, -0.169299, 0.019667],
           'inh_per_exc': [-0.063712, 4.1e-05, 0.011526, 0.0, -0.003766, -8.7e-05],
           'input_boost': [6.864968, -0.286695, -1.43508, -0.915094, 0.525061, -0.037924],
           'normalisation': [2.70205, 0.148659, -0.280468, 0.606738, -2.2242, 0.014269],
           'potentiation': [0.459361, -0.228977, 0.270428, -0.431921, -1.372303, 0.011493],
           'presentations': [5.644055, -0.246514, -1.300899, -0.750925, 0.4693, 0.006906]}}

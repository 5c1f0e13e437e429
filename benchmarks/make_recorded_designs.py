"""Write benchmarks/data/recorded_designs.csv: the recorded table search_quality.py searches.

One row per design of :func:`benchmark_space` (2 304 designs). Memory and inference energy come
from the real cost model (``costmodels.estimate`` on the ``generic_asic_45nm`` profile, with
activity estimated from MNIST statistics). Accuracy is a deterministic synthetic model, not a
simulation: the Diehl & Cook accuracy-versus-size anchors of
../shared/reference/snn-sim-anchors.md (100 / 400 / 1600 neurons: 82.9 / 87.0 / 91.9 %; the values
below 100 neurons are assumptions) with penalties for low weight precision, few timesteps and an
inhibition strength that does not suit the inhibition kind (population wants ~17.5, direct ~120),
a small bonus for the SpikeDyn rule, and +-1 % of design-seeded noise.

Usage: ``python benchmarks/make_recorded_designs.py`` (about ten seconds; rerun after a change to
the cost model, then rerun search_quality.py).
"""

from __future__ import annotations

import csv
import zlib
from pathlib import Path

import numpy as np

from costmodels import DC_MAX_RATE_HZ, MNIST_MEAN_INTENSITY, Activity, SNNDesign, estimate
from dse._space import ChoiceParam, DesignSpace
from hwprofiles import load_profile

TABLE = Path(__file__).parent / "data" / "recorded_designs.csv"
PROFILE = "generic_asic_45nm"
COLUMNS = ("neurons", "weight_bits", "inhibition", "rule", "timesteps", "inhibition_strength",
           "accuracy", "memory_bytes", "energy_infer_j")

# accuracy versus excitatory neurons: anchors from 100 up, assumptions below
_SIZE_ANCHORS = ((16, 0.60), (32, 0.70), (64, 0.78), (100, 0.829), (400, 0.870), (1600, 0.919))
_BITS_PENALTY = {4: 0.12, 6: 0.04, 8: 0.01, 12: 0.0, 16: 0.0, 32: 0.0}
_TIMESTEPS_PENALTY = {100: 0.08, 150: 0.04, 250: 0.01, 350: 0.0}
_INHIBITION_PENALTY = {("population", 17.5): 0.0, ("population", 60.0): 0.03,
                       ("population", 120.0): 0.06, ("direct", 17.5): 0.18,
                       ("direct", 60.0): 0.05, ("direct", 120.0): 0.0}
_SPIKEDYN_BONUS = 0.015


def benchmark_space() -> DesignSpace:
    """The default space with neurons, timesteps and inhibition strength on recorded levels."""
    return DesignSpace([
        ChoiceParam("neurons", (16, 32, 64, 100, 200, 400, 800, 1600)),
        ChoiceParam("weight_bits", (4, 6, 8, 12, 16, 32)),
        ChoiceParam("inhibition", ("population", "direct")),
        ChoiceParam("rule", ("baseline", "spikedyn")),
        ChoiceParam("timesteps", (100, 150, 250, 350)),
        ChoiceParam("inhibition_strength", (17.5, 60.0, 120.0)),
    ])


def synthetic_accuracy(design: dict) -> float:
    """Deterministic plausible test accuracy of ``design`` (see the module docstring)."""
    sizes, accuracies = zip(*_SIZE_ANCHORS, strict=True)
    accuracy = float(np.interp(np.log2(design["neurons"]), np.log2(sizes), accuracies))
    accuracy -= _BITS_PENALTY[design["weight_bits"]]
    accuracy -= _TIMESTEPS_PENALTY[design["timesteps"]]
    accuracy -= _INHIBITION_PENALTY[(design["inhibition"], design["inhibition_strength"])]
    accuracy += _SPIKEDYN_BONUS if design["rule"] == "spikedyn" else 0.0
    noise = np.random.default_rng(zlib.crc32(repr(sorted(design.items())).encode())).uniform(-0.01, 0.01)
    return round(min(max(accuracy + noise, 0.1), 0.99), 4)


def main() -> None:
    profile = load_profile(PROFILE)
    rows = []
    for design in benchmark_space().enumerate():
        snn = SNNDesign(inputs=784, neurons=design["neurons"], inhibition=design["inhibition"],
                        weight_bits=design["weight_bits"], timesteps=design["timesteps"],
                        rule=design["rule"])
        activity = {training: Activity.estimated(snn, mean_intensity=MNIST_MEAN_INTENSITY,
                                                 max_rate_hz=DC_MAX_RATE_HZ, training=training)
                    for training in (True, False)}
        report = estimate(snn, profile, activity[True], activity[False])
        rows.append({**design, "accuracy": synthetic_accuracy(design),
                     "memory_bytes": report.memory_bytes["total"],
                     "energy_infer_j": f"{report.energy_infer_j['total']:.6e}"})
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    with TABLE.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} designs to {TABLE} (profile {PROFILE})")


if __name__ == "__main__":
    main()

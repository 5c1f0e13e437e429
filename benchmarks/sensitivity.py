"""The cheap sensitivity shares of `dse cost --sensitivity` against Sobol' indices (SALib).

`costmodels.sensitivity` ranks profile figures by one-at-a-time swings (2 pricings per
figure); this script estimates first-order and total Sobol' indices of the inference energy
with SALib's Saltelli sampling (N x (D + 2) pricings), each figure uniform on its range, and
compares: the share each method gives every figure (first-order indices normalised to sum to
one), the largest share difference, whether both name the same top three figures (what an
architect reads), and the sum of first-order indices (1 for an additive model; below 1 means
interactions).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _record import record
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_sample

from costmodels import Activity, SNNDesign, estimate, sensitivity, uncertain_figures
from hwprofiles import DeviceProfile, load_profile
from snn_dse.domains import MNIST_MEAN_INTENSITY

RATES = {"mean_intensity": MNIST_MEAN_INTENSITY, "max_rate_hz": 63.75}
DESIGNS = {
    "784-400 pop 8b": SNNDesign(784, 400, "population", 8),
    "784-100 direct 4b": SNNDesign(784, 100, "direct", 4, timesteps=250, rule="spikedyn"),
}


def _energy(design: SNNDesign, profile: DeviceProfile, figures: dict, x: np.ndarray,
            train: Activity, infer: Activity) -> float:
    """Inference energy with the uncertain figures at the values of one sample ``x``."""
    moved = {name: figures[name].model_copy(update={"value": float(v)})
             for name, v in zip(figures, x, strict=True)}
    return estimate(design, profile.with_figures(moved), train, infer).energy_infer_j["total"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default="generic_asic_45nm,loihi1_like,jetson_nano")
    parser.add_argument("--samples", type=int, default=128, help="Saltelli base samples N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    lines = [("| profile | design | figures D | top figure (swing / Sobol') | max share "
              "difference | same top 3 | sum of first-order indices | pricings swing / Sobol' "
              "| time swing / Sobol' |"), "|---|---|---|---|---|---|---|---|---|"]
    for profile_id in args.profiles.split(","):
        profile = load_profile(profile_id)
        figures = uncertain_figures(profile)
        names = list(figures)
        problem = {"num_vars": len(names), "names": names,
                   "bounds": [list(figures[n].bounds()) for n in names]}
        for label, design in DESIGNS.items():
            train = Activity.estimated(design, training=True, **RATES)
            infer = Activity.estimated(design, training=False, **RATES)
            start = time.perf_counter()
            swing = {row["field"]: row["share"]
                     for row in sensitivity(
                         lambda p, d=design, t=train, i=infer: estimate(d, p, t, i), profile)}
            swing_s = time.perf_counter() - start
            start = time.perf_counter()
            X = sobol_sample.sample(problem, args.samples, calc_second_order=False,
                                    seed=args.seed)
            Y = np.array([_energy(design, profile, figures, x, train, infer) for x in X])
            indices = sobol.analyze(problem, Y, calc_second_order=False, seed=args.seed)
            sobol_s = time.perf_counter() - start
            first = np.clip(np.asarray(indices["S1"]), 0, None)
            sobol_share = first / first.sum()
            ours = np.array([swing.get(n, 0.0) for n in names])
            top_swing, top_sobol = names[int(ours.argmax())], names[int(sobol_share.argmax())]
            same_top = set(np.argsort(-ours)[:3]) == set(np.argsort(-sobol_share)[:3])
            lines.append(
                f"| {profile_id} | {label} | {len(names)} | "
                f"{top_swing} {ours.max():.1%} / {top_sobol} {sobol_share.max():.1%} | "
                f"{np.abs(ours - sobol_share).max():.1%} | {'yes' if same_top else 'no'} | "
                f"{float(np.sum(indices['S1'])):.3f} | {2 * len(names)} / {len(Y)} | "
                f"{swing_s:.2f} s / {sobol_s:.1f} s |")
            print(lines[-1], flush=True)
    body = "\n".join(lines)
    print(body)
    if not args.no_record:
        record("Sensitivity: one-at-a-time variance shares vs Sobol' indices", body,
               [(f"SALib Saltelli sampling, N = {args.samples}, first-order indices clipped "
                 f"at 0 and normalised; seed {args.seed}; activity estimated (MNIST "
                 "statistics)")])


if __name__ == "__main__":
    main()

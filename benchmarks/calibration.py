"""Calibration recovers a known profile: measurements synthesised from perturbed figures.

For each base profile: every fittable figure is multiplied by a random factor in [0.6, 1.6]
(the "true" device), a set of varied designs is run in both phases with activity estimated at
varied input statistics, the true profile prices them, 5 % Gaussian noise is added to every
energy, and `costmodels.calibrate` (what `dse calibrate` runs) fits the figures back from the
base profile. A figure is *identifiable* when the fit's own ~95 % range is within +-10 % of its
value (the runs determine it); the target is that every identifiable figure is recovered within
10 % of the truth. Figures whose range is wider are reported, not judged.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from _record import record

from costmodels import (
    Activity,
    SNNDesign,
    UnderdeterminedFit,
    calibrate,
    fit_fields,
    measurements_frame,
    read_measurements,
)
from hwprofiles import load_profile

NOISE = 0.05
TARGET = 0.10


def runs(seed: int) -> list[tuple[SNNDesign, str, Activity]]:
    """144 varied designs x both phases, activity estimated at varied intensity and rate."""
    rng = np.random.default_rng(seed)
    out = []
    grid = itertools.product((64, 196, 784), (20, 100, 400), ("population", "direct"),
                             (2, 4, 8, 16), ("baseline", "spikedyn"))
    for inputs, neurons, inhibition, bits, rule in grid:
        design = SNNDesign(inputs, neurons, inhibition, bits, timesteps=int(rng.integers(100, 351)),
                           rule=rule)
        for phase in ("train", "infer"):
            activity = Activity.estimated(design, training=phase == "train",
                                          mean_intensity=float(rng.uniform(0.05, 0.4)),
                                          max_rate_hz=float(rng.uniform(20, 130)))
            out.append((design, phase, activity))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default="generic_asic_45nm,loihi1_like,jetson_nano,"
                        "fpga_zynq7_generic,cortex_m4_stm32l452")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    lines = [("| profile | runs | figure | true | fitted | error | fit range (+-) | truth in range "
              "| identifiable | within 10 % |"), "|---|---|---|---|---|---|---|---|---|---|"]
    failures = 0
    for profile_id in args.profiles.split(","):
        base = load_profile(profile_id)
        current = dict(base.iter_figures())
        fields = fit_fields(base)
        factors = {f: float(rng.uniform(0.6, 1.6)) for f in fields}
        truth_figures = {}
        for field in fields:
            # A figure the base leaves to op tables has no true value to recover: not fitted.
            figure = current.get(field)
            if figure is not None and figure.value > 0:
                truth_figures[field] = figure.model_copy(update={"value": figure.value * factors[field]})
        truth = base.with_figures(truth_figures)
        # Fit only figures that have a true value (a figure the truth leaves to op tables
        # cannot be "recovered"); the others stay as in the base for both.
        fitted_fields = list(truth_figures)
        path = f"/tmp/calibration-{profile_id}-{args.seed}.csv"
        measurements_frame(truth, runs(args.seed), noise=NOISE, seed=args.seed).to_csv(path, index=False)
        data = read_measurements(path)
        try:
            result = calibrate(base, data, fitted_fields)
        except UnderdeterminedFit as error:
            lines.append(f"| {profile_id} | {len(data)} | refused: {error} | | | | | | | |")
            continue
        for figure in result.figures:
            true = truth_figures[figure.field].value
            error = figure.value / true - 1
            half = (figure.high - figure.low) / 2 / figure.value if figure.value else np.inf
            identifiable = half <= TARGET
            ok = abs(error) <= TARGET
            failures += identifiable and not ok
            unit = figure.unit
            scale, suffix = (1e12, "pJ") if unit == "J" else (1e3, "mW")
            lines.append(f"| {profile_id} | {len(data)} | {figure.field} | {true * scale:.4g} {suffix} | "
                         f"{figure.value * scale:.4g} {suffix} | {error:+.1%} | {half:.1%} | "
                         f"{'yes' if figure.low <= true <= figure.high else 'no'} | "
                         f"{'yes' if identifiable else 'no'} | {'yes' if ok else 'NO'} |")
        for field in result.unexercised:
            lines.append(f"| {profile_id} | {len(data)} | {field} | not exercised | | | | | | |")
        lines.append(f"| {profile_id} | {len(data)} | R^2 {result.r_squared:.4f}, worst residual "
                     f"{result.worst_residual:.1%} | | | | | | | |")
    body = "\n".join(lines)
    print(body)
    verdict = "every identifiable figure within 10 %" if not failures else \
        f"{failures} identifiable figure(s) off by more than 10 %"
    print(verdict)
    if not args.no_record:
        record("Calibration recovers perturbed profiles", body,
               [f"5 % noise, figures perturbed x U(0.6, 1.6), seed {args.seed}", verdict])


if __name__ == "__main__":
    main()

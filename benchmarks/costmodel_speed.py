"""Cost-model speed: price N random designs at once with ``estimate_many`` on every shipped
profile (and with their low/high corner ranges, ``ranges_many``), and one design with
``estimate``; print a table and append it to benchmarks/RESULTS.md.

Usage: ``python benchmarks/costmodel_speed.py [--designs 100000] [--repeats 3] [--no-append]``.
Target (issue 2): 100,000 designs priced well under a second per profile.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _record import record

from costmodels import (
    DC_MAX_RATE_HZ,
    MNIST_MEAN_INTENSITY,
    Activity,
    SNNDesign,
    estimate,
    estimate_many,
    ranges_many,
)
from hwprofiles import list_profiles, load_profile

RATES = {"mean_intensity": MNIST_MEAN_INTENSITY, "max_rate_hz": DC_MAX_RATE_HZ}


def random_designs(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` designs drawn uniformly from a SpikeDyn-like space."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "inputs": np.full(n, 784),
        "neurons": rng.integers(10, 6401, n),
        "inhibition": rng.choice(["population", "direct"], n),
        "weight_bits": rng.choice([1, 2, 4, 8, 16, 32], n),
        "state_bits": rng.choice([8, 16, 32], n),
        "timesteps": rng.integers(50, 351, n),
        "rule": rng.choice(["baseline", "spikedyn"], n),
    })


def best_of(repeats: int, func, clock=time.perf_counter) -> float:  # noqa: ANN001 - callables
    """Least time of ``repeats`` calls of ``func`` (s) on ``clock`` (wall time by default;
    ``time.process_time`` for CPU time)."""
    times = []
    for _ in range(repeats):
        start = clock()
        func()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--designs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-append", action="store_true", help="Do not write RESULTS.md.")
    args = parser.parse_args()

    frame = random_designs(args.designs)
    design = SNNDesign(784, 400, "direct", 8)
    train = Activity.estimated(design, training=True, **RATES)
    infer = Activity.estimated(design, training=False, **RATES)
    rows = []
    for entry in list_profiles():
        if not entry.builtin:
            continue
        profile = load_profile(entry.id)
        many = best_of(args.repeats, lambda p=profile: estimate_many(frame, p, **RATES))
        ranged = best_of(args.repeats, lambda p=profile: ranges_many(frame, p, **RATES))
        one = best_of(max(args.repeats, 20), lambda p=profile: estimate(design, p, train, infer))
        rows.append((entry.id, many, args.designs / many, ranged, one * 1e6))

    header = (f"| profile | {args.designs:,} designs (s) | designs/s | with low/high ranges (s) "
              "| one `estimate` (us) |")
    lines = [header, "|---|---:|---:|---:|---:|"]
    lines += [f"| {pid} | {many:.3f} | {rate:,.0f} | {ranged:.3f} | {one:.0f} |"
              for pid, many, rate, ranged, one in rows]
    table = "\n".join(lines)
    print(table)
    if args.no_append:
        return
    record("costmodel_speed", table, notes=[
        f"pandas {pd.__version__}; best of {args.repeats} runs;"
        " activity estimated (MNIST mean intensity, D&C rates)"])


if __name__ == "__main__":
    main()

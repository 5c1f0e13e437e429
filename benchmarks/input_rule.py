"""Does the input-drive rule generalise? The rule's rate against the best hand-tuned rate.

For digits and Fashion-MNIST and four variants of each (ink scaled x0.45, the MNIST proxy:
MNIST carries ~0.45x Fashion-MNIST's ink; ink x2, clipped to 1; inverted, ``1 - x``; thinned,
every stroke eroded by one pixel), static protocol, seeds 0..S-1:

- **rule**: the defaults (``sim.input_rate_hz`` and ``sim.weight_norm``, docs/learning-rules.md);
- **hand-tuned**: the same network at Diehl & Cook's 63.75 Hz x 2**k, the four grid rates
  around the rule's (two at or below it, two above), each with the rule's normalisation for
  that rate (same drive, so the rate only sets the spike count); the best mean accuracy of
  the four is the hand-tuned best;
- **v0.1 defaults**: the per-dataset constants this rule replaces (127.5 Hz for digits and
  63.75 Hz otherwise, normalisation ``78.4 * 0.1307 / mean * (inputs / 784) ** 0.3``).

Target: the rule within 3 points of the hand-tuned best for every row. Cheap settings with
about 20 training samples per neuron, as in the target runs (400 neurons, 10 000 samples):
digits 100 neurons, two passes over its 1 052 training rows, 300 assignment and 445 test
rows; Fashion-MNIST 100 neurons, 2 000 training, 1 000 assignment, 1 000 test samples.
Run niced, one process:
``nice .venv/bin/python benchmarks/input_rule.py --seeds 2``. Prints the table and appends it
to benchmarks/RESULTS.md unless ``--no-record``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import time
from collections.abc import Callable

from _record import record

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import ndimage  # noqa: E402

from sim import (  # noqa: E402
    Dataset,
    DatasetNotFoundError,
    SimConfig,
    input_rate_hz,
    load_dataset,
    run,
    weight_norm,
)

DC_RATE_HZ = 63.75
SETTINGS: dict[str, dict[str, int | None]] = {
    "digits": {"neurons": 100, "epochs": 2, "train_samples": None, "assign_samples": 300,
               "test_samples": None},
    "fashion-mnist": {"neurons": 100, "epochs": 1, "train_samples": 2000,
                      "assign_samples": 1000, "test_samples": 1000},
}


def _thin(x: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Grey erosion with a 2x2 window: every stroke loses one pixel of width."""
    footprint = np.ones((1, 2, 2), bool)
    return ndimage.grey_erosion(x.reshape(-1, *shape), footprint=footprint).reshape(x.shape)


VARIANTS: dict[str, Callable[[np.ndarray, tuple[int, int]], np.ndarray]] = {
    "original": lambda x, shape: x,
    "ink x0.45": lambda x, shape: 0.45 * x,
    "ink x2": lambda x, shape: np.minimum(2.0 * x, 1.0),
    "inverted": lambda x, shape: 1.0 - x,
    "thinned": _thin,
}


def variant(data: Dataset, name: str) -> Dataset:
    """``data`` with ``VARIANTS[name]`` applied to every training and test image."""
    def apply(x: np.ndarray) -> np.ndarray:
        out = np.ascontiguousarray(VARIANTS[name](np.asarray(x), data.image_shape), np.float32)
        out.flags.writeable = False
        return out

    return dataclasses.replace(data, train_x=apply(data.train_x), test_x=apply(data.test_x))


def v01_norm(data: Dataset) -> float:
    """The weight normalisation of the v0.1 defaults (replaced by ``sim.weight_norm``)."""
    return 78.4 * 0.1307 / data.mean_intensity * (data.n_inputs / 784) ** 0.3


def grid_rates(rule_hz: float) -> list[float]:
    """Four rates 63.75 Hz x 2**k around ``rule_hz``: two at or below it, two above."""
    k = math.floor(math.log2(rule_hz / DC_RATE_HZ) + 1e-9)
    return [DC_RATE_HZ * 2.0**j for j in range(k - 1, k + 3)]


def mean_accuracy(config: SimConfig, data: Dataset, seeds: int) -> float:
    """Mean test accuracy (%) over seeds 0..seeds-1."""
    return 100 * float(np.mean([
        run(dataclasses.replace(config, seed=s), data=data).accuracy for s in range(seeds)
    ]))


def row(name: str, kind: str, data: Dataset, seeds: int) -> tuple[str, float]:
    """One table row and the rule's gap to the hand-tuned best (points)."""
    base = SimConfig(dataset=name, **SETTINGS[name])
    rule_hz = input_rate_hz(data.mean_intensity, data.n_inputs, data.peak_intensity)
    rule = mean_accuracy(base, data, seeds)
    tuned = {rate: mean_accuracy(dataclasses.replace(base, max_rate_hz=rate), data, seeds)
             for rate in grid_rates(rule_hz)}
    best_rate = max(tuned, key=tuned.__getitem__)
    old = mean_accuracy(dataclasses.replace(
        base, max_rate_hz=127.5 if name == "digits" else DC_RATE_HZ, weight_norm=v01_norm(data)
    ), data, seeds)
    gap = rule - tuned[best_rate]
    sweep = ", ".join(f"{rate:g}: {acc:.1f}" for rate, acc in tuned.items())
    ink = data.mean_intensity * data.n_inputs
    norm = weight_norm(rule_hz, data.mean_intensity)
    text = (f"| {name} | {kind} | {ink:.1f} | {rule_hz:.0f} | {norm:.1f} |"
            f" **{rule:.1f}** | {best_rate:g} | {tuned[best_rate]:.1f} | {gap:+.1f} |"
            f" {'yes' if gap >= -3 else 'no'} | {old:.1f} | {sweep} |")
    return text, gap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--dataset", action="append", choices=sorted(SETTINGS))
    parser.add_argument("--variant", action="append", choices=list(VARIANTS))
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = ["| dataset | variant | mean ink | rule rate Hz | rule norm | rule acc. % |"
            " best hand-tuned Hz | its acc. % | rule - best | within 3 | v0.1 defaults % |"
            " hand-tuned sweep (Hz: acc. %) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|"]
    gaps = []
    for name in args.dataset or list(SETTINGS):
        try:
            data = load_dataset(name, args.data_dir)
        except DatasetNotFoundError:
            print(f"{name} not installed: skipped", file=sys.stderr)
            continue
        for kind in args.variant or list(VARIANTS):
            text, gap = row(name, kind, variant(data, kind), args.seeds)
            rows.append(text)
            gaps.append(gap)
            print(text, flush=True)
    table = "\n".join(rows)
    print(table)
    if not args.no_record:
        settings = "; ".join(
            f"{name}: {s['neurons']} neurons, {s['train_samples'] or 'all'} training x"
            f" {s['epochs']} epochs,"
            f" {s['assign_samples']} assignment, {s['test_samples'] or 'all'} test samples"
            for name, s in SETTINGS.items())
        record("input_rule: rule vs best hand-tuned rate, per dataset and variant", table,
               argv=argv, notes=[
                   f"{args.seeds} seeds per cell (mean); {settings}; static, baseline rule",
                   f"target: rule within 3 points of the best hand-tuned rate in every row;"
                   f" worst gap {min(gaps):+.1f} points" if gaps else "no rows",
                   f"wall {time.perf_counter() - start:.0f} s, one thread, niced"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

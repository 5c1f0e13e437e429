"""Simulator speed: training ms/sample and inference samples/s on one core.

Reference case (issue 3): 400 excitatory neurons, 784 inputs, 350 timesteps, MNIST-like
input; target <= 15 ms per training sample and >= 300 inference samples/s. Then a sweep over
100..1600 neurons. MNIST-like input = scikit-learn's 8x8 digits upsampled to 20x20 and padded
to 28x28 like MNIST (mean pixel ~0.15 vs MNIST's 0.13), so the benchmark needs no download;
with ``--dataset fashion-mnist`` the real Fashion-MNIST (2.2x the ink) is used if installed.

Run: ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice .venv/bin/python benchmarks/sim_speed.py``
Prints a table and appends it (with machine, date and command) to benchmarks/RESULTS.md
unless ``--no-record``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from _record import record

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy.ndimage import zoom  # noqa: E402

from sim import input_rate_hz, load_dataset, weight_norm  # noqa: E402
from sim._activity import ActivityCounter  # noqa: E402
from sim._learning import Mechanisms, StdpParams  # noqa: E402
from sim._network import Network  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")


def mnist_like(n: int) -> np.ndarray:
    """``n`` 784-pixel images: 8x8 digits upsampled (bilinear) to 20x20, padded to 28x28."""
    digits = load_dataset("digits").train_x
    out = np.zeros((n, 28, 28), np.float32)
    for k in range(n):
        big = zoom(digits[k % digits.shape[0]].reshape(8, 8), 2.5, order=1)
        out[k, 4:24, 4:24] = np.clip(big, 0.0, 1.0)
    return out.reshape(n, 784)


def images(dataset: str, n: int) -> np.ndarray:
    if dataset == "mnist-like":
        return mnist_like(n)
    return np.asarray(load_dataset(dataset).train_x[:n])


def measure(
    x: np.ndarray, neurons: int, timesteps: int, train_n: int, infer_n: int, rule: str
) -> dict[str, float]:
    """Train on ``train_n`` samples after a 50-sample warm-up, then infer ``infer_n``."""
    rng = np.random.default_rng(0)
    spikedyn = rule == "spikedyn"
    mech = Mechanisms(**{name: spikedyn for name in (
        "adaptive_lr", "adaptive_threshold", "weight_decay", "spurious_reduction",
        "adaptive_potentiation")})
    net = Network.create(
        x.shape[1], neurons, rng=rng, population=False, inhibition_strength=120.0,
        timesteps=timesteps, max_rate_hz=input_rate_hz(float(x.mean()), x.shape[1]),
        norm=weight_norm(x.shape[1]), weight_bits=32,
        rounding="nearest", stdp=StdpParams(), mechanisms=mech,
    )
    warm = ActivityCounter()
    for row in x[:50]:
        net.train_sample(row, rng, warm.counts)
    train = ActivityCounter()
    start = time.perf_counter()
    for row in x[50:50 + train_n]:
        net.train_sample(row, rng, train.counts)
    train_s = time.perf_counter() - start
    train.samples = train_n
    infer = ActivityCounter()
    start = time.perf_counter()
    net.responses(x[:infer_n], rng, infer.counts)
    infer_s = time.perf_counter() - start
    infer.samples = infer_n
    a = train.per_sample()
    return {
        "neurons": neurons, "train_ms": 1e3 * train_s / train_n,
        "infer_per_s": infer_n / infer_s, "input_spikes": a["input_spikes"],
        "exc_spikes": a["exc_spikes"], "presentations": a["timesteps"] / timesteps,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist-like",
                        choices=["mnist-like", "fashion-mnist", "mnist"])
    parser.add_argument("--timesteps", type=int, default=350)
    parser.add_argument("--train", type=int, default=1000, help="timed training samples")
    parser.add_argument("--infer", type=int, default=1000, help="timed inference samples")
    parser.add_argument("--sizes", default="100,200,400,800,1600")
    parser.add_argument("--rule", default="baseline", choices=["baseline", "spikedyn"])
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    x = images(args.dataset, 50 + max(args.train, args.infer))
    rows = [measure(x, n, args.timesteps, args.train, args.infer, args.rule) for n in sizes]
    lines = [
        "| neurons | train ms/sample | inference samples/s | input spikes | exc spikes |"
        " presentations |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['neurons']} | {r['train_ms']:.2f} | {r['infer_per_s']:.0f} |"
            f" {r['input_spikes']:.0f} | {r['exc_spikes']:.1f} | {r['presentations']:.2f} |"
        )
    table = "\n".join(lines)
    print(table)
    if not args.no_record:
        record(f"sim_speed: {args.dataset}, {args.timesteps} steps, rule {args.rule}", table,
               argv=argv, notes=["one thread", "target (400 neurons): <= 15 ms per training"
                                 " sample, >= 300 inference samples/s"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

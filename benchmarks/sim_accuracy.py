"""Simulator accuracy: static accuracy, accuracy vs weight precision, continual ablation.

Suites (``--suite``, repeatable):

- ``static``: digits with 100 neurons after 1 and 3 epochs (target >= 87% after 3), and
  Fashion-MNIST with 400 neurons and 10 000 training samples, full test set (target >= 75%)
  when installed, all at the defaults (input-drive rule, docs/learning-rules.md).
- ``bits``: digits, 100 neurons, 3 epochs: 4, 6, 8, 16 fractional bits with each rounding mode
  (in-training quantization), post-training quantization with nearest rounding, and float32.
- ``ablation``: the continual protocol (one class per task, no replay): ``baseline``,
  ``spikedyn`` with its default mechanisms, and ``spikedyn`` with each mechanism toggled in
  turn (a default one off, an optional one on), and ``baseline + soft_readout`` (the
  baseline's learning read out as ``spikedyn`` reads out: the control of the readout); mean
  over seeds of mean recent-task accuracy, mean previous-tasks accuracy (tasks 1..9) and final
  all-class accuracy. Target (issue 10, Fashion-MNIST, 400 neurons, 500 samples per task):
  spikedyn >= baseline + 5 points recent and >= baseline previous.

Run one process at a time, niced, on one thread, e.g.
``nice .venv/bin/python benchmarks/sim_accuracy.py --suite ablation --dataset fashion-mnist
--neurons 400 --samples-per-task 500 --seeds 3``. Prints tables and appends them (with
machine, date and command) to benchmarks/RESULTS.md unless ``--no-record``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from _record import record

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from sim import (  # noqa: E402
    MECHANISMS,
    DatasetNotFoundError,
    SimConfig,
    input_rate_hz,
    load_dataset,
    run,
)
from sim._run import DEFAULT_SIZES  # noqa: E402


def _mean_runs(config: SimConfig, seeds: int) -> dict[str, float]:
    """Mean and spread over ``seeds`` runs of accuracy (and continual metrics)."""
    acc, recent, previous, ms = [], [], [], []
    for seed in range(seeds):
        result = run(SimConfig(**{**config.to_dict(), "seed": seed}))
        acc.append(result.accuracy)
        ms.append(result.train_ms_per_sample)
        if result.tasks:
            recent.append(np.mean([t["recent"] for t in result.tasks]))
            previous.append(np.mean([t["previous"] for t in result.tasks[1:]]))
    out = {"accuracy": 100 * np.mean(acc), "accuracy_sd": 100 * np.std(acc),
           "train_ms": float(np.mean(ms))}
    if recent:
        out |= {"recent": 100 * np.mean(recent), "recent_sd": 100 * np.std(recent),
                "previous": 100 * np.mean(previous), "previous_sd": 100 * np.std(previous)}
    return out


def static_suite(args: argparse.Namespace) -> str:
    rows = ["| dataset | neurons | train samples x epochs | assign samples"
            " | rate Hz (average image) | seeds"
            " | test accuracy | train ms/sample |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    cases = [(SimConfig(dataset="digits", neurons=100, epochs=e), args.seeds) for e in (1, 3)]
    try:
        load_dataset("fashion-mnist", args.data_dir)
        fashion = dict(dataset="fashion-mnist", data_dir=args.data_dir, neurons=400,
                       train_samples=10_000)
        seeds = args.fashion_seeds
        cases += [(SimConfig(**fashion), seeds)]
    except DatasetNotFoundError:
        print("fashion-mnist not installed: skipped", file=sys.stderr)
    for config, seeds in cases:
        r = _mean_runs(config, seeds)
        data = load_dataset(config.dataset, config.data_dir)
        rate = config.max_rate_hz or input_rate_hz(data.mean_intensity, data.n_inputs,
                                                    data.peak_intensity)
        n = config.train_samples or "all (1052)"
        assign = config.assign_samples or DEFAULT_SIZES[config.dataset][0]
        rows.append(f"| {config.dataset} | {config.neurons} | {n} x {config.epochs} | {assign} |"
                    f" {rate:.1f} | {seeds} |"
                    f" {r['accuracy']:.1f}% ± {r['accuracy_sd']:.1f} | {r['train_ms']:.2f} |")
        print(rows[-1], flush=True)
    return "\n".join(rows)


def bits_suite(args: argparse.Namespace) -> str:
    rows = ["| weight bits | quantization | nearest | truncate | stochastic |",
            "|---:|---|---:|---:|---:|"]
    base = dict(dataset="digits", neurons=100, epochs=3)
    for bits in (4, 6, 8, 16):
        cells = [_mean_runs(SimConfig(**base, weight_bits=bits, rounding=r), args.seeds)
                 for r in ("nearest", "truncate", "stochastic")]
        rows.append(f"| {bits} | in-training | "
                    + " | ".join(f"{c['accuracy']:.1f}%" for c in cells) + " |")
        print(rows[-1], flush=True)
        ptq = _mean_runs(SimConfig(**base, weight_bits=bits, quantization="post-training"),
                         args.seeds)
        rows.append(f"| {bits} | post-training | {ptq['accuracy']:.1f}% | | |")
        print(rows[-1], flush=True)
    fp = _mean_runs(SimConfig(**base), args.seeds)
    rows.append(f"| 32 (float32) | - | {fp['accuracy']:.1f}% | | |")
    return "\n".join(rows)


def ablation_suite(args: argparse.Namespace) -> str:
    base = dict(dataset=args.dataset, data_dir=args.data_dir, neurons=args.neurons,
                protocol="continual", samples_per_task=args.samples_per_task,
                assign_samples=args.assign_samples, test_samples=args.test_samples)
    variants = [("baseline", SimConfig(**base)),
                ("spikedyn (default)", SimConfig(**base, rule="spikedyn"))]
    default = SimConfig(**base, rule="spikedyn")
    for m in MECHANISMS:  # toggle each mechanism against the default combination
        on = getattr(default, m)
        variants.append((f"spikedyn {'-' if on else '+'} {m}",
                         SimConfig(**base, rule="spikedyn", **{m: not on})))
    # control: the baseline's learning with spikedyn's readout (spikedyn with every other
    # mechanism off is the baseline rule exactly)
    variants.append(("baseline + soft_readout", SimConfig(
        **base, rule="spikedyn", **{m: m == "soft_readout" for m in MECHANISMS})))
    rows = ["| rule | mean recent | mean previous | final all-class | train ms/sample |",
            "|---|---:|---:|---:|---:|"]
    if args.only:
        variants = [(name, config) for name, config in variants if name in args.only]
    for name, config in variants:
        start = time.perf_counter()
        r = _mean_runs(config, args.seeds)
        rows.append(f"| {name} | {r['recent']:.1f} ± {r['recent_sd']:.1f} |"
                    f" {r['previous']:.1f} ± {r['previous_sd']:.1f} |"
                    f" {r['accuracy']:.1f} ± {r['accuracy_sd']:.1f} | {r['train_ms']:.2f} |")
        print(rows[-1], f"({time.perf_counter() - start:.0f} s)", flush=True)
    return "\n".join(rows)


SUITES = {"static": static_suite, "bits": bits_suite, "ablation": ablation_suite}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append", choices=sorted(SUITES))
    parser.add_argument("--dataset", default="digits")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--neurons", type=int, default=100)
    parser.add_argument("--samples-per-task", type=int, default=100)
    parser.add_argument("--assign-samples", type=int, default=None)
    parser.add_argument("--test-samples", type=int, default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--fashion-seeds", type=int, default=1,
                        help="seeds of the Fashion-MNIST static runs (about 1 min each)")
    parser.add_argument("--only", action="append", metavar="ROW",
                        help="ablation: run only these rows, e.g. 'baseline' and "
                        "'spikedyn (default)' (repeatable)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    for suite in args.suite or ["static", "bits", "ablation"]:
        start = time.perf_counter()
        table = SUITES[suite](args)
        print(table)
        if args.no_record:
            continue
        what = (f"{args.dataset}, {args.neurons} neurons, {args.samples_per_task} samples/task,"
                f" {args.seeds} seeds" if suite == "ablation" else f"{args.seeds} seeds")
        record(f"sim_accuracy: {suite}, {what}", table, argv=argv,
               notes=[f"wall {time.perf_counter() - start:.0f} s, one thread"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

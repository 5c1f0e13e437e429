"""Search quality: each engine's hypervolume after K evaluations against the exhaustive front.

The space (2 304 designs, :func:`make_recorded_designs.benchmark_space`) is small enough to
enumerate, and simulation is replaced by the recorded table ``data/recorded_designs.csv``
(accuracy from a synthetic model, memory and inference energy from the real cost model), so no
simulation runs; the whole benchmark takes a few minutes, almost all of it Optuna's TPE sampler.
Objectives (minimised): error = 1 - accuracy, memory (bytes), inference energy (J); one
constraint: memory <= 256 KiB. The engines see these raw values, as ``dse explore`` tells them.

Hypervolume is measured on the feasible designs, with memory and energy on a log10 axis (they
span three decades), normalised by the ideal and nadir of the exhaustive front, with the
reference point 10 % beyond that nadir, so only designs near the front count (normalising by all
feasible designs instead lets even the grid's first quarter score 0.95). The figure reported is
the hypervolume of the designs an engine evaluated divided by that of the exhaustive front, after
K = 1/16, 1/8 and 1/4 of the space, averaged over seeds; target: >= 0.95 at K = 1/4.
``reach 0.95`` is the mean number of evaluations until the ratio first reaches 0.95 (over the
seeds that reach it within 1/4).

Usage: ``python benchmarks/search_quality.py [--seeds 5] [--batch-size 16] [--no-record]``.
Prints a table and appends it to benchmarks/RESULTS.md with machine, date and command.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _record import record  # noqa: E402
from make_recorded_designs import TABLE, benchmark_space  # noqa: E402

from dse._space import DesignSpace  # noqa: E402
from dse.engines import make_engine  # noqa: E402
from reports import hypervolume_history, normalised_hypervolume, pareto_mask  # noqa: E402

MEMORY_BUDGET_BYTES = 256 * 1024
RESULTS = Path(__file__).parent / "RESULTS.md"
#: (label, engine name, Optuna sampler)
ENGINES = (("grid", "grid", "nsga2"), ("random", "random", "nsga2"), ("nsga2", "nsga2", "nsga2"),
           ("optuna-nsga2", "optuna", "nsga2"), ("optuna-tpe", "optuna", "tpe"))
FRACTIONS = (16, 8, 4)
TARGET = 0.95

#: What every record of this benchmark must say about its accuracy column.
SYNTHETIC = ("accuracy is SYNTHETIC (make_recorded_designs.synthetic_accuracy, a plausible "
             "deterministic model), not simulated; memory and energy come from the real cost "
             "model. The figures compare search engines, not designs.")


def load_table(space: DesignSpace) -> dict[tuple, tuple[list[float], list[float]]]:
    """Design key -> (F = [error, memory, energy], G = [memory - budget])."""
    table = {}
    with TABLE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            design = {name: type(space[name].choices[0])(row[name]) for name in space.names}
            memory, energy = float(row["memory_bytes"]), float(row["energy_infer_j"])
            table[space.key(design)] = ([1.0 - float(row["accuracy"]), memory, energy],
                                        [memory - MEMORY_BUDGET_BYTES])
    if len(table) != space.size:
        raise SystemExit(f"{TABLE} holds {len(table)} designs, the space {space.size}: "
                         "rerun benchmarks/make_recorded_designs.py")
    return table


def log_axes(F: np.ndarray) -> np.ndarray:
    """Error as is, memory and energy in log10."""
    return np.column_stack([F[:, 0], np.log10(F[:, 1]), np.log10(F[:, 2])])


def run(engine_name: str, sampler: str, seed: int, budget: int, batch_size: int,
        space: DesignSpace, table: dict) -> tuple[np.ndarray, np.ndarray, int]:
    """Objectives and feasibility of the first ``budget`` evaluations, in order; and the number of
    evaluations actually made (an engine may stop early)."""
    engine = make_engine(engine_name, space, n_objectives=3, n_constraints=1, seed=seed,
                         batch_size=batch_size, optuna_sampler=sampler)
    F: list[list[float]] = []
    G: list[list[float]] = []
    while len(F) < budget:
        batch = engine.ask()
        if not batch:
            break
        rows = [table[space.key(c)] for c in batch[: budget - len(F)]]
        F += [f for f, _ in rows]
        G += [g for _, g in rows]
        if len(rows) == len(batch):
            engine.tell(batch, [f for f, _ in rows], [g for _, g in rows])
    F_, G_ = np.array(F), np.array(G)
    return F_, (G_ <= 0).all(axis=1), len(F)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)

    space = benchmark_space()
    table = load_table(space)
    all_F = np.array([f for f, _ in table.values()])
    feasible = np.array([(np.array(g) <= 0).all() for _, g in table.values()])
    axes = log_axes(all_F[feasible])
    front = axes[pareto_mask(axes)]
    ideal, nadir = front.min(axis=0), front.max(axis=0)
    nadir = ideal + 1.1 * (nadir - ideal)               # reference point 10 % beyond the nadir
    exact = normalised_hypervolume(front, ideal, nadir)
    budgets = [space.size // f for f in FRACTIONS]

    lines = [f"space {space.size} designs, {int(feasible.sum())} feasible (memory <= 256 KiB), "
             f"exhaustive front {len(front)} designs; {args.seeds} seeds, batch {args.batch_size}; "
             "HV on log10 memory and energy, reference 10 % beyond the front's nadir",
             "",
             "| engine | "
             + " | ".join(f"HV ratio @ {k} (1/{f})"
                          for k, f in zip(budgets, FRACTIONS, strict=True))
             + " | min @ 1/4 | reach 0.95 (evals) | s/run |",
             "|---" * (len(budgets) + 4) + "|"]
    for label, engine_name, sampler in ENGINES:
        ratios, reach, seconds = [], [], []
        for seed in range(args.seeds):
            start = time.perf_counter()
            F, ok, n = run(engine_name, sampler, seed, budgets[-1], args.batch_size, space, table)
            seconds.append(time.perf_counter() - start)
            history = hypervolume_history(log_axes(F), ideal, nadir, include=ok) / exact
            ratios.append([history[min(k, n) - 1] for k in budgets])
            hit = np.flatnonzero(history >= TARGET)
            if hit.size:
                reach.append(int(hit[0]) + 1)
        mean = np.mean(ratios, axis=0)
        reached = f"{np.mean(reach):.0f} ({len(reach)}/{args.seeds} seeds)" if reach else "never"
        lines.append(f"| {label} | " + " | ".join(f"{v:.3f}" for v in mean)
                     + f" | {np.min(ratios, axis=0)[-1]:.3f} | {reached} | {np.mean(seconds):.2f} |")
    report = "\n".join(lines)
    print(report)
    if not args.no_record:
        record("search_quality", report, argv=argv, notes=[SYNTHETIC])


if __name__ == "__main__":
    main()

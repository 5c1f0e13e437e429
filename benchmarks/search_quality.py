"""Search quality: each engine's hypervolume after K evaluations against the exhaustive front.

Engines are replayed on recorded tables (no simulation runs): every design of a small space
with its objectives as ``dse explore`` tells them to an engine, and its analytical estimate as
``dse explore`` gives it to the guided engine before any simulation.

- ``synthetic``: ``data/recorded_designs.csv`` (2 304 designs; accuracy from a synthetic
  model, memory and energy from the cost model, so estimates are exact); budget 256 KiB.
- ``digits``, ``fashion``: ``data/real_digits.csv`` and ``data/real_fashion.csv``, exhaustive
  runs of the real pipeline (simulated accuracy, cost priced with measured activity; estimates
  differ from it), made by ``make_real_tables.py`` (the exact commands are in the ``.json``
  beside each table); budgets as recorded there.

Objectives (minimised): error = 1 - accuracy, memory (bytes), inference energy (J); a design
the pre-screen rejects costs an evaluation and scores error 1. Hypervolume is measured on the
feasible designs, with memory and energy on a log10 axis, normalised by the ideal and nadir of
the exhaustive front, reference point 10 % beyond that nadir. Reported: the hypervolume of the
designs an engine evaluated divided by that of the exhaustive front after 5 %, 10 % and 25 % of
the space, mean and worst over the seeds. Targets (real tables): mean >= 0.90 at 5 % and >= 0.95
at 10 %, worst >= 0.92 at 10 %.

Usage: ``python benchmarks/search_quality.py [--tables synthetic,digits,fashion] [--engines
guided,nsga2,...] [--seeds 5] [--batch-size 8] [--no-record]``. Prints one table per recorded
table and appends them to benchmarks/RESULTS.md with machine, date and command.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _record import record  # noqa: E402
from make_recorded_designs import TABLE as SYNTHETIC_TABLE  # noqa: E402
from make_recorded_designs import benchmark_space  # noqa: E402

from dse._space import DesignSpace, load_space  # noqa: E402
from dse.engines import Estimates, make_engine  # noqa: E402
from reports import hypervolume_history, normalised_hypervolume, pareto_mask  # noqa: E402

DATA = Path(__file__).parent / "data"
SYNTHETIC_MEMORY_BUDGET = 256 * 1024
#: label -> (engine name, Optuna sampler)
ENGINES: dict[str, tuple[str, str]] = {
    "grid": ("grid", "nsga2"), "random": ("random", "nsga2"), "nsga2": ("nsga2", "nsga2"),
    "optuna-nsga2": ("optuna", "nsga2"), "optuna-tpe": ("optuna", "tpe"),
    "guided": ("guided", "nsga2"),
}
TABLES = ("synthetic", "digits", "fashion")
FRACTIONS = (0.05, 0.10, 0.25)
#: (fraction, mean target, worst target) on the real tables
TARGETS = ((0.05, 0.90, None), (0.10, 0.95, 0.92))


@dataclass(frozen=True)
class Table:
    """A recorded exhaustive evaluation: per design key, what the engine is told (F, G) and
    what the estimator says beforehand (estimated F, G, screened)."""

    name: str
    space: DesignSpace
    told: dict[tuple, tuple[list[float], list[float]]]
    estimated: dict[tuple, tuple[list[float], list[float], bool]]
    note: str

    def estimator(self, candidates: list[dict]) -> Estimates:
        rows = [self.estimated[self.space.key(c)] for c in candidates]
        return Estimates(np.array([f for f, _, _ in rows]).reshape(len(rows), 3),
                         np.array([g for _, g, _ in rows]).reshape(len(rows), -1),
                         np.array([s for _, _, s in rows], dtype=bool))


def design_of_row(space: DesignSpace, row: dict[str, str]) -> dict:
    """The design of a table row; parameters the table lacks (fixed, or not applying to the
    space's family) take the space's first level."""
    out = {}
    for name in space.names:
        first = space[name].levels()[0]
        kind = type(first)
        text = row.get(name)
        out[name] = first if text is None else kind(float(text)) if kind is int else kind(text)
    return space.canonical(out)


def synthetic_table() -> Table:
    space = benchmark_space()
    told, estimated = {}, {}
    with SYNTHETIC_TABLE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            key = space.key(design_of_row(space, row))
            memory, energy = float(row["memory_bytes"]), float(row["energy_infer_j"])
            g = [memory - SYNTHETIC_MEMORY_BUDGET]
            told[key] = ([1.0 - float(row["accuracy"]), memory, energy], g)
            estimated[key] = ([np.nan, memory, energy], g, g[0] > 0)
    return Table("synthetic", space, told, estimated,
                 "accuracy is SYNTHETIC (make_recorded_designs.synthetic_accuracy, a plausible "
                 "deterministic model), not simulated; memory and energy come from the real cost "
                 "model and are exact estimates here; budget 256 KiB (pre-screened). These "
                 "figures compare search engines, not designs.")


def real_table(name: str) -> Table:
    meta = json.loads((DATA / f"real_{name}.json").read_text())
    space = load_space(DATA / f"space_{name}.yaml")
    budgets = meta["budgets"]
    told, estimated = {}, {}
    with (DATA / f"real_{name}.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            key = space.key(design_of_row(space, row))
            error = 1.0 - float(row["accuracy"]) if row["accuracy"] else 1.0
            memory, energy = float(row["memory_bytes"]), float(row["energy_infer_j"])
            told[key] = ([error, memory, energy],
                         [memory - budgets["memory"], energy - budgets["energy_infer"]])
            est_memory, est_energy = float(row["est_memory_bytes"]), float(row["est_energy_infer_j"])
            estimated[key] = ([np.nan, est_memory, est_energy],
                              [est_memory - budgets["memory"], est_energy - budgets["energy_infer"]],
                              row["prescreened"] == "True")
    if len(told) != space.size:
        raise SystemExit(f"real_{name}.csv holds {len(told)} designs, the space {space.size}")
    note = (f"{meta['dataset']}, real simulated accuracy ({meta['accuracy_range'][0]:.3f}.."
            f"{meta['accuracy_range'][1]:.3f}); budgets memory {budgets['memory']:.0f} B, "
            f"energy {budgets['energy_infer']:.1e} J; made by `{' '.join(meta['command'])}` "
            f"(code {meta['code_version']})")
    return Table(name, space, told, estimated, note)


def log_axes(F: np.ndarray) -> np.ndarray:
    """Error as is, memory and energy in log10."""
    return np.column_stack([F[:, 0], np.log10(F[:, 1]), np.log10(F[:, 2])])


def replay(table: Table, label: str, seed: int, budget: int, batch_size: int
           ) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Objectives and feasibility of the first ``budget`` evaluations, in order; the number of
    evaluations made (an engine may stop early); the engine's own time (ask + tell, s)."""
    engine_name, sampler = ENGINES[label]
    space = table.space
    engine = make_engine(engine_name, space, n_objectives=3,
                         n_constraints=len(next(iter(table.told.values()))[1]), seed=seed,
                         batch_size=batch_size, optuna_sampler=sampler,  # type: ignore[arg-type]
                         estimator=table.estimator)
    F: list[list[float]] = []
    G: list[list[float]] = []
    screened: list[bool] = []
    spent = 0.0
    while len(F) < budget:
        start = time.perf_counter()
        batch = engine.ask()
        spent += time.perf_counter() - start
        if not batch:
            break
        keys = [space.key(c) for c in batch[: budget - len(F)]]
        rows = [table.told[k] for k in keys]
        F += [f for f, _ in rows]
        G += [g for _, g in rows]
        screened += [table.estimated[k][2] for k in keys]
        if len(rows) == len(batch):
            start = time.perf_counter()
            engine.tell(batch, [f for f, _ in rows], [g for _, g in rows])
            spent += time.perf_counter() - start
    feasible = (np.array(G) <= 0).all(axis=1) & ~np.array(screened)
    return np.array(F), feasible, len(F), spent


def evaluate_table(table: Table, labels: list[str], seeds: int, batch_size: int
                   ) -> tuple[str, dict[str, np.ndarray]]:
    """The markdown section of one table and each engine's ratios ``(seeds, fractions)``."""
    keys = list(table.told)
    all_F = np.array([table.told[k][0] for k in keys])
    feasible = np.array([(np.array(table.told[k][1]) <= 0).all() and not table.estimated[k][2]
                         for k in keys])
    axes = log_axes(all_F[feasible])
    front = axes[pareto_mask(axes)]
    ideal, nadir = front.min(axis=0), front.max(axis=0)
    nadir = ideal + 1.1 * (nadir - ideal)               # reference point 10 % beyond the nadir
    exact = normalised_hypervolume(front, ideal, nadir)
    budgets = [max(1, round(table.space.size * f)) for f in FRACTIONS]
    head = " | ".join(f"{f:.0%} ({k})" for f, k in zip(FRACTIONS, budgets, strict=True))
    lines = [f"### {table.name}: {table.space.size} designs, {int(feasible.sum())} feasible, "
             f"exhaustive front {len(front)}", "", table.note, "",
             f"HV ratio, mean (worst) over {seeds} seeds, batch {batch_size}:", "",
             f"| engine | {head} | engine s/batch |", "|---" * (len(budgets) + 2) + "|"]
    results = {}
    for label in labels:
        ratios, per_batch = [], []
        for seed in range(seeds):
            F, ok, n, spent = replay(table, label, seed, budgets[-1], batch_size)
            per_batch.append(spent / max(1, -(-n // batch_size)))
            history = hypervolume_history(log_axes(F), ideal, nadir, include=ok) / exact
            ratios.append([history[min(k, n) - 1] for k in budgets])
        array = np.array(ratios)
        results[label] = array
        cells = [f"{m:.3f} ({w:.3f})" for m, w in zip(array.mean(axis=0), array.min(axis=0),
                                                       strict=True)]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {np.mean(per_batch):.3f} |")
        print(lines[-1], flush=True)
    return "\n".join(lines), results


def verdicts(results: dict[str, dict[str, np.ndarray]]) -> list[str]:
    """Target checks for each engine on the real tables."""
    lines = []
    for label in next(iter(results.values())):
        checks = []
        for name, by_engine in results.items():
            if name == "synthetic":
                continue
            ratios = by_engine[label]
            for fraction, mean_target, worst_target in TARGETS:
                column = FRACTIONS.index(fraction)
                ok = ratios[:, column].mean() >= mean_target
                if worst_target is not None:
                    ok = ok and ratios[:, column].min() >= worst_target
                checks.append(ok)
        if checks:
            lines.append(f"- {label}: {sum(checks)}/{len(checks)} real-table targets met")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args(argv)
    labels = [label.strip() for label in args.engines.split(",")]
    unknown = sorted(set(labels) - set(ENGINES))
    if unknown:
        raise SystemExit(f"--engines: unknown {', '.join(unknown)} (choose from {', '.join(ENGINES)})")
    sections, results = [], {}
    for name in (t.strip() for t in args.tables.split(",")):
        table = synthetic_table() if name == "synthetic" else real_table(name)
        print(f"{name}:", flush=True)
        section, results[name] = evaluate_table(table, labels, args.seeds, args.batch_size)
        sections.append(section)
    report = "\n\n".join(sections)
    targets = verdicts(results)
    print("\n".join(targets))
    if not args.no_record:
        record("search_quality", report, notes=[
            "HV on error, log10 memory, log10 energy; reference 10 % beyond the exhaustive "
            "front's nadir; targets (real tables): mean >= 0.90 at 5 %, mean >= 0.95 and worst "
            ">= 0.92 at 10 %", *targets], argv=argv)


if __name__ == "__main__":
    main()

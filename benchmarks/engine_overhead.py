"""Engine overhead: seconds an engine spends proposing one batch (ask + tell) at N evaluated designs.

The space is the default one with the STDP family (integer neurons 16..1600 on a log scale and a
real inhibition strength, so it cannot be enumerated: the guided engine works on a sampled pool
grown every batch). Estimates come from the real cost model (``RealModels.estimate_many`` on
digits, generic_asic_45nm, budgets 64 KiB and 2 uJ, as ``dse explore`` gives them); the told
objectives are a smooth synthetic accuracy and the estimated costs times a design-dependent
activity factor (measured activity differs from the estimate), so no simulation runs. The
history of ``--evaluated`` designs is filled directly (``GuidedEngine.tell_history`` with that
many uniform draws; the other engines, which cannot take a history, are asked and told in
batches of 500), then ``--batches`` batches of ``--batch-size`` are timed: CPU seconds of the
engine's ``ask`` + ``tell`` (``time.process_time``, so other processes on a shared machine do
not inflate it) and wall seconds. Target (guided): under 1 s per batch at 5,000 evaluated
designs.

Second table: the delay before the first batch on the default space with every family (STDP and
the layered networks), the first ``ask`` in CPU seconds: the guided engine prices its whole
initial pool (8,192 draws) there. Target: about 1 s.

Usage: ``python benchmarks/engine_overhead.py [--engines guided,nsga2] [--evaluated 5000]
[--batch-size 16] [--batches 5] [--no-record]``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _record import record  # noqa: E402

from dse import default_space, parse_budgets  # noqa: E402
from dse._explore import estimator  # noqa: E402
from dse._objectives import parse_objectives  # noqa: E402
from dse._pipeline import EvalContext, RealModels, SimSettings  # noqa: E402
from dse._space import ChoiceParam, DesignSpace  # noqa: E402
from dse.engines import Engine, Estimator, make_engine  # noqa: E402
from dse.engines._guided import GuidedEngine  # noqa: E402
from hwprofiles import load_profile  # noqa: E402

PRIMING_BATCH = 500
TARGET_S = 1.0


def stdp_space() -> DesignSpace:
    """The default space with the family fixed to STDP."""
    return DesignSpace([ChoiceParam("family", ("stdp",)) if p.name == "family" else p
                        for p in default_space().params])


def real_estimator() -> Estimator:
    """The estimator ``dse explore`` builds for digits on generic_asic_45nm, 64 KiB and 2 uJ."""
    models = RealModels()
    settings = SimSettings("digits", "static", 1000, 400)
    ctx = EvalContext(profile=load_profile("generic_asic_45nm"), dataset=models.dataset_info(settings),
                      settings=settings,
                      budgets=parse_budgets({"memory": "64KiB", "energy_infer": "2uJ"}),
                      run_seed=0, code_version="benchmark", models=models)
    return estimator(ctx, parse_objectives("accuracy,memory,energy-infer", "static"))


def told(candidates: list[dict[str, Any]], estimate: Estimator) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic measured rows: a smooth error, the estimated costs times an activity factor."""
    est = estimate(candidates)
    F, G = est.F.copy(), est.G.copy()
    for i, c in enumerate(candidates):
        bits = 1 - math.exp(-c["weight_bits"] / 4)
        size = 1 - math.exp(-math.log(c["neurons"] / 8) / 2)
        strength = math.exp(-(math.log(c["inhibition_strength"] / 40)) ** 2)
        F[i, 0] = 1 - 0.9 * bits * size * (0.8 + 0.2 * strength) * (0.9 + c["timesteps"] / 3500)
        factor = 1 + 1.5 * math.exp(-c["timesteps"] / 60)
        F[i, 2] *= factor
        G[i, 1] = F[i, 2] - 2e-6
    return F, G


def step(engine: Engine, estimate: Estimator) -> int:
    batch = engine.ask()
    if batch:
        F, G = told(batch, estimate)
        engine.tell(batch, F, G)
    return len(batch)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="guided,nsga2,random")
    parser.add_argument("--evaluated", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    space, estimate = stdp_space(), real_estimator()
    lines = [f"| engine | evaluated before | CPU s/batch (mean of {args.batches}) | CPU s/batch "
             "(max) | wall s/batch (mean) | target |", "|---|---:|---:|---:|---:|---|"]
    for name in args.engines.split(","):
        engine = make_engine(name, space, n_objectives=3, n_constraints=2, seed=0,
                             batch_size=PRIMING_BATCH, estimator=estimate)
        done = 0
        if isinstance(engine, GuidedEngine):
            history = space.sample(np.random.default_rng(1), args.evaluated)
            engine.tell_history(history, *told(history, estimate))
            done = len(history)
        while done < args.evaluated:
            engine.batch_size = min(PRIMING_BATCH, args.evaluated - done)
            done += step(engine, estimate)
        engine.batch_size = args.batch_size
        cpu, wall = [], []
        for _ in range(args.batches):
            start, start_cpu = time.perf_counter(), time.process_time()
            batch = engine.ask()
            asked, asked_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            F, G = told(batch, estimate)
            start, start_cpu = time.perf_counter(), time.process_time()
            engine.tell(batch, F, G)
            wall.append(asked + time.perf_counter() - start)
            cpu.append(asked_cpu + time.process_time() - start_cpu)
        mean, worst = float(np.mean(cpu)), float(np.max(cpu))
        verdict = ("met" if mean < TARGET_S else "missed") if name == "guided" else "-"
        lines.append(f"| {name} | {done} | {mean:.3f} | {worst:.3f} | {np.mean(wall):.3f} | "
                     f"{verdict} |")
        print(lines[-1], flush=True)
    lines += ["", "| engine | first batch on the default space, every family: CPU s | wall s |",
              "|---|---:|---:|"]
    for name in args.engines.split(","):
        engine = make_engine(name, default_space(), n_objectives=3, n_constraints=2, seed=0,
                             batch_size=args.batch_size, estimator=estimate)
        start, start_cpu = time.perf_counter(), time.process_time()
        engine.ask()
        lines.append(f"| {name} | {time.process_time() - start_cpu:.3f} | "
                     f"{time.perf_counter() - start:.3f} |")
        print(lines[-1], flush=True)
    if not args.no_record:
        record("engine_overhead", "\n".join(lines), notes=[
            f"default space, family stdp; batch {args.batch_size}; the time includes the engine's "
            "calls to the cost-model estimator (its pool refresh), not the synthetic objectives; "
            f"1-min load average {os.getloadavg()[0]:.1f}",
            f"target (guided): < {TARGET_S} s per batch at 5,000 evaluated designs; first batch "
            "on the default space about 1 s"], argv=argv)


if __name__ == "__main__":
    main()

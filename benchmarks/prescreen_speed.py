"""CPU time of the pre-screen per design of a proposed batch: priced at once, or one by one.

Issue 13: the pre-screen priced proposals one by one (``RealModels.estimate``: the full cost
report with its ranges and the ANN twin, per design). Now every engine's batch is priced at
once (``dse._pipeline.prepare_many`` over ``RealModels.estimate_many``: STDP networks
vectorised by ``costmodels.estimate_many``, layered families by ``price_layered_many``),
and only the designs it rejects are priced again in full, for the breakdown their records
store. The designs are drawn from the default space, with ``family`` fixed to ``stdp`` or all
five, on ``generic_asic_45nm`` with the digits dataset, without budgets and with budgets
that reject about half of them. Run on code without ``prepare_many`` (before), it times the
one-by-one path. Each figure is the best of ``--repeats`` passes, in CPU time
(``time.process_time``: the machine is shared).

Prints a table and appends it to benchmarks/RESULTS.md.
Usage: ``python benchmarks/prescreen_speed.py [--batch N ...] [--repeats R] [--no-record]``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time

import numpy as np
from _record import record
from costmodel_speed import best_of

from dse import ChoiceParam, DesignSpace, default_space, parse_budgets
from dse import _pipeline as pipeline
from dse._pipeline import EvalContext, RealModels, SimSettings, canonical_candidate, prepare
from hwprofiles import load_profile

PROFILE = "generic_asic_45nm"
BUDGETS = {"memory": "16KiB", "energy_infer": "1uJ"}


def _stdp_only(space: DesignSpace) -> DesignSpace:
    """``space`` with ``family`` fixed to ``stdp`` (the family ``estimate_many`` vectorises)."""
    return DesignSpace([ChoiceParam("family", ("stdp",)) if p.name == "family" else p
                        for p in space.params])


def main(argv: list[str]) -> None:
    """Time the one-by-one and the batched pre-screen; print and record them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, nargs="+", default=[16])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    models = RealModels()
    settings = SimSettings(dataset="digits", protocol="static", train_samples=1000,
                           test_samples=400)
    prepare_many = getattr(pipeline, "prepare_many", None)  # None: the code before it
    rows = ["| families | budgets | robust | batch | path | CPU per design (ms) | rejected |",
            "|---|---|---|---:|---|---:|---:|"]
    spaces = {"stdp": _stdp_only(default_space()), "all": default_space()}
    budget_sets = {"none": {}, "16KiB, 1uJ": BUDGETS}
    for (families, space), (budget_text, budgets), robust in itertools.product(
            spaces.items(), budget_sets.items(), (False, True)):
        ctx = EvalContext(profile=load_profile(PROFILE), dataset=models.dataset_info(settings),
                          settings=settings, budgets=parse_budgets(budgets), run_seed=0,
                          code_version="benchmark", models=models, robust=robust)
        for n in args.batch:
            batch = [canonical_candidate(c)
                     for c in space.sample(np.random.default_rng(n), n)]
            one = [prepare(i, c, ctx) for i, c in enumerate(batch)]  # warm-up, and the count
            rejected = sum(p.record is not None for p in one)
            if prepare_many is None:
                name, work = "one by one", lambda b=batch, c=ctx: [prepare(i, d, c)
                                                                  for i, d in enumerate(b)]
            else:
                name, work = "batch", lambda b=batch, c=ctx: prepare_many(0, b, c)
            cpu = best_of(args.repeats, work, time.process_time)
            rows.append(f"| {families} | {budget_text} | {'yes' if robust else 'no'} | {n} | "
                        f"{name} | {cpu / n * 1e3:.3f} | {rejected} |")
    text = "\n".join([*rows, ""])
    print(text)
    if not args.no_record:
        record("prescreen_speed", text, argv=argv, notes=[
            f"{PROFILE}, digits; budgets memory 16KiB, inference energy 1uJ; designs drawn from "
            "the default space, with family fixed to stdp ('stdp') or all five ('all')",
            "CPU time per design, best of the repeats; a rejected design's record prices it "
            "again, in full",
            *([] if prepare_many else ["code before the batch pre-screen: one by one"])])


if __name__ == "__main__":
    main(sys.argv[1:])

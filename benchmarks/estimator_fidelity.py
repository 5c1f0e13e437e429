"""Estimator fidelity: the pre-simulation activity estimate against the simulator.

Draws designs from the default design space (``dse.default_space``), simulates each (``sim.run``,
short static protocol), and compares the *estimated* activity (``costmodels.Activity.estimated``)
with the *measured* one: per counter, and for total training and inference energy on every
shipped profile, the ratio estimated / measured (median, 5th and 95th percentile). It also
counts false rejections of the pre-screen: designs whose estimate exceeds a budget met by the
measured cost by more than the pre-screen's safety margin (``dse.PRESCREEN_MARGIN``).

Two design sets with different seeds: the *fit* set (``--fit`` refits the estimator's
coefficients by least squares in log space and writes ``costmodels/_fitted.py``) and the
held-out *evaluation* set that the table reports. Simulations are cached in
``benchmarks/data/estimator_fidelity_<dataset>.json`` (keyed by design and seed).

Usage::

    python benchmarks/estimator_fidelity.py [--datasets digits,fashion-mnist] [--designs 60]
        [--fit] [--no-append]

Targets (issue 8): total energy ratio within 0.75..1.25 at the median and 0.5..1.5 at the
5th/95th percentile on every profile; 0 false rejections.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _record import record

import sim
from costmodels import Activity, SNNDesign, estimate, fit_activity_model
from dse import PRESCREEN_MARGIN, default_space
from hwprofiles import list_profiles, load_profile
from snn_dse.domains import applies

DATA = Path(__file__).with_name("data")
#: The fidelity of ``dse explore``'s defaults (1,000 training and 400 test samples), so that
#: the per-sample means are those the pre-screen is compared with.
TRAIN_SAMPLES = 1000
TEST_SAMPLES = 400
SEEDS = {"fit": 101, "eval": 202}


def draw_designs(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` STDP-family candidates drawn from the default space (each parameter's own
    ``sample``; the parameters of the layered families do not apply)."""
    rng = np.random.default_rng(seed)
    params = [p for p in default_space().params
              if p.name != "family" and applies(p.name, {"family": "stdp"})]
    return [{p.name: _plain(p.sample(rng, 1)[0]) for p in params} for _ in range(n)]


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _key(dataset: str, candidate: dict[str, Any], seed: int) -> str:
    return json.dumps({"dataset": dataset, "seed": seed, "train_samples": TRAIN_SAMPLES,
                       "test_samples": TEST_SAMPLES, **candidate}, sort_keys=True)


def simulate_all(dataset: str, candidates: list[dict[str, Any]], seed: int) -> list[dict]:
    """Simulation records of ``candidates`` (cached on disk)."""
    path = DATA / f"estimator_fidelity_{dataset}.json"
    cache = json.loads(path.read_text()) if path.exists() else {}
    data = sim.load_dataset(dataset)
    records = []
    for i, candidate in enumerate(candidates):
        key = _key(dataset, candidate, seed)
        if key not in cache:
            start = time.perf_counter()
            config = sim.SimConfig(dataset=dataset, train_samples=TRAIN_SAMPLES,
                                   test_samples=TEST_SAMPLES,
                                   rounding="stochastic", seed=seed + i, **candidate)
            result = sim.run(config).to_dict()
            cache[key] = {"candidate": candidate, "dataset": dataset,
                          "inputs": int(data.n_inputs),
                          "mean_intensity": float(data.mean_intensity),
                          "max_rate_hz": float(sim.input_rate_hz(
                              data.mean_intensity, data.n_inputs, data.peak_intensity)),
                          "activity": result["activity"], "accuracy": result["accuracy"]}
            path.write_text(json.dumps(cache, indent=0, sort_keys=True))
            print(f"  {dataset} {i + 1}/{len(candidates)} {candidate['neurons']} neurons "
                  f"{time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
        records.append(cache[key])
    return records


def design_of(rec: dict) -> SNNDesign:
    """The priced design of a simulation record."""
    c = rec["candidate"]
    return SNNDesign(inputs=rec["inputs"], neurons=c["neurons"], inhibition=c["inhibition"],
                     weight_bits=c["weight_bits"], timesteps=c["timesteps"], rule=c["rule"],
                     inhibition_strength=c["inhibition_strength"])


def estimated(rec: dict, training: bool) -> Activity:
    """The estimate the pre-screen would use for this record's design."""
    return Activity.estimated(design_of(rec), mean_intensity=rec["mean_intensity"],
                              max_rate_hz=rec["max_rate_hz"], training=training)


def ratios(records: list[dict]) -> dict[str, np.ndarray]:
    """Estimated / measured per counter (``train:``/``infer:`` prefixes) and per profile total
    energy (``<profile> train``/``<profile> infer``), one element per record."""
    out: dict[str, list[float]] = {}
    profiles = [load_profile(e.id) for e in list_profiles() if e.builtin]
    for rec in records:
        est = {p: estimated(rec, p == "train") for p in ("train", "infer")}
        meas = {p: Activity.from_dict(rec["activity"][p]) for p in ("train", "infer")}
        for phase in ("train", "infer"):
            for name, value in meas[phase].to_dict().items():
                if value > 0:
                    out.setdefault(f"{phase}: {name}", []).append(getattr(est[phase], name) / value)
        design = design_of(rec)
        for profile in profiles:
            e = estimate(design, profile, est["train"], est["infer"])
            m = estimate(design, profile, meas["train"], meas["infer"])
            out.setdefault(f"{profile.id} train", []).append(
                e.energy_train_j["total"] / m.energy_train_j["total"])
            out.setdefault(f"{profile.id} infer", []).append(
                e.energy_infer_j["total"] / m.energy_infer_j["total"])
            out.setdefault(f"{profile.id} latency", []).append(e.latency_s / m.latency_s)
    return {k: np.array(v) for k, v in out.items()}


def table(r: dict[str, np.ndarray]) -> tuple[str, bool, int]:
    """Markdown table, whether every energy row meets the targets, false rejections (energy
    rows: a design whose estimate exceeds its measured cost by more than the margin would be
    rejected by a budget equal to its measured cost; latency is not pre-screened)."""
    lines = ["| ratio estimated / measured | n | median | p5 | p95 | max | false rejections |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    ok, false_rejections = True, 0
    for name, values in r.items():
        med, p5, p95 = np.median(values), np.percentile(values, 5), np.percentile(values, 95)
        energy = name.endswith((" train", " infer")) and ":" not in name
        fr = int(np.sum(values > PRESCREEN_MARGIN)) if energy else 0
        false_rejections += fr
        if energy:
            ok &= 0.75 <= med <= 1.25 and p5 >= 0.5 and p95 <= 1.5
        lines.append(f"| {name} | {values.size} | {med:.2f} | {p5:.2f} | {p95:.2f} | "
                     f"{values.max():.2f} | {fr if energy else ''} |")
    return "\n".join(lines), ok, false_rejections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="digits,fashion-mnist")
    parser.add_argument("--designs", type=int, default=60, help="designs per dataset and set")
    parser.add_argument("--fit", action="store_true", help="refit costmodels/_fitted.py")
    parser.add_argument("--no-append", action="store_true", help="Do not write RESULTS.md.")
    args = parser.parse_args()

    datasets, skipped = [], []
    for name in args.datasets.split(","):
        try:
            sim.load_dataset(name)
            datasets.append(name)
        except sim.DatasetNotFoundError:
            skipped.append(name)
    if skipped:
        print(f"skipped (dataset files not found): {', '.join(skipped)}", file=sys.stderr)
    sets = {}
    for which, seed in SEEDS.items():
        if (which == "fit") != args.fit:  # --fit needs the fit set only, evaluation the other
            continue
        sets[which] = [rec for ds in datasets
                       for rec in simulate_all(ds, draw_designs(args.designs, seed), seed)]
    if args.fit:
        path = Path(__file__).parent.parent / "costmodels" / "_fitted.py"
        fit_activity_model(sets["fit"], path)
        print(f"wrote {path}; re-run without --fit to evaluate", file=sys.stderr)
        return
    body, ok, false_rejections = table(ratios(sets["eval"]))
    print(body)
    print(f"targets met: {ok}; false rejections at margin {PRESCREEN_MARGIN}: {false_rejections}")
    if args.no_append:
        return
    record("estimator_fidelity", body, notes=[
        f"datasets: {', '.join(datasets)}" + (f" (not on this machine: {', '.join(skipped)})"
                                              if skipped else ""),
        f"{args.designs} held-out designs per dataset from the default space (seed "
        f"{SEEDS['eval']}); coefficients fitted on another {args.designs} (seed {SEEDS['fit']})",
        f"simulation: static protocol, {TRAIN_SAMPLES} train / {TEST_SAMPLES} test samples "
        "(dse explore's defaults), stochastic rounding",
        "targets: total energy ratio median 0.75..1.25, p5 >= 0.5, p95 <= 1.5 on every profile"
        f" -> {'met' if ok else 'NOT met'}; pre-screen false rejections (ratio above the "
        f"safety margin {PRESCREEN_MARGIN}): {false_rejections}",
    ])


if __name__ == "__main__":
    main()

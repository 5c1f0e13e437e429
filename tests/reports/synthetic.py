"""Synthetic run dicts and evaluation records that follow docs/architecture.md exactly, with
realistic numbers (digits: 64 inputs; Loihi-like and ASIC-like per-event energies)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

INPUTS = 64
PROFILES: dict[str, dict[str, Any]] = {
    "loihi1_like": {
        "id": "loihi1_like", "name": "Loihi-like neuromorphic core", "kind": "neuromorphic",
        "execution": "event_driven", "synop_j": 23.6e-12, "update_j": 52e-12,
        "spike_j": 1.7e-12, "learn_j": 120e-12, "static_w": 1e-3,
    },
    "generic_asic_45nm": {
        "id": "generic_asic_45nm", "name": "Generic 45 nm ASIC", "kind": "asic",
        "execution": "event_driven", "synop_j": 4.6e-12, "update_j": 9e-12,
        "spike_j": 0.9e-12, "learn_j": 30e-12, "static_w": 0.2e-3,
    },
}
#: Relative low and high corners of every synthetic energy (a +-30 % style range).
LOW, HIGH = 0.75, 1.35
SPACE = {
    "neurons": [25, 50, 100, 200, 400],
    "weight_bits": [4, 8, 16, 32],
    "inhibition": ["direct", "population"],
    "rule": ["baseline", "spikedyn"],
    "timesteps": [100, 250],
}
REFERENCES = {
    "loihi1_like": ("measured", "R3: M. Davies et al., Loihi, IEEE Micro 38(1), 2018, Table 1"),
    "generic_asic_45nm": ("measured", "R1: M. Horowitz, Computing's energy problem, ISSCC 2014"),
}


def _figure(field: str, value: float, unit: str, profile: str) -> dict[str, Any]:
    """One ``cost.figures`` entry: the profile's number as written (a unit string)."""
    basis, reference = REFERENCES[profile]
    return {"field": field, "value": f"{value:.4g} {unit}", "basis": basis,
            "reference": reference}


def space_dict() -> dict[str, dict[str, Any]]:
    """``SPACE`` as ``DesignSpace.to_dict()`` writes it."""
    return {name: {"type": "choice", "choices": list(values)} for name, values in SPACE.items()}


def _cost(candidate: dict[str, Any], profile: str, activity: dict[str, float]) -> dict[str, Any]:
    """A ``CostReport.to_dict()`` for ``candidate`` on ``profile``."""
    p = PROFILES[profile]
    n, bits, steps = candidate["neurons"], candidate["weight_bits"], candidate["timesteps"]
    memory = {
        "input_weights": INPUTS * n * bits / 8,
        "inhibitory_weights": n * n * bits / 8 if candidate["inhibition"] == "population"
        else bits / 8,
        "neuron_state": n * 2.0,
        "thresholds": n * 2.0,
        "traces": (n + INPUTS) * 2.0,
        "labels": float(n),
    }
    memory = {"total": sum(memory.values()), **memory}
    scale = bits / 8
    latency = steps * 1e-3
    infer = {
        "synaptic_ops": activity["synaptic_events"] * p["synop_j"] * scale,
        "neuron_updates": n * steps * p["update_j"],
        "spikes": activity["exc_spikes"] * p["spike_j"],
        "static": p["static_w"] * latency * 1e-3,
    }
    train = {**infer, "learning": activity["exc_spikes"] * INPUTS * p["learn_j"] * scale}
    if candidate["rule"] == "spikedyn":
        train["learning"] *= 0.6
    figures = {
        "synaptic_ops": [_figure("events.synaptic_op", p["synop_j"] * 1e12, "pJ", profile)],
        "neuron_updates": [_figure("events.neuron_update", p["update_j"] * 1e12, "pJ", profile)],
        "spikes": [_figure("events.spike", p["spike_j"] * 1e12, "pJ", profile)],
        "static": [_figure("static.power", p["static_w"] * 1e3, "mW", profile)],
        "learning": [_figure("events.learning_update", p["learn_j"] * 1e12, "pJ", profile)],
        "input_weights": [_figure("memory.sram_1m.capacity", 1, "MiB", profile)],
    }
    return {
        "memory_bytes": memory,
        "placement": {k: "sram_1m" for k in memory if k != "total"},
        "energy_per_sample_j": {
            "train": {"total": sum(train.values()), **train},
            "infer": {"total": sum(infer.values()), **infer},
        },
        "latency_per_sample_s": latency, "profile": profile, "activity_source": "measured",
        "figures": figures,
        "energy_per_sample_j_range": {
            phase: {"low": LOW * sum(parts.values()), "high": HIGH * sum(parts.values())}
            for phase, parts in (("train", train), ("infer", infer))},
        "latency_per_sample_s_range": {"low": latency, "high": latency},
    }


def _accuracy(candidate: dict[str, Any], rng: np.random.Generator) -> float:
    n, bits = candidate["neurons"], candidate["weight_bits"]
    acc = 0.45 + 0.42 * (1 - math.exp(-n / 120)) - (0.12 if bits == 4 else 0.0)
    acc += 0.03 if candidate["rule"] == "spikedyn" else 0.0
    acc += 0.02 if candidate["timesteps"] == 250 else 0.0
    return float(np.clip(acc + rng.normal(0, 0.015), 0.05, 0.99))


def make_run(
    count: int = 40,
    *,
    profiles: tuple[str, ...] = ("loihi1_like",),
    budgets: dict[str, float] | None = None,
    protocol: str = "static",
    complete: bool = True,
    seed: int = 0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A ``run`` dict and ``count`` evaluation records per device, as ``dse.load_run`` gives."""
    budgets = {"memory": 16 * 1024.0, "energy_infer": 3e-6} if budgets is None else budgets
    rng = np.random.default_rng(seed)
    grid = [dict(zip(SPACE, values, strict=True))
            for values in itertools.product(*SPACE.values())]
    evaluations: list[dict[str, Any]] = []
    for profile in profiles:
        for position in rng.permutation(len(grid))[:count]:
            candidate = {**grid[int(position)], "inhibition_strength": 120.0}
            evaluations.append(_record(len(evaluations), profile, candidate, budgets,
                                       protocol, rng))
    feasible = [e for e in evaluations if e["feasible"]]
    best = max(feasible, key=lambda e: e["objectives"]["accuracy"], default=None)
    by_profile = {}
    for profile in profiles:
        mine = [e for e in feasible if e["profile"] == profile]
        if mine:
            by_profile[profile] = max(mine, key=lambda e: e["objectives"]["accuracy"])["index"]
    run = {
        "command": ["dse", "explore", "--profile", profiles[0], "--memory-budget", "16KiB",
                    "--energy-budget", "3uJ", "--out", "runs/demo"],
        "versions": {"snn-dse": "0.1.0", "python": "3.11.2", "numpy": "2.1.0"},
        "seed": seed, "engine": "nsga2", "sampler": "lhs",
        "profiles": {p: {k: v for k, v in PROFILES[p].items() if not k.endswith(("_j", "_w"))}
                     for p in profiles},
        "space": space_dict(), "budgets": budgets,
        "budget_texts": {k: f"{v / 1024:g}KiB" if k == "memory" else f"{v * 1e6:g}uJ"
                         for k, v in budgets.items()},
        "objectives": ["accuracy", "memory", "energy_infer"],
        "protocol": protocol, "dataset": "digits",
        "evaluations_requested": count * len(profiles) if complete else count * len(profiles) * 2,
        "counts": {
            "evaluated": len(evaluations), "feasible": len(feasible),
            "prescreened": sum(e["prescreened"] for e in evaluations),
            "cache_hits": sum(e["cache_hit"] for e in evaluations),
        },
        "timings": {"started": "2026-11-23T12:00:00+00:00",
                    "finished": "2026-11-23T12:02:41+00:00" if complete else None,
                    "wall_s": 161.2},
        "recommended": None if best is None else best["index"],
        "recommended_by_profile": by_profile,
        "robust": False,
        "sensitivity": {p: [{"field": "events.synaptic_op", "share": 0.62, "low_j": 1e-6,
                             "high_j": 2e-6},
                            {"field": "static.power", "share": 0.38, "low_j": 1.2e-6,
                             "high_j": 1.8e-6}] for p in by_profile},
        "complete": complete,
    }
    return run, evaluations


def _record(
    index: int, profile: str, candidate: dict[str, Any], budgets: dict[str, float],
    protocol: str, rng: np.random.Generator,
) -> dict[str, Any]:
    n, steps = candidate["neurons"], candidate["timesteps"]
    input_spikes = INPUTS * 0.3 * 0.06375 * steps
    activity = {
        "input_spikes": input_spikes, "exc_spikes": 0.02 * n * steps / 10,
        "synaptic_events": input_spikes * n,
    }
    cost = _cost(candidate, profile, activity)
    values = {"memory": cost["memory_bytes"]["total"],
              "energy_infer": cost["energy_per_sample_j"]["infer"]["total"]}
    constraints = {k: values[k] - b for k, b in budgets.items()}
    high = {"memory": values["memory"],
            "energy_infer": cost["energy_per_sample_j_range"]["infer"]["high"]}
    constraints_high = {k: high[k] - b for k, b in budgets.items()}
    prescreened = any(values[k] > 2 * b for k, b in budgets.items())
    sim = None
    accuracy = recent = previous = None
    if not prescreened:
        accuracy = _accuracy(candidate, rng)
        tasks = []
        if protocol == "continual":
            for task in range(4):
                prev = None if task == 0 else float(np.clip(accuracy - 0.1 * task, 0, 1))
                seen = accuracy if prev is None else (accuracy + task * prev) / (task + 1)
                tasks.append({"task": task, "classes": [task], "recent": accuracy,
                              "previous": prev, "all_seen": seen})
            recent, previous = tasks[-1]["recent"], tasks[-1]["previous"]
        sim = {
            "accuracy": accuracy, "tasks": tasks,
            "activity": {"train": activity, "infer": activity},
            "train_ms_per_sample": 0.03 * n, "infer_ms_per_sample": 0.01 * n, "seed": 0,
        }
    feasible = not prescreened and all(v <= 0 for v in constraints.values())
    return {
        "index": index, "profile": profile, "candidate": candidate,
        "objectives": {
            "accuracy": accuracy, **values,
            "energy_train": cost["energy_per_sample_j"]["train"]["total"],
            "latency": cost["latency_per_sample_s"],
            "recent_accuracy": recent, "previous_accuracy": previous,
        },
        "constraints": constraints, "constraints_high": constraints_high,
        "feasible": feasible,
        "feasible_high": feasible and all(v <= 0 for v in constraints_high.values()),
        "prescreened": prescreened,
        "reason": "estimated cost far over budget" if prescreened else None,
        "cache_hit": index % 7 == 3, "cost": cost, "sim": sim,
        "wall_s": 0.0 if prescreened else 0.002 * n, "cache_key": f"{index:064x}",
        "code_version": "0.1.0",
    }

"""Fast stand-ins for the simulator and the cost model, injected through ``dse._pipeline.Models``.

Deterministic closed forms of the candidate, the profile and the seed, in the shapes of
``CostReport.to_dict()`` and ``SimResult.to_dict()``. Module-level, so worker processes can
unpickle them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dse import ExploreOptions
from dse._pipeline import DatasetInfo, SimSettings, cost_values, high_cost_values

DATASET = DatasetInfo(name="digits", fingerprint="fake-digits", mean_intensity=0.3, n_inputs=64)


#: Relative low and high corners of the fake energies.
LOW, HIGH = 0.8, 1.3


def _profile_scale(profile: Any) -> float:
    """A per-profile energy factor in [1, 2), so that two profiles price differently."""
    digest = hashlib.sha256(profile.fingerprint().encode()).digest()
    return 1.0 + digest[0] / 256


def _cost(candidate: Mapping[str, Any], profile: Any, activity: float, source: str) -> dict:
    neurons = candidate["neurons"]
    bits = candidate["weight_bits"]
    inhibitory = neurons * neurons if candidate["inhibition"] == "population" else 1
    memory = (64 * neurons + inhibitory) * bits / 8 + 2 * neurons
    scale = _profile_scale(profile)
    infer = activity * neurons * candidate["timesteps"] * bits * 1e-12 * scale
    train = 3 * infer * (1.5 if candidate["rule"] == "spikedyn" else 1.0)
    return {
        "memory_bytes": {"total": memory, "input_weights": 64 * neurons * bits / 8},
        "placement": {"input_weights": "sram"},
        "energy_per_sample_j": {"train": {"total": train}, "infer": {"total": infer}},
        "latency_per_sample_s": candidate["timesteps"] * 1e-3,
        "profile": profile.id,
        "activity_source": source,
        "figures": {},
        "energy_per_sample_j_range": {
            "train": {"low": LOW * train, "high": HIGH * train},
            "infer": {"low": LOW * infer, "high": HIGH * infer},
        },
        "latency_per_sample_s_range": {"low": candidate["timesteps"] * 1e-3,
                                       "high": candidate["timesteps"] * 1e-3},
    }


def simulations(calls_log: str) -> int:
    """How many simulations ``calls_log`` records (0 when it does not exist)."""
    path = Path(calls_log)
    return len(path.read_text().splitlines()) if path.exists() else 0


@dataclass(frozen=True)
class FakeModels:
    """``Models`` with closed forms; ``calls_log`` (a path) records every simulation, one line
    per call, so tests can count them across processes; with ``interrupt_after`` the
    simulation after that many logged calls raises ``KeyboardInterrupt`` (a Ctrl-C); designs
    with ``fail_neurons`` neurons raise ``ValueError`` (a failing evaluation)."""

    calls_log: str | None = None
    interrupt_after: int | None = None
    fail_neurons: int | None = None

    def check_parameters(self, names: Sequence[str]) -> None:
        """Every parameter is understood."""

    def dataset_info(self, settings: SimSettings) -> DatasetInfo:
        """A fixed description of a fake dataset."""
        return DATASET

    def limits(self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo) -> list:
        """No device limits, except that 32-bit weights do not fit on 'loihi1_like'."""
        if profile.id == "loihi1_like" and candidate["weight_bits"] == 32:
            return ["weight_bits 32 outside the supported 1..8"]
        return []

    def estimate(self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo) -> dict:
        """Cost with estimated activity 1.0."""
        return _cost(candidate, profile, 1.0, "estimated")

    def estimate_many(
        self, candidates: Sequence[Mapping[str, Any]], profile: Any, dataset: DatasetInfo,
        *, high: bool = False,
    ) -> dict[str, np.ndarray]:
        """``estimate`` and ``limits`` per candidate, as arrays (``high``: the high corner's
        energies and latency too)."""
        costs = [self.estimate(c, profile, dataset) for c in candidates]
        values = [cost_values(c) | ({f"{k}_high": v for k, v in high_cost_values(c).items()
                                     if k != "memory"} if high else {}) for c in costs]
        out = {k: np.array([v[k] for v in values]) for k in values[0]} if values else {}
        return out | {"fits": np.array([not self.limits(c, profile, dataset) for c in candidates])}

    def simulate(self, candidate: Mapping[str, Any], settings: SimSettings, seed: int) -> dict:
        """Accuracy rising with neurons, bits and timesteps, plus seed-dependent noise."""
        if candidate["neurons"] == self.fail_neurons:
            raise ValueError(f"simulated failure of a {self.fail_neurons}-neuron design")
        if self.calls_log is not None:
            if self.interrupt_after is not None and simulations(self.calls_log) >= self.interrupt_after:
                raise KeyboardInterrupt
            with open(self.calls_log, "a") as handle:
                handle.write(f"{sorted(candidate.items())}\n")
        noise = (seed % 1000) / 1e5
        accuracy = (
            0.5
            + 0.3 * math.log(candidate["neurons"]) / math.log(1600)
            + 0.1 * min(candidate["weight_bits"], 8) / 8
            + 0.05 * candidate["timesteps"] / 350
            + noise
        )
        return {
            "accuracy": min(accuracy, 1.0),
            "tasks": [],
            "activity": {"train": {"exc_spikes": 1.2}, "infer": {"exc_spikes": 0.9}},
            "train_ms_per_sample": 1.0,
            "infer_ms_per_sample": 0.5,
            "seed": seed,
        }

    def price(
        self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo, sim: Mapping
    ) -> dict:
        """Cost with the 'measured' activity 0.9."""
        return _cost(candidate, profile, sim["activity"]["infer"]["exc_spikes"], "measured")

    def sensitivity(
        self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo, sim: Mapping
    ) -> list[dict[str, Any]]:
        """Two figures, the energy per synaptic op first."""
        return [{"field": "events.synaptic_op", "share": 0.75},
                {"field": "static.power", "share": 0.25}]


SPACE_YAML = """\
neurons: [16, 32, 64, 100, 200]
weight_bits: [4, 8, 16]
inhibition: [population, direct]
rule: [baseline, spikedyn]
timesteps: [100, 250]
inhibition_strength: 60.0
family: stdp
"""


#: A small space of real designs (96) that simulate in about a tenth of a second each at
#: 40 training and 40 test samples: the tests of the real CLI use it.
TINY_REAL_SPACE_YAML = """\
neurons: [16, 24, 32, 48]
weight_bits: [4, 8, 16]
inhibition: [population, direct]
rule: [baseline, spikedyn]
timesteps: [60, 100]
inhibition_strength: 60.0
family: stdp
"""


def space_file(directory: Path) -> Path:
    """Write the small test space (120 designs) into ``directory``; return its path."""
    path = directory / "space.yaml"
    path.write_text(SPACE_YAML)
    return path


def options(directory: Path, name: str = "run", **overrides: Any) -> ExploreOptions:
    """Fast exploration options on the small space: 24 evaluations, 1 worker, no shared
    cache, run directory ``directory/name``; engine ``nsga2`` (these tests check the pipeline's
    mechanics, written against it; the default engine is tested on its own)."""
    values: dict[str, Any] = {
        "space": space_file(directory),
        "engine": "nsga2",
        "evaluations": 24,
        "workers": 1,
        "out": directory / name,
        "no_cache": True,
    }
    return ExploreOptions(**(values | overrides))


def comparable(records: list[dict]) -> list[dict]:
    """Records without their wall times (the only field that varies between equal runs)."""
    return [{k: v for k, v in r.items() if k != "wall_s"} for r in records]

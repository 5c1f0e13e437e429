"""Evaluation of one candidate design on one device profile.

1. **Pre-screen** (parent process, microseconds): price the design with *estimated* activity.
   A design whose estimate breaks a memory or energy budget, or that exceeds the device's
   limits (supported weight precisions, neuron capacity), is recorded as infeasible, with its
   constraint values and the reason, and is not simulated.
2. **Simulate** (worker process, seconds): train and test the network (``sim.run``).
3. **Price** with the *measured* activity; objectives and constraints come from that.

An exception while simulating or pricing one design does not end the run: ``attempt`` turns it
into a ``Failure`` (exception type and message, where it ran) and ``failed_record`` records the
design as failed (not feasible, its cost from the pre-screen estimate, ``error`` set), so the
engine is told a failure and the search goes on.

The simulator and the cost model are reached through a ``Models`` object, so tests can pass
fakes; ``RealModels`` calls ``sim`` and ``costmodels``. Everything a worker receives is a
picklable frozen dataclass or a plain dict, and ``simulate_and_price`` is a top-level function,
so any process-pool executor can run it.

The result of evaluating a candidate depends only on the candidate, the profile, the
simulator settings, the dataset, the run seed and the code version (never on the worker or the
order of evaluation): the simulation seed is derived from the run seed and the candidate.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from dse._budgets import Budget, constraint_values
from dse._cache import cache_key, canonical_json
from hwprofiles import format_si

#: The cost values of a design (``cost_values``): memory (B), inference and training energy
#: per sample (J), inference latency per sample (s).
COST_KEYS = ("memory", "energy_infer", "energy_train", "latency")

#: Significant digits real-valued parameters are rounded to, so that near-identical proposals
#: are one design (and one cache entry).
REAL_DIGITS = 6


@dataclass(frozen=True)
class DatasetInfo:
    """What the pipeline needs to know about the dataset without loading it in every worker:
    its name, its content fingerprint, the mean pixel intensity in [0, 1] (for estimated
    activity), the number of inputs (pixels) per sample and the mean brightest pixel in [0, 1]
    (the input-drive rule's rate cap)."""

    name: str
    fingerprint: str
    mean_intensity: float
    n_inputs: int
    peak_intensity: float = 1.0


@dataclass(frozen=True)
class SimSettings:
    """Simulation fidelity shared by every candidate of a run (the candidate supplies the
    architecture). ``train_samples``/``test_samples`` are sample counts per run (static) or
    the training samples per task (continual). ``rounding`` is the fixed-point rounding of
    in-training weight updates; stochastic by default, because nearest rounding erases the
    sub-LSB STDP steps of 4-bit designs (docs/learning-rules.md) and would bias the search
    against low precision for a reason a hardware designer can avoid."""

    dataset: str
    protocol: str
    train_samples: int
    test_samples: int
    rounding: str = "stochastic"
    data_dir: Path | None = None

    def key_dict(self) -> dict[str, Any]:
        """The settings that change results (for cache keys): everything but ``data_dir``."""
        return {
            "dataset": self.dataset,
            "protocol": self.protocol,
            "train_samples": self.train_samples,
            "test_samples": self.test_samples,
            "rounding": self.rounding,
        }


class Profile(Protocol):
    """What the pipeline uses of a ``hwprofiles.DeviceProfile``."""

    @property
    def id(self) -> str: ...

    def fingerprint(self) -> str: ...


class Models(Protocol):
    """The simulator and cost model behind the pipeline.

    Cost dicts have the shape of ``costmodels.CostReport.to_dict()``, simulation dicts the
    shape of ``sim.SimResult.to_dict()`` (docs/architecture.md). Implementations must be
    picklable (they travel to worker processes).
    """

    def check_parameters(self, names: Sequence[str]) -> None:
        """Raise ``InputError`` for a design-space parameter the models do not understand."""
        ...

    def dataset_info(self, settings: SimSettings) -> DatasetInfo:
        """Load the dataset named in ``settings`` (``InputError`` when missing) and describe it."""
        ...

    def limits(self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo) -> list:
        """Why ``candidate`` cannot run on ``profile`` at all (empty when it fits)."""
        ...

    def estimate(self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo) -> dict:
        """Cost of ``candidate`` on ``profile`` with activity estimated analytically."""
        ...

    def estimate_many(
        self, candidates: Sequence[Mapping[str, Any]], profile: Any, dataset: DatasetInfo,
        *, high: bool = False,
    ) -> dict[str, np.ndarray]:
        """``estimate`` and ``limits`` of many candidates at once: one array per cost value
        (the keys of ``cost_values``, SI units), ``fits`` (bool: within the device's limits)
        and, with ``high``, ``energy_infer_high``, ``energy_train_high`` and ``latency_high``
        (the values of ``high_cost_values``)."""
        ...

    def simulate(self, candidate: Mapping[str, Any], settings: SimSettings, seed: int) -> dict:
        """Simulation result of ``candidate`` at fidelity ``settings`` with ``seed``."""
        ...

    def price(
        self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo, sim: Mapping
    ) -> dict:
        """Cost of ``candidate`` on ``profile`` with the activity measured in ``sim``."""
        ...

    def sensitivity(
        self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo, sim: Mapping
    ) -> list[dict[str, Any]]:
        """Profile figures ranked by their share of the inference energy's uncertainty
        (``[{field, share, ...}]``, largest first)."""
        ...


@dataclass(frozen=True)
class EvalContext:
    """Everything constant across the evaluations of one profile in one run."""

    profile: Any
    dataset: DatasetInfo
    settings: SimSettings
    budgets: tuple[Budget, ...]
    run_seed: int
    code_version: str
    models: Models
    robust: bool = False

    @functools.cached_property
    def profile_fingerprint(self) -> str:
        """The profile's fingerprint, computed once."""
        return self.profile.fingerprint()


@dataclass(frozen=True)
class Prepared:
    """A candidate after the pre-screen: its canonical form, simulation seed and cache key;
    ``record`` is the finished (pre-screened, infeasible) record, or None when the design
    still has to be simulated."""

    candidate: dict[str, Any]
    seed: int
    cache_key: str
    record: dict[str, Any] | None


@dataclass(frozen=True)
class Measured:
    """The expensive part of an evaluation (what the cache stores): objective values in their
    natural sense, the cost report priced with measured activity, the simulation result and
    the wall time of simulating and pricing (s)."""

    objectives: dict[str, float | None]
    cost: dict
    sim: dict
    wall_s: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (the cache payload)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, payload: Mapping[str, Any]) -> Measured:
        """Inverse of ``to_dict``."""
        return cls(
            objectives=dict(payload["objectives"]),
            cost=dict(payload["cost"]),
            sim=dict(payload["sim"]),
            wall_s=float(payload["wall_s"]),
        )


@dataclass(frozen=True)
class Failure:
    """An evaluation that raised: the exception's type name and message, the worker it ran on
    (``host:pid``) and the seconds it ran before failing."""

    error_type: str
    message: str
    worker: str
    wall_s: float

    def to_dict(self) -> dict[str, Any]:
        """The record's ``error`` field: ``type``, ``message``, ``worker``."""
        return {"type": self.error_type, "message": self.message, "worker": self.worker}

    @classmethod
    def from_dict(cls, payload: Mapping[str, Any], wall_s: float = 0.0) -> Failure:
        """Inverse of ``to_dict``."""
        return cls(str(payload["type"]), str(payload["message"]), str(payload["worker"]), wall_s)


#: What evaluating one design gives: its measured results, or why it failed.
Outcome = Measured | Failure


def worker_name() -> str:
    """This process as ``host:pid``, the name claims and failures carry."""
    return f"{socket.gethostname()}:{os.getpid()}"


def canonical_candidate(candidate: Mapping[str, Any]) -> dict[str, Any]:
    """``candidate`` (key order kept) with NumPy scalars turned into Python ones and reals
    rounded to ``REAL_DIGITS`` significant digits."""
    out: dict[str, Any] = {}
    for name in candidate:
        value = candidate[name]
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float):
            value = float(f"{value:.{REAL_DIGITS}g}")
        out[name] = value
    return out


def candidate_seed(run_seed: int, candidate: Mapping[str, Any]) -> int:
    """Simulation seed of a candidate: a hash of the run seed and the canonical candidate,
    in [0, 2**31). Independent of the worker, the batch and the profile."""
    blob = f"{run_seed}:{canonical_json(canonical_candidate(candidate))}".encode()
    return int.from_bytes(hashlib.sha256(blob).digest()[:4], "big") % 2**31


def cost_values(cost: Mapping[str, Any]) -> dict[str, float]:
    """The cost objectives of a ``CostReport.to_dict()``: memory (B), inference and training
    energy per sample (J), latency per sample (s)."""
    energy = cost["energy_per_sample_j"]
    return {
        "memory": float(cost["memory_bytes"]["total"]),
        "energy_infer": float(energy["infer"]["total"]),
        "energy_train": float(energy["train"]["total"]),
        "latency": float(cost["latency_per_sample_s"]),
    }


def high_cost_values(cost: Mapping[str, Any]) -> dict[str, float]:
    """The cost objectives at the *high* corner of the profile figures' ranges
    (``energy_per_sample_j_range`` / ``latency_per_sample_s_range`` of the cost dict; memory
    has no range, the footprint is fixed by the design). A cost dict without ranges (an entry
    cached before ranges existed, a model without them) gives its nominal values."""
    nominal = cost_values(cost)
    energy = cost.get("energy_per_sample_j_range") or {}
    latency = cost.get("latency_per_sample_s_range") or {}
    return {
        "memory": nominal["memory"],
        "energy_infer": float(energy.get("infer", {}).get("high", nominal["energy_infer"])),
        "energy_train": float(energy.get("train", {}).get("high", nominal["energy_train"])),
        "latency": float(latency.get("high", nominal["latency"])),
    }


def accuracy_values(sim: Mapping[str, Any]) -> dict[str, float | None]:
    """Accuracy objectives of a ``SimResult.to_dict()``: overall accuracy, and for the
    continual protocol the last task's recent-task and previous-tasks accuracy (None for the
    static protocol, or for the first task's previous-tasks accuracy)."""
    tasks = sim.get("tasks") or []
    last = tasks[-1] if tasks else {}
    return {
        "accuracy": float(sim["accuracy"]),
        "recent_accuracy": last.get("recent"),
        "previous_accuracy": last.get("previous"),
    }


def objective_values(cost: Mapping[str, Any], sim: Mapping[str, Any] | None) -> dict:
    """Every objective in record order; accuracies are None without a simulation."""
    accuracies = (
        accuracy_values(sim)
        if sim is not None
        else {"accuracy": None, "recent_accuracy": None, "previous_accuracy": None}
    )
    costs = cost_values(cost)
    return {
        "accuracy": accuracies["accuracy"],
        "memory": costs["memory"],
        "energy_infer": costs["energy_infer"],
        "energy_train": costs["energy_train"],
        "latency": costs["latency"],
        "recent_accuracy": accuracies["recent_accuracy"],
        "previous_accuracy": accuracies["previous_accuracy"],
    }


def prescreen_reason(
    estimated: Mapping[str, float | None], budgets: Sequence[Budget], *, corner: str = ""
) -> str | None:
    """Why the estimate of a design breaks a pre-screened budget by more than the budget's
    safety margin (``BudgetKind.margin``), or None if it breaks none. ``corner`` names the
    values when they are not nominal (``"high-corner "``)."""
    broken = []
    for budget in budgets:
        value = estimated[budget.key]
        margin = budget.kind.margin
        if budget.kind.prescreen and value is not None and value > budget.value * margin:
            beyond = f" by more than the {margin:g}x pre-screen margin" if margin != 1 else ""
            broken.append(
                f"estimated {corner}{budget.key.replace('_', ' ')} "
                f"{format_si(value, budget.kind.unit)} exceeds {budget.kind.option} {budget.text}"
                f"{beyond}"
            )
    return "; ".join(broken) if broken else None


def screen_many(
    ctx: EvalContext, candidates: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The pre-screen of many (canonical) candidates at once, vectorised
    (``Models.estimate_many``): their estimated cost values (arrays keyed like ``cost_values``,
    under ``--robust`` also the ``<key>_high`` corner values) and whether each is rejected
    without a simulation: outside the device's limits, or its estimate (under ``--robust`` the
    high corner's) above a pre-screened budget by more than the budget's margin. The decision
    of ``limits`` and ``prescreen_reason`` design by design."""
    values = ctx.models.estimate_many(candidates, ctx.profile, ctx.dataset, high=ctx.robust)
    screened = ~np.asarray(values["fits"], dtype=bool)
    for budget in ctx.budgets:
        if budget.kind.prescreen:
            corner = f"{budget.key}_high"
            key = corner if ctx.robust and corner in values else budget.key
            screened |= np.asarray(values[key]) > budget.value * budget.kind.margin
    return {k: np.asarray(v, dtype=float) for k, v in values.items() if k != "fits"}, screened


def make_record(
    *,
    index: int,
    ctx: EvalContext,
    prepared: Prepared,
    objectives: Mapping[str, float | None],
    cost: dict,
    sim: dict | None,
    reason: str | None,
    cache_hit: bool,
    wall_s: float,
    error: Failure | None = None,
) -> dict[str, Any]:
    """One evaluation record in the run-directory format of docs/architecture.md.

    ``constraints_high`` are the constraint values at the high corner of the profile figures'
    ranges and ``feasible_high`` whether that corner meets every budget. ``constraints`` and
    ``feasible`` are what the run enforces: nominal, or the high corner under ``--robust``
    (docs/uncertainty.md). A failed evaluation (``error``) is never feasible."""
    nominal = constraint_values(objectives, ctx.budgets)
    high = constraint_values(high_cost_values(cost), ctx.budgets)
    constraints = high if ctx.robust else nominal
    prescreened = sim is None and error is None
    return {
        "index": index,
        "profile": ctx.profile.id,
        "candidate": dict(prepared.candidate),
        "objectives": dict(objectives),
        "constraints": constraints,
        "constraints_high": high,
        "feasible": sim is not None and all(g <= 0 for g in constraints.values()),
        "feasible_high": sim is not None and all(g <= 0 for g in high.values()),
        "prescreened": prescreened,
        "reason": reason,
        "cache_hit": cache_hit,
        "cost": cost,
        "sim": sim,
        "wall_s": wall_s,
        "cache_key": prepared.cache_key,
        "code_version": ctx.code_version,
        "error": None if error is None else error.to_dict(),
    }


def prepare_many(
    first_index: int, candidates: Sequence[Mapping[str, Any]], ctx: EvalContext
) -> list[Prepared]:
    """Canonicalise a batch (evaluations ``first_index ..``), derive each design's seed and
    cache key, and pre-screen it.

    One vectorised pricing of the whole batch (``screen_many``) decides which designs the
    pre-screen rejects (outside the device's limits, or an estimated cost over a memory or
    energy budget); only those are priced again one by one, for the full cost breakdown and the
    reason their finished record stores (infeasible, ``prescreened: true``, no simulation)."""
    start = time.perf_counter()
    canonical = [canonical_candidate(c) for c in candidates]
    rejected = screen_many(ctx, canonical)[1] if canonical else np.zeros(0, dtype=bool)
    share = (time.perf_counter() - start) / max(len(canonical), 1)
    return [_prepared(first_index + offset, candidate, ctx, bool(reject), share)
            for offset, (candidate, reject) in enumerate(zip(canonical, rejected, strict=True))]


def prepare(index: int, candidate: Mapping[str, Any], ctx: EvalContext) -> Prepared:
    """``prepare_many`` of one candidate."""
    return prepare_many(index, [candidate], ctx)[0]


def _prepared(
    index: int, canonical: dict[str, Any], ctx: EvalContext, rejected: bool, screen_s: float
) -> Prepared:
    """The ``Prepared`` of a canonical candidate; when the batch pre-screen ``rejected`` it,
    with its record (``screen_s``: its share of the batch's pricing time, s)."""
    start = time.perf_counter()
    seed = candidate_seed(ctx.run_seed, canonical)
    key = cache_key(
        canonical,
        profile_fingerprint=ctx.profile_fingerprint,
        simulator=ctx.settings.key_dict(),
        dataset_fingerprint=ctx.dataset.fingerprint,
        seed=seed,
        code_version=ctx.code_version,
    )
    prepared = Prepared(canonical, seed, key, None)
    if not rejected:
        return prepared
    estimate = ctx.models.estimate(canonical, ctx.profile, ctx.dataset)
    estimated = objective_values(estimate, None)
    screened = estimated | high_cost_values(estimate) if ctx.robust else estimated
    corner = "high-corner " if ctx.robust else ""
    problems = [
        *ctx.models.limits(canonical, ctx.profile, ctx.dataset),
        *filter(None, [prescreen_reason(screened, ctx.budgets, corner=corner)]),
    ]
    if not problems:  # the batch estimate sat on a budget's edge: simulate, as before
        return prepared
    record = make_record(
        index=index,
        ctx=ctx,
        prepared=prepared,
        objectives=estimated,
        cost=estimate,
        sim=None,
        reason="; ".join(problems),
        cache_hit=False,
        wall_s=screen_s + time.perf_counter() - start,
    )
    return dataclasses.replace(prepared, record=record)


def simulate_and_price(ctx: EvalContext, candidate: dict[str, Any], seed: int) -> Measured:
    """Simulate a (canonical) candidate and price it with the measured activity.

    Runs in a worker process; pure apart from its wall-time measurement."""
    start = time.perf_counter()
    sim = ctx.models.simulate(candidate, ctx.settings, seed)
    cost = ctx.models.price(candidate, ctx.profile, ctx.dataset, sim)
    return Measured(objective_values(cost, sim), cost, sim, time.perf_counter() - start)


def attempt(ctx: EvalContext, candidate: dict[str, Any], seed: int) -> Outcome:
    """``simulate_and_price``, with any exception turned into a ``Failure`` (Ctrl-C and exits
    pass through)."""
    start = time.perf_counter()
    try:
        return simulate_and_price(ctx, candidate, seed)
    except Exception as error:
        return Failure(type(error).__name__, str(error) or repr(error), worker_name(),
                       time.perf_counter() - start)


def failed_record(index: int, ctx: EvalContext, prepared: Prepared, failure: Failure) -> dict:
    """The record of a design whose evaluation failed: not feasible, priced with the
    pre-screen's estimate (no accuracy), ``reason`` and ``error`` saying what was raised."""
    estimate = ctx.models.estimate(prepared.candidate, ctx.profile, ctx.dataset)
    return make_record(
        index=index,
        ctx=ctx,
        prepared=prepared,
        objectives=objective_values(estimate, None),
        cost=estimate,
        sim=None,
        reason=f"evaluation failed: {failure.error_type}: {failure.message}",
        cache_hit=False,
        wall_s=failure.wall_s,
        error=failure,
    )


def outcome_record(
    index: int, ctx: EvalContext, prepared: Prepared, outcome: Outcome, cache_hit: bool
) -> dict[str, Any]:
    """The record of ``prepared`` from its outcome: ``finish`` or ``failed_record``."""
    if isinstance(outcome, Failure):
        return failed_record(index, ctx, prepared, outcome)
    return finish(index, ctx, prepared, outcome, cache_hit)


def finish(
    index: int, ctx: EvalContext, prepared: Prepared, measured: Measured, cache_hit: bool
) -> dict[str, Any]:
    """The record of a simulated evaluation (constraints computed from the current budgets)."""
    return make_record(
        index=index,
        ctx=ctx,
        prepared=prepared,
        objectives=measured.objectives,
        cost=measured.cost,
        sim=measured.sim,
        reason=None,
        cache_hit=cache_hit,
        wall_s=measured.wall_s,
    )


def evaluate(index: int, candidate: Mapping[str, Any], ctx: EvalContext) -> dict[str, Any]:
    """Evaluate one candidate in this process, without a cache: pre-screen, then simulate and
    price. Returns its record."""
    prepared = prepare(index, candidate, ctx)
    if prepared.record is not None:
        return prepared.record
    measured = simulate_and_price(ctx, prepared.candidate, prepared.seed)
    return finish(index, ctx, prepared, measured, cache_hit=False)


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


@dataclass(frozen=True)
class RealModels:
    """``Models`` backed by ``sim.run`` and ``costmodels.estimate``.

    Candidate parameters are passed by name: those that are ``costmodels.SNNDesign`` fields
    shape the priced design (``inputs`` comes from the dataset), those that are
    ``sim.SimConfig`` fields shape the simulation. ``check_parameters`` refuses a space with a
    parameter neither knows. ``sim`` and ``costmodels`` are imported on first use, so that
    importing ``dse`` stays light.
    """

    def check_parameters(self, names: Sequence[str]) -> None:
        """Raise ``InputError`` for a space parameter no model understands."""
        from costmodels import SNNDesign
        from sim import LayeredConfig, SimConfig
        from snn_dse.errors import InputError

        known = _fields(SNNDesign) | _fields(SimConfig) | _fields(LayeredConfig)
        unknown = sorted(set(names) - known)
        if unknown:
            raise InputError(
                f"--space: parameter(s) {', '.join(unknown)} are neither design nor simulator "
                "settings"
            )

    def dataset_info(self, settings: SimSettings) -> DatasetInfo:
        """``sim.load_dataset`` and its fingerprint, mean intensity and input count."""
        import sim

        data = sim.load_dataset(settings.dataset, settings.data_dir)
        return DatasetInfo(
            name=settings.dataset,
            fingerprint=data.fingerprint(),
            mean_intensity=float(data.mean_intensity),
            n_inputs=int(data.n_inputs),
            peak_intensity=float(data.peak_intensity),
        )

    def _design(self, candidate: Mapping[str, Any], dataset: DatasetInfo) -> Any:
        """The priced design: ``SNNDesign`` (``stdp``) or ``LayeredDesign`` (inputs-hidden-10)."""
        from costmodels import LayeredDesign, SNNDesign

        if _layered(candidate):
            kwargs = {k: candidate[k] for k in ("weight_bits", "state_bits", "timesteps", "coding")
                      if k in candidate}
            return LayeredDesign(candidate["family"],
                                 (dataset.n_inputs, int(candidate.get("hidden", 256)), N_CLASSES),
                                 **kwargs)
        names = _fields(SNNDesign) - {"inputs"}
        return SNNDesign(
            inputs=dataset.n_inputs, **{k: v for k, v in candidate.items() if k in names}
        )

    def _max_rate_hz(self, candidate: Mapping[str, Any], dataset: DatasetInfo) -> float:
        from sim import input_rate_hz

        rate = candidate.get("max_rate_hz")
        return float(rate or input_rate_hz(
            dataset.mean_intensity, dataset.n_inputs, dataset.peak_intensity
        ))

    def limits(self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo) -> list:
        """``costmodels.check_limits``: precision and neuron-count limits of the device."""
        from costmodels import check_limits

        return check_limits(self._design(candidate, dataset), profile)

    def _estimated_pricing(self, candidate: Mapping[str, Any], design: Any,
                           dataset: DatasetInfo) -> Any:
        """The pricing of ``design`` with estimated activity (``Activity.estimated``, or
        ``estimated_activity`` for a layered family): a function of the profile."""
        from costmodels import Activity, estimate, estimated_activity, price_layered

        if _layered(candidate):
            rates = {"mean_intensity": dataset.mean_intensity}
            infer_activity = estimated_activity(design, **rates)
            train_activity = estimated_activity(design, training=True, **rates)
            return lambda p: price_layered(p, design, infer=infer_activity, train=train_activity)
        kwargs = {
            "mean_intensity": dataset.mean_intensity,
            "max_rate_hz": self._max_rate_hz(candidate, dataset),
        }
        train = Activity.estimated(design, training=True, **kwargs)
        infer = Activity.estimated(design, training=False, **kwargs)
        return lambda p: estimate(design, p, train, infer)

    def estimate(self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo) -> dict:
        """Cost with estimated activity for training and inference, with ranges."""
        design = self._design(candidate, dataset)
        return _priced(self._estimated_pricing(candidate, design, dataset), profile, design)

    def estimate_many(
        self, candidates: Sequence[Mapping[str, Any]], profile: Any, dataset: DatasetInfo,
        *, high: bool = False,
    ) -> dict[str, np.ndarray]:
        """``estimate`` and ``limits`` of many candidates (see ``Models.estimate_many``; the
        values equal ``estimate``'s). STDP networks are priced at once by
        ``costmodels.estimate_many`` (one call per input rate and profile corner), layered
        families by ``costmodels.price_layered_many`` (one call per profile corner; the floats
        of ``price_layered``); each one's ``fits`` column is ``check_limits``'s verdict: the
        mapper and the device limits, vectorised. Without the ranges and the ANN twin
        ``estimate`` adds."""
        import pandas as pd

        from costmodels import SNNDesign, corners, estimate_many, price_layered_many

        sides = {"": profile} | ({"_high": corners(profile).high} if high else {})
        keys = [*COST_KEYS, *(f"{k}_high" for k in COST_KEYS[1:] if high)]
        out = {key: np.zeros(len(candidates)) for key in keys}
        out["fits"] = np.ones(len(candidates), dtype=bool)
        columns = ("memory_total", "energy_infer_total", "energy_train_total", "latency_s")
        stdp = [i for i, c in enumerate(candidates) if not _layered(c)]
        layered = np.array(sorted(set(range(len(candidates))) - set(stdp)), dtype=int)
        if layered.size:
            designs = [self._design(candidates[i], dataset) for i in layered]
            for side, p in sides.items():
                priced = price_layered_many(p, designs, mean_intensity=dataset.mean_intensity)
                for key, column in zip(COST_KEYS, columns, strict=True):
                    if key + side in out:
                        out[key + side][layered] = priced[column].to_numpy()
                if side == "":
                    out["fits"][layered] = priced["fits"].to_numpy(dtype=bool)
        if not stdp:
            return out
        names = _fields(SNNDesign) - {"inputs"}
        frame = pd.DataFrame([{k: v for k, v in candidates[i].items() if k in names} for i in stdp])
        frame["inputs"] = dataset.n_inputs
        rates = np.array([self._max_rate_hz(candidates[i], dataset) for i in stdp])
        rows_of = np.array(stdp)
        for rate in np.unique(rates):
            rows = np.flatnonzero(rates == rate)
            for side, p in sides.items():
                priced = estimate_many(frame.iloc[rows], p, mean_intensity=dataset.mean_intensity,
                                       max_rate_hz=float(rate))
                for key, column in zip(COST_KEYS, columns, strict=True):
                    if key + side in out:
                        out[key + side][rows_of[rows]] = priced[column].to_numpy()
                if side == "":
                    out["fits"][rows_of[rows]] = priced["fits"].to_numpy(dtype=bool)
        return out

    def simulate(self, candidate: Mapping[str, Any], settings: SimSettings, seed: int) -> dict:
        """``sim.run`` (``sim.run_layered`` for a layered family) on :meth:`sim_config`."""
        import sim

        config = self.sim_config(candidate, settings, seed)
        if isinstance(config, sim.LayeredConfig):
            return sim.run_layered(config).to_dict()
        return sim.run(config).to_dict()

    def sim_config(self, candidate: Mapping[str, Any], settings: SimSettings, seed: int) -> Any:
        """The ``sim.SimConfig`` (``sim.LayeredConfig`` for a layered family, inputs-hidden-10)
        of a candidate: the run's settings, the candidate's simulator parameters and ``seed``
        (``ConfigError`` when the simulator refuses a value)."""
        import sim

        if _layered(candidate):
            if settings.protocol == "continual":
                raise sim.ConfigError(f"family {candidate['family']}: the layered families "
                                      "train on the static protocol only")
            fields = _fields(sim.LayeredConfig) - {"hidden"}
            return sim.LayeredConfig(
                dataset=settings.dataset, data_dir=settings.data_dir,
                train_samples=settings.train_samples, test_samples=settings.test_samples,
                seed=seed, hidden=(int(candidate.get("hidden", 256)),),
                **{k: v for k, v in candidate.items() if k in fields},
            )

        names = _fields(sim.SimConfig)
        training = (
            {"samples_per_task": settings.train_samples}
            if settings.protocol == "continual"
            else {"train_samples": settings.train_samples}
        )
        return sim.SimConfig(
            dataset=settings.dataset,
            data_dir=settings.data_dir,
            protocol=settings.protocol,
            test_samples=settings.test_samples,
            rounding=settings.rounding,
            seed=seed,
            **training,
            **{k: v for k, v in candidate.items() if k in names},
        )

    def price(
        self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo, sim: Mapping
    ) -> dict:
        """Cost with the activity measured by the simulation, with ranges."""
        design = self._design(candidate, dataset)
        return _priced(_measured_pricing(candidate, design, sim), profile, design)

    def sensitivity(
        self, candidate: Mapping[str, Any], profile: Any, dataset: DatasetInfo, sim: Mapping
    ) -> list[dict[str, Any]]:
        """``costmodels.sensitivity`` of the inference energy with the measured activity."""
        from costmodels import sensitivity

        design = self._design(candidate, dataset)
        return sensitivity(_measured_pricing(candidate, design, sim), profile)


def _measured_pricing(candidate: Mapping[str, Any], design: Any, sim: Mapping) -> Any:
    """The pricing of ``design`` with the activity measured in ``sim``: a function of the
    profile (``costmodels.estimate``, or ``price_layered`` for a layered family)."""
    from costmodels import Activity, LayeredActivity, estimate, price_layered

    if _layered(candidate):
        train, infer = (LayeredActivity.from_sim(sim["activity"][p]) for p in ("train", "infer"))
        return lambda profile: price_layered(profile, design, infer=infer, train=train)
    train = Activity.from_dict(sim["activity"]["train"], "measured")
    infer = Activity.from_dict(sim["activity"]["infer"], "measured")
    return lambda profile: estimate(design, profile, train, infer)


def _priced(price: Any, profile: Any, design: Any) -> dict[str, Any]:
    """The nominal cost dict (with the ANN twin's energy) plus the ``costmodels.cost_ranges``
    keys of the same pricing (docs/uncertainty.md)."""
    from costmodels import cost_ranges

    return _with_twin(price(profile), profile, design) | cost_ranges(price, profile)



#: Classes of every dataset (the layered families' output layer).
N_CLASSES = 10


def _layered(candidate: Mapping[str, Any]) -> bool:
    return candidate.get("family", "stdp") != "stdp"


def _with_twin(report: Any, profile: Any, design: Any) -> dict:
    """``report.to_dict()`` plus, for a spiking design, the inference energy of its ANN twin:
    the ReLU network with the same layers and precision (for ``stdp``: inputs-neurons-10)."""
    from costmodels import LayeredDesign, SNNDesign, price_layered

    cost = report.to_dict()
    if isinstance(design, SNNDesign):
        twin = LayeredDesign("ann", (design.inputs, design.neurons, N_CLASSES),
                             design.weight_bits, design.state_bits, 1, "direct")
    elif design.spiking:
        twin = design.twin()
    else:
        return cost
    cost["ann_twin_energy_infer_j"] = price_layered(profile, twin).energy_infer_j["total"]
    return cost

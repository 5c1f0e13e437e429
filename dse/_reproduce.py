"""``dse reproduce``: the seed papers' relative claims, measured with this tool's own models.

Each paper compares *its* network against the state of the art, the Diehl & Cook network
(inhibitory population, plain STDP, 32-bit weights). ``reproduce`` simulates both with
``sim`` at the simulator's defaults (no constant is changed to approach a paper's number),
prices the measured activity on every requested device profile with ``costmodels`` (through
``RealModels.price``, the same path as ``dse explore``) and checks each claim:

- **spikedyn** (continual protocol, one class per task): method = direct lateral inhibition +
  the ``spikedyn`` rule with its default mechanisms; claims -51 % training and -37 % inference
  energy, +21 and +8 points mean recent- and previous-task accuracy.
- **fspinn** (static protocol): method = direct lateral inhibition + the FSpiNN mechanisms
  (``spurious_reduction``: fewer STDP updates, ``adaptive_potentiation``) + the narrowest
  fixed-point width (stochastic rounding, in training) whose accuracy stays within
  ``NO_LOSS_POINTS`` of the baseline, as FSpiNN selects its precision; claims 7.5x memory,
  3.5x training and 1.8x inference energy efficiency, no accuracy loss.

A claim is *reproduced* when the measured effect reaches ``REACH`` of the claimed one in the
claim's own scale (percent change, log of a factor, accuracy points), and for "no accuracy
loss" when the method loses at most ``NO_LOSS_POINTS``. Unreproduced claims carry the reason
the cost breakdown or the accuracy spread shows.

Runs resume like ``dse explore``: every simulation is a record of ``DIR/store.sqlite``
(replayed when the command is re-run in the same directory) and an entry of the shared
evaluation cache (reused by any later run with the same settings and code).
"""

from __future__ import annotations

import functools
import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dse._cache import EvaluationCache, cache_key, code_version, default_cache_path
from dse._pipeline import DatasetInfo, RealModels
from dse._store import STORE_NAME, ResultStore
from snn_dse.errors import DseError, InputError
from snn_dse.units import format_si

PAPERS = ("spikedyn", "fspinn")
#: Share of a claimed effect the measurement must reach to count as reproduced.
REACH = 0.8
#: Accuracy a method may lose against the baseline and still show "no accuracy loss" (points).
NO_LOSS_POINTS = 1.0
#: Cache "profile" of a simulation: simulations are priced on every profile afterwards.
_SIMULATION_ONLY = "simulation (priced per profile afterwards)"
#: Claim dict keys, in order (docs: README "Reproducing the papers").
CLAIM_KEYS = ("paper", "claim", "metric", "paper_value", "measured_value", "profile",
              "reproduced", "note")


class ReproductionInterrupted(DseError):
    """Ctrl-C during ``dse reproduce``: finished simulations are kept. Exit code 130."""

    exit_code = 130


@dataclass(frozen=True)
class Claim:
    """A paper's claim: ``form`` is ``change`` (method vs baseline, %), ``factor``
    (baseline / method) or ``points`` (method - baseline, accuracy points); ``quantity`` names
    the measurement (``energy_train``, ``energy_infer``, ``memory``, ``accuracy``, ``recent``,
    ``previous``); device quantities are checked once per profile."""

    paper: str
    claim: str
    metric: str
    paper_value: float
    quantity: str
    form: str

    @property
    def per_device(self) -> bool:
        """True when the measurement depends on the device profile."""
        return self.quantity in ("energy_train", "energy_infer", "memory")


CLAIMS: dict[str, tuple[Claim, ...]] = {
    "spikedyn": (
        Claim("spikedyn", "-51 % training energy vs the state of the art",
              "training energy per sample, method vs baseline (%)", -51.0, "energy_train",
              "change"),
        Claim("spikedyn", "-37 % inference energy vs the state of the art",
              "inference energy per sample, method vs baseline (%)", -37.0, "energy_infer",
              "change"),
        Claim("spikedyn", "+21 % accuracy on the most recently learned task",
              "mean recent-task accuracy, method - baseline (points)", 21.0, "recent",
              "points"),
        Claim("spikedyn", "+8 % accuracy on previously learned tasks",
              "mean previous-tasks accuracy, method - baseline (points)", 8.0, "previous",
              "points"),
    ),
    "fspinn": (
        Claim("fspinn", "7.5x memory saving", "memory footprint, baseline / method (x)", 7.5,
              "memory", "factor"),
        Claim("fspinn", "3.5x training energy efficiency",
              "training energy per sample, baseline / method (x)", 3.5, "energy_train",
              "factor"),
        Claim("fspinn", "1.8x inference energy efficiency",
              "inference energy per sample, baseline / method (x)", 1.8, "energy_infer",
              "factor"),
        Claim("fspinn", "no accuracy loss", "test accuracy, method - baseline (points)", 0.0,
              "accuracy", "points"),
    ),
}


@dataclass(frozen=True)
class Fidelity:
    """Network size and sample counts of one reproduction. ``train_samples`` is per run
    (static) or per task (continual); ``None`` sample counts mean the simulator's default."""

    neurons: int
    train_samples: int | None
    assign_samples: int | None
    test_samples: int | None
    seeds: int
    weight_bits: tuple[int, ...] = ()

    def describe(self, protocol: str) -> str:
        """One line for tables and notes."""
        train = self.train_samples or "default"
        per = " per task" if protocol == "continual" else ""
        bits = f", widths {'/'.join(map(str, self.weight_bits))} bits" if self.weight_bits else ""
        return (f"{self.neurons} neurons, {train} training samples{per}, "
                f"{self.assign_samples or 'default'} assignment, "
                f"{self.test_samples or 'default (all)'} test samples, "
                f"{self.seeds} seed{'s' if self.seeds > 1 else ''}{bits}")


#: (full, quick) fidelity per paper. Full: the papers' network sizes (SpikeDyn 400, FSpiNN
#: 4 900 excitatory neurons); quick: small enough for both papers to finish in minutes.
FIDELITY: dict[str, tuple[Fidelity, Fidelity]] = {
    "spikedyn": (Fidelity(400, 500, 1000, None, 3), Fidelity(100, 100, 300, 1000, 3)),
    "fspinn": (Fidelity(4900, 10_000, 5000, None, 1, (16, 12, 10, 8, 6, 4)),
               Fidelity(400, 2000, 500, 1000, 1, (16, 8, 4))),
}
PROTOCOL = {"spikedyn": "continual", "fspinn": "static"}
_BASELINE = {"inhibition": "population", "rule": "baseline", "weight_bits": 32}
_METHOD = {
    "spikedyn": {"inhibition": "direct", "rule": "spikedyn", "weight_bits": 32},
    "fspinn": {"inhibition": "direct", "rule": "spikedyn", "weight_decay": False,
               "adaptive_lr": False, "adaptive_threshold": False, "spurious_reduction": True,
               "adaptive_potentiation": True, "soft_readout": False, "rounding": "stochastic"},
}


@dataclass(frozen=True)
class Arm:
    """One simulated network of a comparison: its label and ``sim.SimConfig`` fields."""

    label: str
    config: dict[str, Any]


@dataclass(frozen=True)
class ReproduceOptions:
    """The options of ``dse reproduce`` (``profiles`` empty: every shipped profile)."""

    paper: str
    profiles: tuple[str, ...] = ()
    profiles_dir: Path | None = None
    dataset: str = "fashion-mnist"
    data_dir: Path | None = None
    quick: bool = False
    out: Path | None = None
    cache: Path | None = None
    fidelity: Fidelity | None = None


@dataclass
class Reproduction:
    """What ``reproduce`` returns: the claims (dicts with ``CLAIM_KEYS``), the settings shown
    with them, and the output paths."""

    claims: list[dict[str, Any]]
    settings: dict[str, Any]
    out: Path
    files: dict[str, Path] = field(default_factory=dict)


#: ``progress(kind, done, total, label)``: kind ``run`` (a simulation starts: done of total
#: simulations), ``sample`` (training samples of the current simulation) or ``cached``.
Progress = Callable[[str, int, int, str], None]


def arms(paper: str, fidelity: Fidelity, dataset: str) -> list[Arm]:
    """Baseline and method networks of ``paper`` (FSpiNN: one method arm per width)."""
    protocol = PROTOCOL[paper]
    common: dict[str, Any] = {"dataset": dataset, "neurons": fidelity.neurons,
                              "protocol": protocol, "assign_samples": fidelity.assign_samples,
                              "test_samples": fidelity.test_samples}
    if protocol == "continual":
        common["samples_per_task"] = fidelity.train_samples
    else:
        common["train_samples"] = fidelity.train_samples
    out = [Arm("baseline", common | _BASELINE)]
    if paper == "spikedyn":
        return [*out, Arm("method", common | _METHOD[paper])]
    return out + [Arm(f"method {bits}-bit", common | _METHOD[paper] | {"weight_bits": bits})
                  for bits in fidelity.weight_bits]


def fit_to_data(fidelity: Fidelity, protocol: str, train_rows: int, test_rows: int) -> Fidelity:
    """``fidelity`` with sample counts capped to what the dataset holds (the small digits set):
    test samples to its test rows, assignment to a quarter of its training rows, static
    training samples to the rest."""
    assign = fidelity.assign_samples
    if assign is not None:
        assign = min(assign, train_rows // 4)
    test = None if fidelity.test_samples is None else min(fidelity.test_samples, test_rows)
    train = fidelity.train_samples
    if protocol == "static" and train is not None:
        train = min(train, train_rows - (assign or 0))
    return replace(fidelity, train_samples=train, assign_samples=assign, test_samples=test)


def reproduce(options: ReproduceOptions, progress: Progress | None = None) -> Reproduction:
    """Run (or resume) one paper's comparison and write ``reproduction.json`` and
    ``report.html`` into ``options.out``. Raises ``InputError`` for bad options."""
    import sim
    from hwprofiles import list_profiles, load_profile

    if options.paper not in PAPERS:
        raise InputError(f"unknown paper {options.paper!r}; choose one of: {', '.join(PAPERS)}")
    refs = options.profiles or tuple(e.id for e in list_profiles() if e.builtin)
    if len(set(refs)) != len(refs):
        raise InputError(f"--profile: a profile is given twice ({', '.join(refs)})")
    profiles = [load_profile(ref, options.profiles_dir) for ref in refs]
    fidelity = options.fidelity or FIDELITY[options.paper][1 if options.quick else 0]
    data = sim.load_dataset(options.dataset, options.data_dir)
    fidelity = fit_to_data(fidelity, PROTOCOL[options.paper], data.train_y.shape[0],
                           data.test_y.shape[0])
    info = DatasetInfo(options.dataset, data.fingerprint(), float(data.mean_intensity),
                       int(data.n_inputs), float(data.peak_intensity))
    plan = [(arm, seed) for arm in arms(options.paper, fidelity, options.dataset)
            for seed in range(fidelity.seeds)]
    for arm, _ in plan:  # validate every configuration before the first simulation
        sim.SimConfig(**arm.config)
    out = options.out or Path("runs") / f"reproduce-{options.paper}"
    out.mkdir(parents=True, exist_ok=True)
    store = ResultStore(out / STORE_NAME, "reproduce")
    cache = EvaluationCache(options.cache or default_cache_path())
    version = code_version()
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        for index, (arm, seed) in enumerate(plan):
            label = f"{arm.label}, seed {seed}"
            key = cache_key(arm.config, profile_fingerprint=_SIMULATION_ONLY,
                            simulator={"reproduce": options.paper},
                            dataset_fingerprint=info.fingerprint, seed=seed,
                            code_version=version)
            stored = store.get(index)
            if stored is not None and stored["cache_key"] == key:
                sim_dict = stored["sim"]
                _tell(progress, "cached", index + 1, len(plan), f"{label} (replayed)")
            elif (hit := cache.get(key)) is not None:
                sim_dict = hit["sim"]
                _store(store, index, key, arm, seed, sim_dict, hit["wall_s"])
                _tell(progress, "cached", index + 1, len(plan), f"{label} (cache)")
            else:
                _tell(progress, "run", index + 1, len(plan), label)
                start = time.perf_counter()
                config = sim.SimConfig(**arm.config, data_dir=_str(options.data_dir), seed=seed)

                samples = functools.partial(_tell_samples, progress, label)
                sim_dict = sim.run(config, progress=samples, data=data).to_dict()
                wall = time.perf_counter() - start
                cache.put(key, {"objectives": {}, "cost": {}, "sim": sim_dict, "wall_s": wall})
                _store(store, index, key, arm, seed, sim_dict, wall)
            results.setdefault(arm.label, []).append(sim_dict)
    except KeyboardInterrupt:
        raise ReproductionInterrupted(
            f"interrupted: {len(store)} of {len(plan)} simulations are kept in {out}; run the "
            "same command again to resume"
        ) from None
    finally:
        store.close()
        cache.close()
    settings = {
        "paper": options.paper, "dataset": options.dataset,
        "protocol": PROTOCOL[options.paper], "quick": options.quick,
        "fidelity": fidelity.describe(PROTOCOL[options.paper]),
        "profiles": [p.id for p in profiles], "arms": {a.label: a.config for a, _ in plan},
        "code_version": version, "reach": REACH, "no_loss_points": NO_LOSS_POINTS,
    }
    prefix = "quick settings, " if options.quick else ""
    if options.fidelity is not None:
        prefix = "custom settings, "
    configs = {arm.label: arm.config for arm, _ in plan}
    claims, chosen = evaluate_claims(options.paper, results, configs, profiles, info,
                                     prefix + fidelity.describe(PROTOCOL[options.paper]) + "; ")
    settings["method"] = chosen
    reproduction = Reproduction(claims, settings, out)
    reproduction.files = write_outputs(reproduction)
    return reproduction


def evaluate_claims(
    paper: str, results: Mapping[str, Sequence[Mapping[str, Any]]],
    configs: Mapping[str, Mapping[str, Any]], profiles: Sequence[Any], info: DatasetInfo,
    prefix: str = "",
) -> tuple[list[dict[str, Any]], str]:
    """Claim dicts of ``paper`` from the simulations (``SimResult.to_dict()``) of each arm,
    whose ``SimConfig`` fields are ``configs``; ``prefix`` starts every note. Also returns the
    label of the method arm the claims used."""
    base_label = "baseline"
    method = _choose_method(paper, results)
    baseline, chosen = results[base_label], results[method]
    models = RealModels()
    claims: list[dict[str, Any]] = []
    for claim in CLAIMS[paper]:
        if not claim.per_device:
            measured, note = _accuracy_claim(claim, baseline, chosen)
            if paper == "fspinn":
                note = f"selected {method}; " + note
                if measured < -NO_LOSS_POINTS:
                    note += "; " + _learning_loss_reason(method, configs[method], baseline,
                                                         chosen)
            claims.append(_claim_dict(claim, measured, None, prefix + note))
            continue
        for profile in profiles:
            base_cost = _mean_cost(models, configs[base_label], profile, info, baseline)
            method_cost = _mean_cost(models, configs[method], profile, info, chosen)
            measured, reproduced, note = _cost_claim(claim, base_cost, method_cost)
            misfit = [f"{label} does not fit: {'; '.join(problems)}" for label, problems in (
                ("baseline", models.limits(configs[base_label], profile, info)),
                ("method", models.limits(configs[method], profile, info))) if problems]
            note = "; ".join([*misfit, note])
            claims.append(_claim_dict(claim, measured, profile.id, prefix + note, reproduced))
    return claims, method


def _choose_method(paper: str, results: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """SpikeDyn's one method arm; FSpiNN's narrowest width within ``NO_LOSS_POINTS`` of the
    baseline's accuracy (the widest simulated width when none is)."""
    if paper == "spikedyn":
        return "method"
    base = _mean([r["accuracy"] for r in results["baseline"]])
    widths = sorted((int(label.split()[1].split("-")[0]), label)
                    for label in results if label != "baseline")
    for _, label in widths:
        if 100 * (_mean([r["accuracy"] for r in results[label]]) - base) >= -NO_LOSS_POINTS:
            return label
    return widths[-1][1]


def _mean_cost(models: RealModels, config: Mapping[str, Any], profile: Any, info: DatasetInfo,
               runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Memory and per-sample energy by component, mean over the runs' priced activity."""
    costs = [models.price(config, profile, info, run) for run in runs]
    energy = {mode: {k: _mean([c["energy_per_sample_j"][mode][k] for c in costs])
                     for k in costs[0]["energy_per_sample_j"][mode]}
              for mode in ("train", "infer")}
    return {"memory": dict(costs[0]["memory_bytes"]), "energy": energy}


def _cost_claim(claim: Claim, base: Mapping[str, Any], method: Mapping[str, Any]
                ) -> tuple[float, bool, str]:
    """(measured value, reproduced, note) of a memory or energy claim."""
    if claim.quantity == "memory":
        parts_b, parts_m = base["memory"], method["memory"]
    else:
        mode = "train" if claim.quantity == "energy_train" else "infer"
        parts_b, parts_m = base["energy"][mode], method["energy"][mode]
    b, m = float(parts_b["total"]), float(parts_m["total"])
    if claim.form == "factor":
        measured = b / m
        reproduced = math.log(measured) >= REACH * math.log(claim.paper_value)
        achieved = math.log(measured) / math.log(claim.paper_value)
    else:
        measured = 100 * (m / b - 1)
        reproduced = measured <= REACH * claim.paper_value
        achieved = measured / claim.paper_value
    note = (f"baseline {_fmt(b, claim.quantity)}, method {_fmt(m, claim.quantity)}; "
            f"{achieved:.0%} of the claimed effect")
    if not reproduced:
        note += "; " + _cost_reason(claim, parts_b, parts_m)
    return measured, reproduced, note


def _cost_reason(claim: Claim, base: Mapping[str, float], method: Mapping[str, float]) -> str:
    """What the breakdown shows about a shortfall: a dominating component the method does not
    reduce, or the baseline's largest component and how much the method changed it."""
    parts = {k: float(v) for k, v in base.items() if k != "total" and float(v) > 0}
    total_m = float(method["total"])
    if not parts or total_m <= 0:
        return "the baseline's breakdown is empty"
    if claim.quantity == "memory" and "inhibitory_weights" in base:
        share = float(base["inhibitory_weights"]) / float(base["total"])
        rest = {k: v for k, v in parts.items() if k != "inhibitory_weights"}
        top = max(rest, key=rest.__getitem__) if rest else "inhibitory_weights"
        return (f"the N x N inhibitory weights the method removes are {share:.0%} of the "
                f"baseline's memory at this network size (their share grows with the neuron "
                f"count; FSpiNN reported 4 900 neurons); the rest is dominated by "
                f"{_label(top)}, which the method changes by "
                f"{_pct(float(method.get(top, 0.0)), parts.get(top, 0.0))}")
    what = claim.metric.split(" per ")[0]
    top_m = max((k for k in method if k != "total"), key=lambda k: float(method[k]))
    share_m = float(method[top_m]) / total_m
    change = _pct(float(method.get(top_m, 0.0)), float(base.get(top_m, 0.0)))
    if share_m > 0.5:
        return (f"{what} is dominated by {_label(top_m)} ({share_m:.0%} of the method's), which "
                f"the method changes by {change}")
    top_b = max(parts, key=parts.__getitem__)
    share_b = parts[top_b] / float(base["total"])
    return (f"largest part of the baseline's {what}: {_label(top_b)} ({share_b:.0%}), changed "
            f"by {_pct(float(method.get(top_b, 0.0)), parts[top_b])} by the method")


def _accuracy_claim(claim: Claim, base_runs: Sequence[Mapping[str, Any]],
                    method_runs: Sequence[Mapping[str, Any]]) -> tuple[float, str]:
    """(measured points, note) of an accuracy claim; means over seeds."""
    b, m = ([_accuracy_of(r, claim.quantity) for r in runs] for runs in (base_runs, method_runs))
    diff = 100 * (_mean(m) - _mean(b))
    spread = 100 * max(_sd(b), _sd(m))
    seeds = f"{len(b)} seed{'s' if len(b) > 1 else ''}"
    note = (f"baseline {100 * _mean(b):.1f}% ± {100 * _sd(b):.1f}, method {100 * _mean(m):.1f}%"
            f" ± {100 * _sd(m):.1f} ({seeds})")
    if claim.paper_value == 0 and diff < -NO_LOSS_POINTS:
        note += f"; the method loses {-diff:.1f} points (tolerance {NO_LOSS_POINTS:g})"
    elif claim.paper_value > 0 and diff < REACH * claim.paper_value:
        if claim.quantity == "previous" and _mean(b) >= _mean(m):
            note += "; the baseline forgets no more than the method at these settings"
        elif abs(diff) <= spread:
            note += "; the difference is within the spread over seeds"
        else:
            note += f"; {diff / claim.paper_value:.0%} of the claimed gain"
    return diff, note


def _learning_loss_reason(label: str, config: Mapping[str, Any],
                          base_runs: Sequence[Mapping[str, Any]],
                          method_runs: Sequence[Mapping[str, Any]]) -> str:
    """Why FSpiNN's method loses accuracy when even its widest width does: not the
    quantization but how much its learning rule learns from the samples given."""
    def updates(runs: Sequence[Mapping[str, Any]]) -> float:
        return _mean([float(r["activity"]["train"]["potentiation_updates"])
                       + float(r["activity"]["train"]["depression_updates"]) for r in runs])

    base, method = updates(base_runs), updates(method_runs)
    reason = (f"not the quantization: the widest width ({label}) loses it too, so the "
              "learning mechanisms (winner-only updates, damped potentiation) lose it")
    samples = config.get("train_samples")
    per_neuron = (f" from {samples} training samples ({samples / config['neurons']:.0f} per "
                  "neuron)") if samples else ""
    if method > 0 and base / method >= 1.5:
        reason += (f": the method makes {base / method:.1f}x fewer weight updates per training "
                   f"sample (baseline {base:,.0f}, method {method:,.0f}) and learns less"
                   f"{per_neuron}")
    return reason


def _accuracy_of(run: Mapping[str, Any], quantity: str) -> float:
    """Test accuracy, or the mean over tasks of recent / previous-tasks accuracy."""
    if quantity == "accuracy":
        return float(run["accuracy"])
    values = [t[quantity] for t in run["tasks"] if t[quantity] is not None]
    return _mean(values)


def _claim_dict(claim: Claim, measured: float, profile: str | None, note: str,
                reproduced: bool | None = None) -> dict[str, Any]:
    if reproduced is None:
        reproduced = (measured >= -NO_LOSS_POINTS if claim.paper_value == 0
                      else measured >= REACH * claim.paper_value)
    return {"paper": claim.paper, "claim": claim.claim, "metric": claim.metric,
            "paper_value": claim.paper_value, "measured_value": round(measured, 3),
            "profile": profile, "reproduced": bool(reproduced), "note": note}


def write_outputs(reproduction: Reproduction) -> dict[str, Path]:
    """``reproduction.json`` (the claim list) and ``report.html`` in the output directory."""
    import json

    import reports

    out = reproduction.out
    json_path = out / "reproduction.json"
    json_path.write_text(json.dumps(reproduction.claims, indent=2) + "\n", encoding="utf-8")
    html_path = out / "report.html"
    html_path.write_text(reports.reproduction_html(reproduction.claims, reproduction.settings),
                         encoding="utf-8")
    return {"json": json_path, "html": html_path}


def _store(store: ResultStore, index: int, key: str, arm: Arm, seed: int,
           sim_dict: Mapping[str, Any], wall: float) -> None:
    store.put({"index": index, "profile": _SIMULATION_ONLY, "cache_key": key, "arm": arm.label,
               "candidate": dict(arm.config), "seed": seed, "sim": dict(sim_dict),
               "wall_s": wall})


def _tell(progress: Progress | None, kind: str, done: int, total: int, label: str) -> None:
    if progress is not None:
        progress(kind, done, total, label)


def _tell_samples(progress: Progress | None, label: str, done: int, total: int) -> None:
    _tell(progress, "sample", done, total, label)


def _str(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _mean(values: Sequence[float]) -> float:
    return float(statistics.fmean(values)) if values else float("nan")


def _sd(values: Sequence[float]) -> float:
    return float(statistics.pstdev(values)) if len(values) > 1 else 0.0


def _pct(new: float, old: float) -> str:
    return "n/a (absent in the baseline)" if old <= 0 else f"{100 * (new / old - 1):+.0f}%"


def _label(component: str) -> str:
    return {"static": "static power"}.get(component, component.replace("_", " "))


def _fmt(value: float, quantity: str) -> str:
    return format_si(value, "B") if quantity == "memory" else format_si(value, "J")


__all__ = ["CLAIMS", "CLAIM_KEYS", "FIDELITY", "NO_LOSS_POINTS", "PAPERS", "REACH", "Arm",
           "Claim", "Fidelity", "ReproduceOptions", "Reproduction", "ReproductionInterrupted",
           "arms", "evaluate_claims", "reproduce", "write_outputs"]

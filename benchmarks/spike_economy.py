"""Spike economy: gradient-trained SNNs, activity regularisation, ISI-modulated synapses, and
their ANN twin, on Fashion-MNIST (issue 11 targets; docs/spike-economy.md).

Settings of every run: 10,000 training / 2,000 test samples, T = 25, 3 epochs, Adam lr 1e-3,
batch 128, one thread; accuracy with float32 weights, energy priced at float32 (what was
simulated) with the measured inference activity (``costmodels.price_layered``).

Suites (``--suite``, repeatable; default all):

- ``speed``: ``surrogate`` 784-256-10, rate coding: accuracy and training and inference
  ms/sample, beside the same network in snnTorch on the same splits and seeds when snnTorch
  is installed (``pip install -e '.[snntorch]'``; ``snntorch_twin``), else beside the anchor's
  figures (targets: accuracy within 1 point, training at least as fast). The ``surrogate``
  rows use the anchor's readout (``readout="count"``, CE on output spike counts) and the
  default one (``membrane``).
- ``compare``: 784-256-10, rate coding, ``--seeds`` seeds per arm: ``surrogate`` without and
  with each regulariser at its default strength, ``ann``, ``ann`` + l1, and ``converted`` from
  both (direct input, the analog-current route of conversion, and rate input). Targets: l1
  >= 60 % fewer hidden spikes at <= 0.5 point loss; converted within 1.5 points of its ANN;
  the regularised ANN converts with >= 50 % fewer synaptic operations at <= 1 point loss.
- ``sweep``: the accuracy-vs-spikes curve of one regulariser (``--sweep-reg``) over
  ``--sweep-strengths`` on ``surrogate`` 784-256-10 and the rule that picks the default.
- ``imsnn``: ``imsnn`` against ``surrogate`` (784-256-10, rate coding, ``--seeds``) and, on
  ``--ablation-seeds``, ``imsnn`` with the selective rule off. Target: >= 70 % fewer spikes
  at <= 1.5 points loss.
- ``deep``: the surrogate/l1 comparison (and imsnn with ``--deep-imsnn``) on
  784-256-256-10 (rate coding).
- ``direct``: the surrogate/l1 comparison on 784-256-10 with direct (analog first layer) input.
- ``devices`` (no simulation): for every shipped profile, the inference energy of the SNN
  (at the hidden spike rates the ``compare`` suite measures without and with l1) beside its
  ANN twin, and the break-even spike rate below which the SNN is cheaper
  (``costmodels.break_even_spike_rate``), for 784-256-10 (rate and direct input) and
  784-256-256-10 (direct input), 8-bit weights, 16-bit state.

Every ``surrogate``/``imsnn`` arm uses the default readout (``membrane``) unless its label says
``count``. Each table gives accuracy (mean +- sd over seeds), hidden spikes, all spikes, synaptic
operations and MACs per test sample, and the priced inference energy on the event-driven
ASIC and Loihi-like profiles and on the dense Jetson, beside the unregularised baseline.
Run niced, one suite at a time; tables are appended to benchmarks/RESULTS.md unless
``--no-record``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from dataclasses import dataclass

from _record import record

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from costmodels import (
    LayeredActivity,
    LayeredDesign,
    break_even_spike_rate,
    estimated_activity,
    price_layered,
)
from hwprofiles import BUILTIN_DIR, load_profile
from sim import (
    DatasetNotFoundError,
    LayeredConfig,
    default_strength,
    load_dataset,
    run_layered,
)

ANCHOR_ACCURACY = 81.75
ANCHOR_TRAIN_MS = (0.59, 0.73)
PROFILES = ("generic_asic_45nm", "loihi1_like", "jetson_nano")


@dataclass
class Arm:
    """One benchmark arm: a label and the config fields that differ from the base."""

    label: str
    fields: dict


@dataclass
class Outcome:
    """Mean figures of one arm over its seeds."""

    label: str
    accuracy: list[float]
    hidden_spikes: float
    spikes: float
    sops: float
    macs: float
    energy: dict[str, float]
    train_ms: float
    infer_ms: float
    details: dict
    train_cpu_ms: float = 0.0
    infer_cpu_ms: float = 0.0

    @property
    def acc(self) -> float:
        return 100 * float(np.mean(self.accuracy))

    @property
    def acc_sd(self) -> float:
        return 100 * float(np.std(self.accuracy))

    @property
    def acc_text(self) -> str:
        """``mean +- sd (per seed)`` in percent."""
        seeds = ", ".join(f"{100 * a:.2f}" for a in self.accuracy)
        return f"{self.acc:.2f} +- {self.acc_sd:.2f} ({seeds})"


_DONE: dict[str, Outcome] = {}


def run_arm(arm: Arm, base: dict, seeds: int) -> Outcome:
    """``arm`` over ``seeds`` seeds (remembered within the process: suites share baselines)."""
    key = repr((sorted(arm.fields.items()), seeds))
    if key in _DONE:
        return _DONE[key]
    _DONE[key] = outcome = _run_arm(arm, base, seeds)
    return outcome


def _run_arm(arm: Arm, base: dict, seeds: int) -> Outcome:
    results = [run_layered(LayeredConfig(**{**base, **arm.fields, "seed": s})) for s in range(seeds)]
    infer = [r.activity["infer"] for r in results]
    first = results[0]
    cfg = first.config
    assert cfg is not None
    design = LayeredDesign(cfg.family, tuple(first.layers), weight_bits=32, state_bits=32,
                           timesteps=cfg.timesteps, coding=cfg.coding)
    energy = {}
    for pid in PROFILES:
        profile = load_profile(pid)
        energy[pid] = float(np.mean([
            price_layered(profile, design, infer=LayeredActivity.from_sim(a)).energy_infer_j["total"]
            for a in infer]))
    details: dict = {}
    for key in ("ann_accuracy", "blocked_fraction"):
        values = [r.details[key] for r in results if key in r.details]
        if values:
            details[key] = float(np.mean(values))
    return Outcome(
        label=arm.label, accuracy=[r.accuracy for r in results],
        hidden_spikes=float(np.mean([sum(a["spikes_per_layer"][:-1]) for a in infer])),
        spikes=float(np.mean([a["spikes"] for a in infer])),
        sops=float(np.mean([a["synaptic_events"] for a in infer])),
        macs=float(np.mean([a["macs"] for a in infer])),
        energy=energy,
        train_ms=float(np.mean([r.train_ms_per_sample for r in results])),
        infer_ms=float(np.mean([r.infer_ms_per_sample for r in results])),
        details=details,
        train_cpu_ms=float(np.mean([r.details["train_cpu_ms_per_sample"] for r in results])),
        infer_cpu_ms=float(np.mean([r.details["infer_cpu_ms_per_sample"] for r in results])),
    )


def _pct(new: float, old: float) -> str:
    return "-" if old == 0 else f"{100 * (new - old) / old:+.1f} %"


def table(outcomes: list[Outcome], baseline: Outcome) -> str:
    head = ("| arm | seeds | accuracy % | hidden spikes | all spikes | SOPs | MACs | "
            + " | ".join(f"E {p} (uJ)" for p in PROFILES)
            + " | hidden spikes vs base | SOPs vs base | E ASIC vs base |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for o in outcomes:
        lines.append(
            f"| {o.label} | {len(o.accuracy)} | {o.acc_text} | {o.hidden_spikes:,.1f} | "
            f"{o.spikes:,.1f} | {o.sops:,.0f} | {o.macs:,.0f} | "
            + " | ".join(f"{1e6 * o.energy[p]:.3g}" for p in PROFILES)
            + f" | {_pct(o.hidden_spikes, baseline.hidden_spikes)} | {_pct(o.sops, baseline.sops)}"
            f" | {_pct(o.energy[PROFILES[0]], baseline.energy[PROFILES[0]])} |")
    return "\n".join(lines)


def check(name: str, ok: bool, detail: str) -> str:
    line = f"target {name}: {'MET' if ok else 'NOT MET'} ({detail})"
    print(line)
    return line


def snntorch_twin(base: dict, seed: int) -> tuple[float, float, float, float]:
    """The anchor's network in snnTorch on this simulator's split of ``seed``: 784-H-10
    ``Leaky`` (beta 0.9, threshold 1, subtractive reset), fast-sigmoid surrogate (slope 25),
    ``spikegen.rate`` input over T steps, ``ce_count_loss``, Adam lr 1e-3, batch 128, one
    thread, PyTorch's default initialisation seeded with ``seed``. Returns test accuracy,
    hidden spikes per test sample and training ms/sample (wall, CPU)."""
    import snntorch
    import snntorch.functional as snn_functional
    import torch
    from snntorch import spikegen, surrogate

    from sim import make_splits

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    splits = make_splits(load_dataset(base["dataset"], base["data_dir"]),
                         train_samples=base["train_samples"], assign_samples=0,
                         test_samples=base["test_samples"], seed=seed)
    steps, sizes = base["timesteps"], [splits.train_x.shape[1], *base["hidden"], 10]
    linears = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in itertools.pairwise(sizes))
    neurons = [snntorch.Leaky(beta=0.9, spike_grad=surrogate.fast_sigmoid(slope=25))
               for _ in linears]

    def forward(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mems = [n.reset_mem() for n in neurons]
        hidden, out = [], []
        for t in range(steps):
            s = x[t]
            for k, (lin, neu) in enumerate(zip(linears, neurons, strict=True)):
                s, mems[k] = neu(lin(s), mems[k])
                if k == len(linears) - 2:
                    hidden.append(s)
            out.append(s)
        return torch.stack(hidden), torch.stack(out)

    opt = torch.optim.Adam(linears.parameters(), lr=1e-3)
    loss_fn = snn_functional.ce_count_loss()
    x_train, y_train = torch.tensor(splits.train_x), torch.tensor(splits.train_y, dtype=torch.long)
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(base["epochs"]):
        order = torch.randperm(len(y_train))
        for i in range(0, len(y_train), 128):
            idx = order[i:i + 128]
            _, out = forward(spikegen.rate(x_train[idx], num_steps=steps))
            loss = loss_fn(out, y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    n_train = base["epochs"] * len(y_train)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    with torch.no_grad():
        hidden, out = forward(spikegen.rate(torch.tensor(splits.test_x), num_steps=steps))
    accuracy = float((out.sum(0).argmax(1).numpy() == splits.test_y).mean())
    return accuracy, float(hidden.sum((0, 2)).mean()), 1e3 * wall / n_train, 1e3 * cpu / n_train


def suite_speed(base: dict, seeds: int) -> tuple[str, list[str]]:
    count = run_arm(Arm("surrogate, count readout", {"family": "surrogate", "readout": "count"}),
                    base, seeds)
    membrane = run_arm(Arm("surrogate", {"family": "surrogate"}), base, seeds)
    body = ("| implementation | seeds | accuracy % | train ms/sample (wall) | "
            "train ms/sample (CPU) | infer ms/sample (wall) | infer ms/sample (CPU) | "
            "hidden spikes |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, o in (("sim surrogate, count readout (the anchor's settings)", count),
                     ("sim surrogate, membrane readout (default)", membrane)):
        body += (f"\n| {label} | {seeds} | {o.acc_text} | {o.train_ms:.3f} | "
                 f"{o.train_cpu_ms:.3f} | {o.infer_ms:.3f} | {o.infer_cpu_ms:.3f} | "
                 f"{o.hidden_spikes:,.1f} |")
    try:
        import snntorch  # noqa: F401
    except ImportError:
        twin = None
    else:
        twin = [snntorch_twin(base, s) for s in range(seeds)]
    notes: list[str] = []
    if twin is None:
        notes.append("snnTorch is not installed here (pip install -e '.[snntorch]'): compared "
                     "with the anchor figures only")
        train_ref = ANCHOR_TRAIN_MS[1]
    else:
        accs = 100 * np.array([tw[0] for tw in twin])
        per_seed = ", ".join(f"{a:.2f}" for a in accs)
        body += (f"\n| snnTorch {snntorch_version()}, the anchor's settings, same splits | "
                 f"{seeds} | {accs.mean():.2f} +- {accs.std():.2f} ({per_seed}) | "
                 f"{np.mean([tw[2] for tw in twin]):.3f} | {np.mean([tw[3] for tw in twin]):.3f} "
                 f"| - | - | {np.mean([tw[1] for tw in twin]):,.1f} |")
        train_ref = float(np.mean([tw[3] for tw in twin]))
        notes.append(check("count readout within 1 point of snnTorch at the same settings",
                           float(accs.mean()) - count.acc <= 1.0,
                           f"{count.acc:.2f} % vs {accs.mean():.2f} %, "
                           f"{count.acc - accs.mean():+.2f} points"))
    notes += [
        check(f"surrogate (default readout) within 1 point of the snnTorch anchor "
              f"{ANCHOR_ACCURACY} %", ANCHOR_ACCURACY - membrane.acc <= 1.0,
              f"{membrane.acc:.2f} %, {membrane.acc - ANCHOR_ACCURACY:+.2f} points; count "
              f"readout {count.acc:.2f} %"),
        check("surrogate training CPU time <= snnTorch's" if twin else
              "surrogate training <= snnTorch 0.59-0.73 ms/sample",
              membrane.train_cpu_ms <= train_ref,
              f"{membrane.train_cpu_ms:.3f} ms/sample CPU vs {train_ref:.3f} "
              f"({membrane.train_ms:.3f} ms/sample wall)"),
    ]
    return body, notes


def snntorch_version() -> str:
    from importlib.metadata import version
    return version("snntorch")


def suite_compare(base: dict, seeds: int) -> tuple[str, list[str]]:
    arms = [Arm("surrogate", {"family": "surrogate"})]
    arms += [Arm(f"surrogate + {reg} {default_strength('surrogate', reg):g}",
                 {"family": "surrogate", "activity_reg": reg}) for reg in ("l1", "l2", "hoyer")]
    outcomes = [run_arm(a, base, seeds) for a in arms]
    l1_ann = f"ann + l1 {default_strength('ann', 'l1'):g}"
    ann_arms = [Arm("ann", {"family": "ann"}),
                Arm(l1_ann, {"family": "ann", "activity_reg": "l1"}),
                Arm("converted (direct input)", {"family": "converted", "coding": "direct"}),
                Arm(f"converted from {l1_ann} (direct input)",
                    {"family": "converted", "coding": "direct", "activity_reg": "l1"}),
                Arm("converted (rate input)", {"family": "converted"}),
                Arm(f"converted from {l1_ann} (rate input)",
                    {"family": "converted", "activity_reg": "l1"})]
    ann = [run_arm(a, base, seeds) for a in ann_arms]
    surrogate, l1 = outcomes[0], outcomes[1]
    conv, conv_l1 = ann[2], ann[3]
    notes = [
        check("l1 >= 60 % fewer hidden spikes at <= 0.5 point loss",
              l1.hidden_spikes <= 0.4 * surrogate.hidden_spikes and surrogate.acc - l1.acc <= 0.5,
              f"{_pct(l1.hidden_spikes, surrogate.hidden_spikes)} hidden spikes, accuracy "
              f"{l1.acc - surrogate.acc:+.2f} points"),
        check("converted within 1.5 points of its ANN",
              abs(conv.acc - 100 * conv.details["ann_accuracy"]) <= 1.5,
              f"direct input: {conv.acc:.2f} % vs ANN {100 * conv.details['ann_accuracy']:.2f} %; "
              f"rate input: {ann[4].acc:.2f} %"),
        check("regularised ANN converts with >= 50 % fewer SOPs at <= 1 point loss",
              conv_l1.sops <= 0.5 * conv.sops and conv.acc - conv_l1.acc <= 1.0,
              f"direct input: {_pct(conv_l1.sops, conv.sops)} SOPs, accuracy "
              f"{conv_l1.acc - conv.acc:+.2f} points; rate input: "
              f"{_pct(ann[5].sops, ann[4].sops)} SOPs (input spikes dominate)"),
    ]
    body = (table(outcomes, surrogate) + "\n\nANN route (baseline: converted, direct input):\n\n"
            + table(ann, conv))
    return body, notes


def suite_sweep(base: dict, seeds: int, reg: str, strengths: list[float],
                 hidden: tuple[int, ...] = (256,)) -> tuple[str, list[str]]:
    """The accuracy-vs-spikes curve of ``reg`` on ``surrogate`` over ``strengths`` and the
    default-strength rule: the strongest strength whose mean accuracy is within half a point
    of the unregularised network's (every strength is per neuron and per step, so the rule
    does not depend on the width or T)."""
    fields = {"family": "surrogate", "hidden": hidden}
    arms = [Arm("surrogate", fields)] + [
        Arm(f"surrogate + {reg} {s:g}",
            {**fields, "activity_reg": reg, "activity_reg_strength": s}) for s in strengths]
    outcomes = [run_arm(a, base, seeds) for a in arms]
    plain = outcomes[0]
    kept = [(s, o) for s, o in zip(strengths, outcomes[1:], strict=True) if plain.acc - o.acc <= 0.5]
    default = default_strength("surrogate", reg)
    notes = ["rule: the strongest strength within 0.5 point of the unregularised mean: "
             + (f"{max(kept)[0]:g} ({_pct(max(kept)[1].hidden_spikes, plain.hidden_spikes)} "
                "hidden spikes)" if kept else "none of these")
             + f"; the shipped default is {default:g}"]
    return table(outcomes, plain), notes


def suite_imsnn(base: dict, seeds: int, ablation_seeds: int) -> tuple[str, list[str]]:
    outcomes = [run_arm(Arm("surrogate", {"family": "surrogate"}), base, seeds),
                run_arm(Arm("imsnn", {"family": "imsnn"}), base, seeds)]
    if ablation_seeds:
        outcomes.append(run_arm(Arm("imsnn, selective rule off",
                                    {"family": "imsnn", "selective": False}), base, ablation_seeds))
    surrogate, imsnn = outcomes[:2]
    notes = [
        check("imsnn >= 70 % fewer spikes than surrogate at <= 1.5 points loss",
              imsnn.spikes <= 0.3 * surrogate.spikes and surrogate.acc - imsnn.acc <= 1.5,
              f"{_pct(imsnn.spikes, surrogate.spikes)} spikes, accuracy "
              f"{imsnn.acc - surrogate.acc:+.2f} points"),
        (f"imsnn: the selective rule cut {100 * imsnn.details.get('blocked_fraction', 0):.0f} % "
         "of the ISI-path gradients in the last training batch"),
    ]
    return table(outcomes, surrogate), notes


def suite_layers(base: dict, seeds: int, hidden: tuple[int, ...], coding: str,
                 with_imsnn: bool, regs: list[str]) -> tuple[str, list[str]]:
    """surrogate without and with each regulariser of ``regs`` (``name:strength``, default
    the default l1), optionally imsnn, and the ANN twin, on ``hidden`` layers."""
    fields = {"hidden": hidden, "coding": coding}
    arms = [Arm("surrogate", {**fields, "family": "surrogate"})]
    for spec in regs or [f"l1:{default_strength('surrogate', 'l1')}"]:
        name, strength = spec.split(":")
        arms.append(Arm(f"surrogate + {name} {float(strength):g}",
                        {**fields, "family": "surrogate", "activity_reg": name,
                         "activity_reg_strength": float(strength)}))
    if with_imsnn:
        arms.append(Arm("imsnn", {**fields, "family": "imsnn"}))
    arms.append(Arm("ann (twin)", {**fields, "family": "ann"}))
    outcomes = [run_arm(a, base, seeds) for a in arms]
    return table(outcomes, outcomes[0]), []


#: Spikes per neuron per step of the unregularised and the l1 surrogate network (784-256-10,
#: Fashion-MNIST, T = 25: 950 and 150 hidden spikes per sample, the snnTorch anchor; the
#: ``compare`` suite measures this simulator's own).
RATES = {"unregularised": 0.15, "l1": 0.025}


def suite_devices(spike_rates: dict[str, float]) -> tuple[str, list[str]]:
    designs = [("784-256-10, rate input", (784, 256, 10), "rate"),
               ("784-256-10, direct input", (784, 256, 10), "direct"),
               ("784-256-256-10, direct input", (784, 256, 256, 10), "direct")]
    head = ("| device | execution | network | SNN unregularised (uJ) | SNN l1 (uJ) | ANN twin (uJ) "
            "| break-even spike rate |")
    lines = [head, "|---|---|---|---:|---:|---:|---:|"]
    for pid in sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml")):
        profile = load_profile(pid)
        for label, layers, coding in designs:
            design = LayeredDesign("surrogate", layers, weight_bits=8, state_bits=16,
                                   timesteps=25, coding=coding)
            snn = {name: price_layered(profile, design, infer=estimated_activity(
                design, spike_rate=rate)).energy_infer_j["total"]
                for name, rate in spike_rates.items()}
            ann = price_layered(profile, design.twin()).energy_infer_j["total"]
            rate = break_even_spike_rate(profile, design)
            shown = ("never (the SNN costs more even silent)" if rate is None
                     else "any rate" if rate >= 1.0 else f"{rate:.4f} ({100 * rate:.2f} % per step)")
            lines.append(f"| {pid} | {profile.execution} | {label} | {1e6 * snn['unregularised']:.4g} "
                         f"| {1e6 * snn['l1']:.4g} | {1e6 * ann:.4g} | {shown} |")
    notes = [(f"spike rates (spikes per neuron per step): {spike_rates}; rate-coded input at "
              "the Fashion-MNIST mean intensity 0.286; 8-bit weights, 16-bit state, T = 25")]
    return "\n".join(lines), notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", action="append",
                        choices=("speed", "compare", "sweep", "imsnn", "deep", "direct", "devices"))
    parser.add_argument("--sweep-reg", default="l1", choices=("l1", "l2", "hoyer"),
                        help="regulariser of the sweep suite")
    parser.add_argument("--sweep-strengths", nargs="*", type=float, default=[0.5, 1.0, 2.0],
                        help="strengths of the sweep suite (per neuron and step)")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--ablation-seeds", type=int, default=1)
    parser.add_argument("--deep-imsnn", action="store_true",
                        help="add imsnn to the deep suite (slow: its hidden ISI layer)")
    parser.add_argument("--regs", nargs="*", default=[],
                        help="regularisers of the deep and direct suites as name:strength "
                        "(default: l1 at its default strength)")
    parser.add_argument("--layer-seeds", type=int, default=3,
                        help="seeds per arm of the deep and direct suites")
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--test", type=int, default=2_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    suites = args.suite or ["speed", "compare", "imsnn", "deep", "direct", "devices"]
    if suites != ["devices"]:
        try:
            load_dataset("fashion-mnist", args.data_dir)
        except DatasetNotFoundError as err:
            print(f"Fashion-MNIST not found: {err}", file=sys.stderr)
            return 2
    base = {"dataset": "fashion-mnist", "data_dir": args.data_dir, "hidden": (256,),
            "timesteps": 25, "epochs": args.epochs, "train_samples": args.train,
            "test_samples": args.test}
    settings = (f"Fashion-MNIST {args.train} train / {args.test} test, T = 25, {args.epochs} "
                "epochs, Adam lr 1e-3, batch 128, one thread; float32; energy priced at float32 "
                "with the measured inference activity")
    for suite in suites:
        if suite == "devices":
            body, notes = suite_devices(RATES)
            print(body)
            if not args.no_record:
                record("spike_economy: devices", body, notes)
            continue
        if suite == "speed":
            body, notes = suite_speed(base, args.seeds)
        elif suite == "compare":
            body, notes = suite_compare(base, args.seeds)
        elif suite == "sweep":
            body, notes = suite_sweep(base, args.seeds, args.sweep_reg, args.sweep_strengths)
        elif suite == "imsnn":
            body, notes = suite_imsnn(base, args.seeds, args.ablation_seeds)
        elif suite == "deep":
            body, notes = suite_layers(base, args.layer_seeds, (256, 256), "rate", args.deep_imsnn,
                                       args.regs)
        else:
            body, notes = suite_layers(base, args.layer_seeds, (256,), "direct", False,
                                       args.regs)
        print(body)
        seeds = args.layer_seeds if suite in ("deep", "direct") else args.seeds
        if not args.no_record:
            record(f"spike_economy: {suite}", body, [settings, f"{seeds} seed(s) per arm", *notes])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`dse simulate`: run one network family once and print accuracy, activity and timings.

``--family stdp`` (the default) is the Diehl & Cook STDP simulator; ``surrogate``, ``imsnn``,
``ann`` and ``converted`` are the layered families of ``sim`` (docs/spike-economy.md). A
progress bar goes to stderr while training an STDP network; the result goes to stdout as a
table or, with ``--json``, as the ``SimResult.to_dict()`` JSON of docs/architecture.md (the
layered families add ``family``, ``layers`` and ``details``). Every family's activity carries
``spikes``, ``synaptic_events`` and ``macs`` per sample.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from dse.cli import _choices as choice
from dse.cli._app import app, stderr, stdout
from snn_dse.domains import DEFAULT_ROUNDING, WEIGHT_BITS

# literal so that `dse` does not import the simulator (and Numba) at start-up
_MECHANISMS_HELP = (
    "adaptive_lr, adaptive_threshold, weight_decay, spurious_reduction, adaptive_potentiation,"
    " soft_readout"
)


#: Options of the STDP family only, with their defaults (an explicit other value is an error
#: for a layered family).
_STDP_ONLY = {"neurons": 100, "inhibition": "direct", "inhibition_strength": 120.0,
              "rule": "baseline", "protocol": "static", "rounding": DEFAULT_ROUNDING,
              "quantization": "in-training", "assign_samples": None, "max_rate": None}


@app.command()
def simulate(
    family: Annotated[choice.Family, typer.Option(help="Network family.")] = "stdp",
    hidden: Annotated[
        list[int] | None,
        typer.Option(help="Hidden layer width of a layered family (repeatable; default 256).")
    ] = None,
    coding: Annotated[
        choice.Coding, typer.Option(help="Input coding of a spiking layered family.")
    ] = "rate",
    readout: Annotated[
        choice.Readout, typer.Option(help="Readout of surrogate/imsnn: CE on the mean output "
                                     "membrane, or on output spike counts (snnTorch's "
                                     "ce_count_loss); docs/spike-economy.md.")
    ] = "membrane",
    activity_reg: Annotated[
        choice.ActivityReg, typer.Option(help="Activity regulariser (layered families).")
    ] = "none",
    activity_reg_strength: Annotated[
        float | None,
        typer.Option(help="Regulariser strength (default: the documented one per family, "
                     "docs/spike-economy.md).")
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(help="Mini-batch size of a layered family (default: 128, smaller for "
                     "small training sets).")
    ] = None,
    lr: Annotated[float, typer.Option(help="Adam learning rate (layered families).")] = 1e-3,
    dataset: Annotated[choice.Dataset, typer.Option(help="Dataset to train and test on.")] = (
        "digits"),
    data_dir: Annotated[
        Path | None, typer.Option(help="Directory with the IDX files (mnist, fashion-mnist).")
    ] = None,
    neurons: Annotated[int, typer.Option(help="Excitatory neurons.")] = 100,
    epochs: Annotated[
        int | None,
        typer.Option(help="Passes over the training samples (default 1 for stdp, 3 otherwise).")
    ] = None,
    weight_bits: Annotated[int, typer.Option(help=WEIGHT_BITS.describe() + "; layered "
                                             "families round signed weights after training")] = 32,
    rounding: Annotated[
        choice.Rounding, typer.Option(help="Rounding of in-training fixed-point weight updates.")
    ] = DEFAULT_ROUNDING,
    quantization: Annotated[
        choice.Quantization, typer.Option(help="When weights are quantized.")
    ] = "in-training",
    inhibition: Annotated[choice.Inhibition, typer.Option(help="Lateral inhibition.")] = (
        "direct"),
    inhibition_strength: Annotated[
        float, typer.Option(help="Lateral inhibition per spike, mV.")
    ] = 120.0,
    rule: Annotated[choice.Rule, typer.Option(help="Learning rule.")] = "baseline",
    protocol: Annotated[choice.Protocol, typer.Option(help="Training protocol.")] = "static",
    train_samples: Annotated[
        int | None, typer.Option(help="Training samples per epoch (default: per dataset).")
    ] = None,
    test_samples: Annotated[int | None, typer.Option(help="Test samples.")] = None,
    assign_samples: Annotated[
        int | None, typer.Option(help="Labelled samples for label assignment.")
    ] = None,
    classes_per_task: Annotated[int, typer.Option(help="Classes per task (continual).")] = 1,
    enable: Annotated[
        list[str] | None,
        typer.Option(help=f"Switch a spikedyn mechanism on (repeatable): {_MECHANISMS_HELP}."),
    ] = None,
    disable: Annotated[
        list[str] | None, typer.Option(help="Switch a spikedyn mechanism off (repeatable).")
    ] = None,
    samples_per_task: Annotated[
        int, typer.Option(help="Training samples per task (continual).")
    ] = 100,
    timesteps: Annotated[
        int | None,
        typer.Option(help="Steps per sample (default 350 for stdp, 25 otherwise).")
    ] = None,
    max_rate: Annotated[
        float | None,
        typer.Option(help="Input rate of a white pixel, Hz (default: the input-drive rule, an "
                     "average training image emits 13.07 spikes per ms; docs/learning-rules.md)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Train and test one network; print accuracy, per-sample activity and timings."""
    from sim import MECHANISMS, ConfigError, LayeredConfig, SimConfig, run, run_layered

    if family != "stdp":
        given = {"neurons": neurons, "inhibition": inhibition,
                 "inhibition_strength": inhibition_strength, "rule": rule, "protocol": protocol,
                 "rounding": rounding, "quantization": quantization,
                 "assign_samples": assign_samples, "max_rate": max_rate}
        wrong = [k for k, v in given.items() if v != _STDP_ONLY[k]] + (
            ["enable"] if enable or disable else [])
        if wrong:
            raise ConfigError(
                f"--{wrong[0].replace('_', '-')} applies to --family stdp only; for --family "
                f"{family} set the layers with --hidden (repeatable) and drop it")
        layered = LayeredConfig(
            family=family, dataset=dataset, data_dir=str(data_dir) if data_dir else None,
            hidden=tuple(hidden or (256,)), timesteps=timesteps or 25, epochs=epochs or 3,
            batch_size=batch_size, lr=lr, coding=coding, readout=readout,
            activity_reg=activity_reg,
            activity_reg_strength=activity_reg_strength, weight_bits=weight_bits,
            train_samples=train_samples, test_samples=test_samples, seed=seed,
        )
        with stderr.status(f"training {family} {'-'.join(map(str, layered.hidden))}"):
            data = run_layered(layered).to_dict()
        if as_json:
            stdout.print_json(json.dumps(data))
            return
        stdout.print(_summary_table("static", data))
        stdout.print(_activity_table(data["activity"]))
        return
    if (hidden or coding != "rate" or readout != "membrane" or activity_reg != "none"
            or activity_reg_strength is not None):
        raise ConfigError("--hidden, --coding, --readout and --activity-reg apply to the layered "
                          "families; "
                          "add --family surrogate|imsnn|ann|converted or drop them")

    switches = dict.fromkeys(enable or (), True) | dict.fromkeys(disable or (), False)
    unknown = sorted(set(switches) - set(MECHANISMS))
    if unknown:
        raise ConfigError(
            f"--enable/--disable: unknown mechanism(s) {', '.join(unknown)}; choose from "
            + ", ".join(MECHANISMS)
        )
    config = SimConfig(
        dataset=dataset, data_dir=str(data_dir) if data_dir else None, neurons=neurons,
        epochs=epochs or 1, weight_bits=weight_bits, rounding=rounding, quantization=quantization,
        inhibition=inhibition, inhibition_strength=inhibition_strength, rule=rule,
        protocol=protocol, train_samples=train_samples, test_samples=test_samples,
        samples_per_task=samples_per_task, timesteps=timesteps or 350, max_rate_hz=max_rate, seed=seed,
        assign_samples=assign_samples, classes_per_task=classes_per_task,
        **switches,
    )
    columns = (
        TextColumn("training"), BarColumn(), MofNCompleteColumn(), TextColumn("samples"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("training", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run(config, progress=progress)
    data = result.to_dict() | {"max_rate_hz": result.max_rate_hz}  # the rate dse cost prices
    for counts in data["activity"].values():  # the family-independent counters
        counts["spikes"] = counts["exc_spikes"] + counts["inh_spikes"]
        counts["macs"] = 0.0
    if as_json:
        stdout.print_json(json.dumps(data))
        return
    if config.protocol == "continual":
        stdout.print(_tasks_table(data["tasks"]))
    stdout.print(_summary_table(config.protocol, data))
    stdout.print(_activity_table(data["activity"]))


def _tasks_table(tasks: list[dict[str, Any]]) -> Table:
    table = Table(title="continual tasks (accuracy after each task)")
    for name in ("task", "classes", "recent", "previous", "all seen"):
        table.add_column(name, justify="right")
    for t in tasks:
        table.add_row(
            str(t["task"]), ",".join(map(str, t["classes"])), _pct(t["recent"]),
            _pct(t["previous"]), _pct(t["all_seen"]),
        )
    return table


def _summary_table(protocol: str, data: dict[str, Any]) -> Table:
    table = Table(title="simulation")
    table.add_column("result")
    table.add_column("value", justify="right")
    name = "final all-class accuracy" if protocol == "continual" else "test accuracy"
    table.add_row(name, _pct(data["accuracy"]))
    table.add_row("training time", f"{data['train_ms_per_sample']:.2f} ms/sample")
    table.add_row("inference time", f"{data['infer_ms_per_sample']:.2f} ms/sample")
    table.add_row("seed", str(data["seed"]))
    return table


def _activity_table(activity: dict[str, dict[str, float]]) -> Table:
    table = Table(title="activity per sample")
    table.add_column("count")
    table.add_column("train", justify="right")
    table.add_column("inference", justify="right")
    for name in activity["train"]:
        table.add_row(name, _count(activity["train"][name]), _count(activity["infer"][name]))
    return table


def _count(value: float | list[float]) -> str:
    if isinstance(value, list):
        return " / ".join(f"{v:,.1f}" for v in value)
    return f"{value:,.1f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"

"""`dse simulate`: run the STDP simulator once and print accuracy, activity and timings.

A progress bar goes to stderr while training; the result goes to stdout as a table or, with
``--json``, as the ``SimResult.to_dict()`` JSON of docs/architecture.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dse.cli import _choices as choice
from dse.cli._app import app, stderr, stdout
from snn_dse.domains import DEFAULT_ROUNDING, WEIGHT_BITS

# literal so that `dse` does not import the simulator (and Numba) at start-up
_MECHANISMS_HELP = (
    "adaptive_lr, adaptive_threshold, weight_decay, spurious_reduction, adaptive_potentiation"
)


@app.command()
def simulate(
    dataset: Annotated[choice.Dataset, typer.Option(help="Dataset to train and test on.")] = (
        "digits"),
    data_dir: Annotated[
        Path | None, typer.Option(help="Directory with the IDX files (mnist, fashion-mnist).")
    ] = None,
    neurons: Annotated[int, typer.Option(help="Excitatory neurons.")] = 100,
    epochs: Annotated[int, typer.Option(help="Passes over the training samples (static).")] = 1,
    weight_bits: Annotated[int, typer.Option(help=WEIGHT_BITS.describe())] = 32,
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
    timesteps: Annotated[int, typer.Option(help="Presentation length in 1 ms steps.")] = 350,
    max_rate: Annotated[
        float | None,
        typer.Option(help="Input rate of a white pixel, Hz (default: calibrated per dataset, "
                     "127.5 for digits, 63.75 for mnist and fashion-mnist)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Train and test one spiking network; print accuracy, per-sample activity and timings."""
    from sim import MECHANISMS, ConfigError, SimConfig, run

    switches = dict.fromkeys(enable or (), True) | dict.fromkeys(disable or (), False)
    unknown = sorted(set(switches) - set(MECHANISMS))
    if unknown:
        raise ConfigError(
            f"--enable/--disable: unknown mechanism(s) {', '.join(unknown)}; choose from "
            + ", ".join(MECHANISMS)
        )
    config = SimConfig(
        dataset=dataset, data_dir=str(data_dir) if data_dir else None, neurons=neurons,
        epochs=epochs, weight_bits=weight_bits, rounding=rounding, quantization=quantization,
        inhibition=inhibition, inhibition_strength=inhibition_strength, rule=rule,
        protocol=protocol, train_samples=train_samples, test_samples=test_samples,
        samples_per_task=samples_per_task, timesteps=timesteps, max_rate_hz=max_rate, seed=seed,
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
    data = result.to_dict()
    if as_json:
        stdout.print_json(json.dumps(data))
        return
    if config.protocol == "continual":
        stdout.print(_tasks_table(data["tasks"]))
    stdout.print(_summary_table(config.protocol, data))
    stdout.print(_activity_table(data["activity"]))


def _tasks_table(tasks: list[dict]) -> Table:
    table = Table(title="continual tasks (accuracy after each task)")
    for name in ("task", "classes", "recent", "previous", "all seen"):
        table.add_column(name, justify="right")
    for t in tasks:
        table.add_row(
            str(t["task"]), ",".join(map(str, t["classes"])), _pct(t["recent"]),
            _pct(t["previous"]), _pct(t["all_seen"]),
        )
    return table


def _summary_table(protocol: str, data: dict) -> Table:
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
        table.add_row(name, f"{activity['train'][name]:,.1f}", f"{activity['infer'][name]:,.1f}")
    return table


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"

"""`dse cost`: price one SNN design on one device profile (estimated activity)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from costmodels import (
    DC_MAX_RATE_HZ,
    MNIST_MEAN_INTENSITY,
    Activity,
    SNNDesign,
    check_limits,
    estimate,
)
from dse.cli import _choices as choice
from dse.cli._app import app, stderr, stdout
from hwprofiles import format_si, load_profile
from snn_dse.domains import STATE_BITS, WEIGHT_BITS


@app.command("cost")
def cost_command(
    profile: Annotated[str, typer.Option("--profile", help="Profile id or path to a YAML file.")],
    neurons: Annotated[int, typer.Option("--neurons", min=1, help="Excitatory neurons.")],
    weight_bits: Annotated[int, typer.Option("--weight-bits", help=WEIGHT_BITS.describe())],
    inputs: Annotated[int, typer.Option("--inputs", min=1, help="Input neurons (pixels).")] = 784,
    inhibition: Annotated[choice.Inhibition, typer.Option("--inhibition")] = "population",
    timesteps: Annotated[int, typer.Option("--timesteps", min=1, help="1 ms steps per sample.")] = 350,
    rule: Annotated[choice.Rule, typer.Option("--rule")] = "baseline",
    state_bits: Annotated[int, typer.Option("--state-bits", help=STATE_BITS.describe())] = 16,
    mean_intensity: Annotated[float, typer.Option(
        "--mean-intensity", min=0.0, max=1.0, help="Mean pixel value (MNIST 0.1307).")] = MNIST_MEAN_INTENSITY,
    max_rate_hz: Annotated[float, typer.Option(
        "--max-rate", min=0.0, help="Input rate of a white pixel in Hz.")] = DC_MAX_RATE_HZ,
    profiles_dir: Annotated[Path | None, typer.Option("--profiles-dir")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Memory, energy per training/inference sample and latency of one design on one profile."""
    device = load_profile(profile, profiles_dir)
    design = SNNDesign(inputs=inputs, neurons=neurons, inhibition=inhibition,
                       weight_bits=weight_bits, state_bits=state_bits, timesteps=timesteps,
                       rule=rule)
    rates = {"mean_intensity": mean_intensity, "max_rate_hz": max_rate_hz}
    report = estimate(design, device,
                      Activity.estimated(design, training=True, **rates),
                      Activity.estimated(design, training=False, **rates))
    if as_json:
        full = report.to_dict()
        keys = ("memory_bytes", "energy_per_sample_j", "latency_per_sample_s", "profile",
                "activity_source")
        stdout.print_json(json.dumps({key: full[key] for key in keys}))
        return
    for problem in check_limits(design, device):
        stderr.print(f"[yellow]warning:[/] {escape(problem)} on {device.id}")
    _print_report(report, design)


def _print_report(report, design: SNNDesign) -> None:  # noqa: ANN001 - CostReport
    stdout.print(f"[bold]{report.profile}[/]: {design.neurons} neurons, {design.inputs} inputs, "
                 f"{design.inhibition} inhibition, {design.weight_bits}-bit weights, "
                 f"{design.timesteps} steps, {design.rule} (activity {report.activity_source})")
    memory = Table("memory component", "size", "level", "priced by", title="Memory")
    for name, size in report.memory_bytes.items():
        memory.add_row(name, format_si(size, "B"), report.placement.get(name, ""),
                       _sources(report.figures.get(name, [])))
    stdout.print(memory)
    energy = Table("energy component", "train / sample", "infer / sample", "priced by",
                   title="Energy")
    for name, train in report.energy_train_j.items():
        energy.add_row(name, format_si(train, "J"), format_si(report.energy_infer_j[name], "J"),
                       _sources(report.figures.get(name, [])))
    stdout.print(energy)
    stdout.print(f"latency per sample: inference {format_si(report.latency_s, 's')}, "
                 f"training {format_si(report.latency_train_s, 's')} "
                 f"(priced by {_sources(report.figures.get('latency', []))})")


def _sources(figures: list[dict[str, str]]) -> str:
    """Short "field value (basis)" list; ``--json`` and the HTML report show every figure."""
    shown = [f"{f['field'].split('.', 1)[-1]} {f['value']} ({f['basis']})" for f in figures[:2]]
    return escape("; ".join(shown) + (f" +{len(figures) - 2}" if len(figures) > 2 else ""))

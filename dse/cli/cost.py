"""`dse cost`: price one design on one device profile (estimated or measured activity).

``--family stdp`` (default) is the Diehl & Cook network; ``surrogate``, ``imsnn``, ``ann`` and
``converted`` are layered networks ``--inputs``, ``--hidden``... (repeatable), ``--outputs``,
priced by ``costmodels.price_layered`` (docs/spike-economy.md), with the activity of
``--activity FILE`` (the JSON of ``dse simulate --family ... --json``) when given. The stdp
family goes through the mapper (fits, placement, cores; docs/cost-model.md) and takes
``--timing`` and ``--activity`` (the JSON of ``dse simulate --json``) too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from dse.cli import _choices as choice
from dse.cli._app import app, stderr, stdout
from snn_dse.domains import MNIST_MEAN_INTENSITY, STATE_BITS, WEIGHT_BITS
from snn_dse.errors import InputError
from snn_dse.units import format_si

if TYPE_CHECKING:
    from costmodels import Activity, CostReport, LayeredCost, SNNDesign
    from hwprofiles import DeviceProfile


#: Keys of ``dse cost --json`` (docs/architecture.md).
JSON_KEYS = ("memory_bytes", "energy_per_sample_j", "latency_per_sample_s", "profile",
             "activity_source", "fits", "fit_reason", "memory_levels", "placement", "mapping",
             "timing")


#: Counters ``dse simulate --json`` adds to every family's activity (sums of the others).
SUMMARY_COUNTS = ("spikes", "macs")


def read_activity(path: Path) -> tuple[Activity, Activity]:
    """(train, infer) measured activity from the JSON ``dse simulate --json`` prints
    (``activity.train`` and ``activity.infer``); ``InputError`` naming the file otherwise."""
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise InputError(f"--activity {path}: cannot read the file ({error.strerror})") from None
    except json.JSONDecodeError as error:
        raise InputError(f"--activity {path}: not JSON ({error.msg}, line {error.lineno}); "
                         "give the output of `dse simulate --json`") from None
    activity = data.get("activity") if isinstance(data, dict) else None
    if not isinstance(activity, dict) or not all(
            isinstance(activity.get(k), dict) for k in ("train", "infer")):
        raise InputError(f"--activity {path}: expected keys activity.train and activity.infer "
                         "(the JSON of `dse simulate --json`)")
    from costmodels import Activity

    try:  # without the family-independent summaries (spikes, macs) dse simulate adds
        return tuple(Activity.from_dict({k: v for k, v in activity[phase].items()
                                         if k not in SUMMARY_COUNTS}, "measured")
                     for phase in ("train", "infer"))  # type: ignore[return-value]
    except InputError as error:
        raise InputError(f"--activity {path}: {error}") from None


@app.command("cost")
def cost_command(
    profile: Annotated[str, typer.Option("--profile", help="Profile id or path to a YAML file.")],
    neurons: Annotated[int | None, typer.Option(
        "--neurons", min=1, help="Excitatory neurons (family stdp).")] = None,
    weight_bits: Annotated[int, typer.Option("--weight-bits", help=WEIGHT_BITS.describe())] = 8,
    family: Annotated[choice.Family, typer.Option("--family", help="Network family.")] = "stdp",
    hidden: Annotated[list[int] | None, typer.Option(
        "--hidden", min=1, help="Hidden layer width of a layered family (repeatable).")] = None,
    outputs: Annotated[int, typer.Option("--outputs", min=1, help="Output neurons (classes).")] = 10,
    coding: Annotated[choice.Coding, typer.Option(
        "--coding", help="Input coding (layered spiking families).")] = "rate",
    spike_rate: Annotated[float, typer.Option(
        "--spike-rate", min=0.0, max=1.0,
        help="Estimated spikes per neuron per step (layered families, without --activity).")] = 0.15,
    activity: Annotated[Path | None, typer.Option(
        "--activity", help="JSON of dse simulate --json: price its measured activity.")] = None,
    inputs: Annotated[int | None, typer.Option(
        "--inputs", min=1, help="Input neurons (pixels); default 784, or --dataset's.")] = None,
    inhibition: Annotated[choice.Inhibition, typer.Option("--inhibition")] = "population",
    timesteps: Annotated[int | None, typer.Option(
        "--timesteps", min=1, help="Steps per sample (default 350 for stdp, 25 otherwise).")] = None,
    rule: Annotated[choice.Rule, typer.Option("--rule")] = "baseline",
    state_bits: Annotated[int, typer.Option("--state-bits", help=STATE_BITS.describe())] = 16,
    mean_intensity: Annotated[float | None, typer.Option(
        "--mean-intensity", min=0.0, max=1.0,
        help="Mean pixel value; default MNIST's 0.1307, or --dataset's.")] = None,
    max_rate_hz: Annotated[float | None, typer.Option(
        "--max-rate", min=0.0, help="Input rate of a white pixel in Hz. Default: the "
        "simulator's input-drive rule (sim.input_rate_hz) for these images, the rate dse "
        "simulate and dse explore use (127.5 Hz for MNIST's statistics).")] = None,
    dataset: Annotated[choice.Dataset | None, typer.Option(
        "--dataset", help="Take --inputs, --mean-intensity and the input rule's rate from "
        "this dataset's files (sim.load_dataset).")] = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="Directory of --dataset's IDX files (default: the search path of "
        "dse simulate).")] = None,
    timing: Annotated[choice.Timing | None, typer.Option(
        "--timing", help="afap: samples back to back as fast as the device goes; realtime: one "
        "sample per timesteps x 1 ms of wall time (static power paid over it). "
        "Default: the profile's timing.mode.")] = None,
    profiles_dir: Annotated[Path | None, typer.Option("--profiles-dir")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
    with_sensitivity: Annotated[bool, typer.Option(
        "--sensitivity", help="Rank the profile figures by their share of the inference "
        "energy's uncertainty (docs/uncertainty.md).")] = False,
) -> None:
    """Memory, fit on the device, energy per training/inference sample and latency of one
    design on one profile, each with its low-high range from the profile figures' ranges."""
    from costmodels import Activity, SNNDesign, cost_ranges, estimate, sensitivity
    from hwprofiles import load_profile

    device = load_profile(profile, profiles_dir)
    inputs, mean_intensity, peak_intensity = _image_statistics(dataset, data_dir, inputs,
                                                               mean_intensity)
    if family != "stdp":
        if timing is not None:
            raise InputError("--timing applies to --family stdp (the layered families are "
                             "priced as fast as the device goes)")
        _cost_layered(device, family, (inputs, *(hidden or (256,)), outputs), weight_bits,
                      state_bits, timesteps or 25, coding, spike_rate, mean_intensity, activity,
                      as_json, with_sensitivity)
        return
    if neurons is None or hidden:
        raise InputError("--family stdp needs --neurons (and takes no --hidden); for a layered "
                         "network add --family surrogate|imsnn|ann|converted")
    timesteps = timesteps or 350
    design = SNNDesign(inputs=inputs, neurons=neurons, inhibition=inhibition,
                       weight_bits=weight_bits, state_bits=state_bits, timesteps=timesteps,
                       rule=rule)
    if activity is not None:
        train, infer = read_activity(activity)
    else:
        if max_rate_hz is None:
            from sim import input_rate_hz

            max_rate_hz = input_rate_hz(mean_intensity, inputs, peak_intensity)
        rates = {"mean_intensity": mean_intensity, "max_rate_hz": max_rate_hz}
        train = Activity.estimated(design, training=True, **rates)
        infer = Activity.estimated(design, training=False, **rates)

    def price(device: DeviceProfile) -> CostReport:
        return estimate(design, device, train, infer, timing=timing)

    report = price(device)
    ranges = cost_ranges(price, device)
    ranked = sensitivity(price, device) if with_sensitivity else None
    if as_json:
        full = report.to_dict()
        out = {key: full[key] for key in JSON_KEYS} | ranges
        if ranked is not None:
            out["sensitivity"] = ranked
        stdout.print_json(json.dumps(out))
        return
    if report.fit_reason:
        stderr.print(f"[yellow]warning:[/] {escape(report.fit_reason)} on {device.id}")
    _print_report(report, design, ranges)
    if ranked is not None:
        _print_sensitivity(ranked)


def _image_statistics(dataset: str | None, data_dir: Path | None, inputs: int | None,
                      mean_intensity: float | None) -> tuple[int, float, float]:
    """(inputs, mean pixel, mean brightest pixel) of the priced images: ``dataset``'s
    (``sim.load_dataset``), else the options' (MNIST's by default, pixels scaled to a
    brightest pixel of 1). ``InputError`` when both are given."""
    if dataset is None:
        return (inputs or 784, MNIST_MEAN_INTENSITY if mean_intensity is None else mean_intensity,
                1.0)
    if inputs is not None or mean_intensity is not None:
        raise InputError("--dataset sets the inputs and mean intensity from its files: give "
                         "either --dataset or --inputs/--mean-intensity")
    import sim

    data = sim.load_dataset(dataset, data_dir)
    return int(data.n_inputs), float(data.mean_intensity), float(data.peak_intensity)


def _cost_layered(device: DeviceProfile, family: str, layers: tuple[int, ...], weight_bits: int,
                  state_bits: int, timesteps: int, coding: str, spike_rate: float,
                  mean_intensity: float, activity: Path | None, as_json: bool,
                  with_sensitivity: bool) -> None:
    from costmodels import (
        LayeredActivity,
        LayeredDesign,
        cost_ranges,
        estimated_activity,
        price_layered,
        sensitivity,
    )

    design = LayeredDesign(family, layers, weight_bits, state_bits, timesteps, coding)
    if activity is None:
        infer = estimated_activity(design, spike_rate=spike_rate, mean_intensity=mean_intensity)
        train = estimated_activity(design, spike_rate=spike_rate, mean_intensity=mean_intensity,
                                   training=True)
    else:
        try:
            measured = json.loads(activity.read_text(encoding="utf-8"))["activity"]
            train, infer = (LayeredActivity.from_sim(measured[phase]) for phase in ("train", "infer"))
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise InputError(f"--activity {activity}: expected the JSON of dse simulate --family "
                             f"{family} --json ({err})") from err
    def price(profile: DeviceProfile) -> LayeredCost:
        return price_layered(profile, design, infer=infer, train=train)

    report = price(device)
    ranges = cost_ranges(price, device)
    ranked = sensitivity(price, device) if with_sensitivity else None
    data = report.to_dict() | ranges
    if family != "ann":
        twin = price_layered(device, design.twin())
        data["ann_twin_energy_infer_j"] = twin.energy_infer_j["total"]
    if ranked is not None:
        data["sensitivity"] = ranked
    if as_json:
        stdout.print_json(json.dumps(data))
        return
    if report.fit_reason:
        stderr.print(f"[yellow]warning:[/] {escape(report.fit_reason)} on {device.id}")
    stdout.print(f"[bold]{report.profile}[/]: {family} {'-'.join(map(str, layers))}, "
                 f"{weight_bits}-bit weights, {design.steps} steps, {coding} coding "
                 f"(activity {report.activity_source})")
    energy = Table("energy component", "train / sample", "infer / sample", title="Energy")
    for name, value in report.energy_infer_j.items():
        energy.add_row(name, format_si(report.energy_train_j[name], "J"), format_si(value, "J"))
    stdout.print(energy)
    memory = Table("memory component", "size", "level", title="Memory")
    for name, size in report.memory_bytes.items():
        memory.add_row(name, format_si(size, "B"), report.placement.get(name, ""))
    stdout.print(memory)
    energy_range = ranges["energy_per_sample_j_range"]
    stdout.print(f"energy range (low - high): training {_span(energy_range['train'], 'J')}, "
                 f"inference {_span(energy_range['infer'], 'J')}")
    stdout.print(f"latency per sample: inference {format_si(report.latency_s, 's')} "
                 f"(range {_span(ranges['latency_per_sample_s_range'], 's')})")
    if "ann_twin_energy_infer_j" in data:
        stdout.print(f"ANN twin (same layers and precision): "
                     f"{format_si(data['ann_twin_energy_infer_j'], 'J')} per inference")
    if ranked is not None:
        _print_sensitivity(ranked)


def _print_report(report: CostReport, design: SNNDesign, ranges: dict[str, Any]) -> None:
    stdout.print(f"[bold]{report.profile}[/]: {design.neurons} neurons, {design.inputs} inputs, "
                 f"{design.inhibition} inhibition, {design.weight_bits}-bit weights, "
                 f"{design.timesteps} steps, {design.rule} (activity {report.activity_source})")
    memory = Table("memory component", "size", "level", "priced by", title="Memory")
    for name, size in report.memory_bytes.items():
        level = report.placement.get(name, "") if name != "total" else ""
        memory.add_row(name, format_si(size, "B"), level or ("[red]none[/]" if name != "total" else ""),
                       _sources(report.figures.get(name, [])))
    stdout.print(memory)
    levels = Table("memory level", "used", "capacity", title="Memory levels")
    for level_name, usage in report.memory_levels.items():
        cap = usage["capacity_bytes"]
        levels.add_row(level_name, format_si(usage["used_bytes"] or 0, "B"),
                       format_si(cap, "B") if cap is not None else "unbounded")
    stdout.print(levels)
    m = report.mapping
    fit = "[green]fits[/]" if report.fits else f"[red]{escape(report.fit_reason or '')}[/]"
    stdout.print(f"mapping: {m['cores']} core(s) used"
                 + (f" of {m['core_limit']}" if m.get("core_limit") else "")
                 + f", {m['hops_per_spike']:.2f} mesh hops per spike message, static power "
                 f"{format_si(m['static_power_w'], 'W')}; {fit}")
    energy = Table("energy component", "train / sample", "infer / sample", "priced by",
                   title="Energy")
    for name, train in report.energy_train_j.items():
        energy.add_row(name, format_si(train, "J"), format_si(report.energy_infer_j[name], "J"),
                       _sources(report.figures.get(name, [])))
    energy_range = ranges["energy_per_sample_j_range"]
    energy.add_section()
    energy.add_row("range (low - high)", _span(energy_range["train"], "J"),
                   _span(energy_range["infer"], "J"), "profile figure ranges")
    stdout.print(energy)
    stdout.print(f"latency per sample ({report.timing['mode']} timing): inference "
                 f"{format_si(report.latency_s, 's')} "
                 f"(range {_span(ranges['latency_per_sample_s_range'], 's')}), "
                 f"training {format_si(report.latency_train_s, 's')} "
                 f"(range {_span(ranges['latency_train_per_sample_s_range'], 's')}) "
                 f"(priced by {_sources(report.figures.get('latency', []))})")


def _span(bounds: dict[str, float], unit: str) -> str:
    return f"{format_si(bounds['low'], unit)} - {format_si(bounds['high'], unit)}"


def _print_sensitivity(ranked: list[dict[str, Any]]) -> None:
    table = Table("profile figure", "share of variance", "lowest energy", "highest energy",
                  title="What the inference energy's uncertainty hangs on (measure the top first)")
    for row in ranked:
        table.add_row(escape(row["field"]), f"{row['share']:.1%}", format_si(row["low_j"], "J"),
                      format_si(row["high_j"], "J"))
    stdout.print(table)


def _sources(figures: list[dict[str, str]]) -> str:
    """Short "field value (basis)" list; ``--json`` and the HTML report show every figure."""
    shown = [f"{f['field'].split('.', 1)[-1]} {f['value']} ({f['basis']})" for f in figures[:2]]
    return escape("; ".join(shown) + (f" +{len(figures) - 2}" if len(figures) > 2 else ""))

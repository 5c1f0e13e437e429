"""`dse calibrate`: fit a profile's per-event energies and static power to measured runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from dse.cli._app import app, stdout
from snn_dse.errors import InputError
from snn_dse.units import format_si


@app.command("calibrate")
def calibrate_command(
    profile: Annotated[str, typer.Option("--profile", help="Base profile id or YAML path.")],
    measurements: Annotated[Path, typer.Option(
        "--measurements", help="CSV of measured runs: phase, inputs, neurons, inhibition, "
        "weight_bits, rule, the Activity counters, energy_j (optional latency_s); "
        "docs/uncertainty.md.")],
    out: Annotated[Path, typer.Option("--out", help="The calibrated profile to write (YAML).")],
    fit: Annotated[str | None, typer.Option(
        "--fit", help="Comma-separated figures to fit (default: every per-event energy, "
        "per-level memory read/write and static power).")] = None,
    profile_id: Annotated[str | None, typer.Option(
        "--id", help="id of the new profile (default: <base id>_calibrated).")] = None,
    profiles_dir: Annotated[Path | None, typer.Option("--profiles-dir")] = None,
) -> None:
    """Fit figures by non-negative least squares and write a profile that extends the base
    with only the fitted figures (basis measured, the fit's range)."""
    import yaml

    from costmodels import calibrate, calibrated_profile_yaml, fit_fields, read_measurements
    from hwprofiles import load_profile

    base = load_profile(profile, profiles_dir)
    known = fit_fields(base)
    fields = [name.strip() for name in fit.split(",") if name.strip()] if fit else known
    unknown = [name for name in fields if name not in known]
    if unknown or not fields:
        raise InputError(f"--fit: unknown figure(s) {', '.join(unknown) or '(none given)'}; "
                         f"fittable figures of {base.id}: {', '.join(known)}")
    data = read_measurements(measurements)
    result = calibrate(base, data, fields)
    base_ref = profile
    if Path(profile).is_file():
        base_ref = os.path.relpath(Path(profile).resolve(), out.resolve().parent)
    document = calibrated_profile_yaml(base_ref, base, result, str(measurements),
                                       profile_id=profile_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
                   encoding="utf-8")
    load_profile(out, profiles_dir)  # the written profile must load; ProfileError otherwise
    table = Table("figure", "fitted", "range (~95 %)", f"{base.id} value",
                  title=f"Calibrated {result.runs} runs -> {escape(str(out))}")
    current = dict(base.iter_figures())
    for figure in result.figures:
        before = current.get(figure.field)
        table.add_row(figure.field, format_si(figure.value, figure.unit),
                      f"{format_si(figure.low, figure.unit)} .. "
                      f"{format_si(figure.high, figure.unit)}",
                      format_si(before.value, before.unit) if before else "(not given)")
    stdout.print(table)
    stdout.print(f"R\u00b2 {result.r_squared:.4f}; worst residual {result.worst_residual:.1%} "
                 f"(run on line {result.worst_row + 2} of {escape(str(measurements))})",
                 soft_wrap=True)
    if result.unexercised:
        stdout.print("not exercised by these runs, left at the base value: "
                     + ", ".join(result.unexercised), soft_wrap=True)

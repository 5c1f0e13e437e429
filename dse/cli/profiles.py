"""`dse profiles list|show|validate`: browse and check device profiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from dse.cli._app import app, stderr, stdout
from snn_dse.units import format_si

if TYPE_CHECKING:
    from hwprofiles import Figure

profiles_app = typer.Typer(help="List, show and validate device profiles.", no_args_is_help=True)
app.add_typer(profiles_app, name="profiles")

ProfilesDir = Annotated[
    Path | None,
    typer.Option("--profiles-dir", help="Extra directory of profile YAML files (searched first)."),
]


@profiles_app.command("list")
def list_command(profiles_dir: ProfilesDir = None) -> None:
    """List the profiles found: shipped ones, --profiles-dir and $DSE_PROFILES_PATH."""
    from hwprofiles import list_profiles

    table = Table("id", "kind", "source")
    for entry in list_profiles(profiles_dir):
        table.add_row(entry.id, entry.kind, "builtin" if entry.builtin else str(entry.path))
    stdout.print(table)


@profiles_app.command("show")
def show_command(
    ref: Annotated[str, typer.Argument(help="Profile id or path to a YAML file.")],
    profiles_dir: ProfilesDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the validated profile as JSON.")] = False,
) -> None:
    """Show a validated profile: every number with its unit, range, basis and reference."""
    from hwprofiles import load_profile

    profile = load_profile(ref, profiles_dir)
    if as_json:
        data = profile.to_dict()
        data["ranges"] = {field: {"low": figure.low, "high": figure.high, "unit": figure.unit,
                                  "source": figure.range_source}
                          for field, figure in profile.iter_figures()}
        stdout.print_json(json.dumps(data))
        return
    stdout.print(f"[bold]{escape(profile.id)}[/]  {escape(profile.name)}")
    stdout.print(f"kind {profile.kind}, execution {profile.execution}, "
                 f"source {escape(str(profile.source))}")
    stdout.print(f"fingerprint {profile.fingerprint()}")
    table = Table("field", "value", "range", "from", "basis", "reference")
    for field, figure in profile.iter_figures():
        table.add_row(field, _format(figure.value, figure), _range(figure), figure.range_source,
                      figure.basis, escape(figure.reference))
    stdout.print(table)
    stdout.print("range 'from': range or tolerance = given on the figure; basis = default "
                 f"tolerance of its basis ({_defaults()}); exact = set by the design "
                 "(docs/uncertainty.md)", soft_wrap=True)
    stdout.print(f"timing mode (default of --timing): {profile.timing.mode}")
    for level in profile.memory:
        if level.read_only:
            stdout.print(f"memory level {escape(level.name)}: read-only at run time (holds only "
                         "what nothing writes while the network runs or learns)")
    if profile.cores is None:
        stdout.print("cores: one processing element (no per-core limits)")
    if profile.references:
        for tag, citation in profile.references.items():
            stdout.print(f"[bold]{escape(tag)}[/]: {escape(citation)}")


def _format(value: float, figure: Figure) -> str:
    if figure.unit == "1":
        return figure.text if value == figure.value else f"{value:g}"
    return format_si(value, figure.unit)


def _range(figure: Figure) -> str:
    low, high = figure.bounds()
    return f"{_format(low, figure)} .. {_format(high, figure)}"


def _defaults() -> str:
    from hwprofiles import DEFAULT_TOLERANCE

    return ", ".join(f"{basis} \u00b1{share:.0%}" for basis, share in DEFAULT_TOLERANCE.items())


@profiles_app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="Profile YAML files to check.")],
    profiles_dir: ProfilesDir = None,
) -> None:
    """Validate profile files: exit 0 when all are valid, 2 otherwise (one line per error)."""
    from hwprofiles import ProfileError, load_profile

    failed = False
    for path in paths:
        try:
            profile = load_profile(path, profiles_dir)
        except ProfileError as error:
            failed = True
            for issue in error.issues:
                stderr.print(f"[bold red]error:[/] {escape(str(issue))}", soft_wrap=True)
            continue
        stdout.print(f"ok: {escape(str(path))} ({profile.id})", soft_wrap=True)
    if failed:
        raise typer.Exit(2)


@profiles_app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of profile files (for editors: start a profile with
    "# yaml-language-server: $schema=FILE" after saving this output as FILE)."""
    from hwprofiles import profile_json_schema

    typer.echo(json.dumps(profile_json_schema(), indent=2))

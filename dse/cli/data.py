"""`dse data list` and `dse data fetch`: which datasets are available, and downloading them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn
from rich.table import Table

from dse.cli._app import app, stderr, stdout
from snn_dse.domains import DATASETS

data_app = typer.Typer(
    help="Datasets: list what is available and where; download MNIST and Fashion-MNIST.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Directory holding NAME/ (or the four IDX files); searched before $DSE_DATA_DIR, "
        "the user cache and /usr/share/datasets.",
        file_okay=False,
    ),
]


def _size(n_bytes: int | None) -> str:
    """Bytes in binary units for the table (``11.1 MiB``)."""
    if n_bytes is None:
        return "-"
    size = float(n_bytes)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


@data_app.command("list")
def list_datasets(
    data_dir: DataDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show each dataset: available or not, where it is loaded from, samples and size."""
    from sim._datasets import dataset_status

    statuses = [dataset_status(name, data_dir) for name in DATASETS]
    if as_json:
        typer.echo(json.dumps([status.to_dict() for status in statuses], indent=2))
        return
    table = Table(title="Datasets", box=box.SIMPLE_HEAD)
    table.add_column("dataset", no_wrap=True)
    table.add_column("available", no_wrap=True)
    table.add_column("location", overflow="fold")
    for column in ("train", "test", "size"):
        table.add_column(column, justify="right", no_wrap=True)
    for status in statuses:
        table.add_row(
            status.name,
            "[green]yes[/]" if status.available else "[red]no[/]",
            status.location or f"run: dse data fetch {status.name}",
            str(status.train_samples) if status.available else "-",
            str(status.test_samples) if status.available else "-",
            _size(status.size_bytes),
        )
    stdout.print(table)
    for status in statuses:
        if status.problem:
            stderr.print(f"[yellow]{status.name}:[/] {status.problem}", highlight=False)


@data_app.command("fetch")
def fetch(
    name: Annotated[str, typer.Argument(help="mnist or fashion-mnist.")],
    data_dir: DataDirOption = None,
    mirror: Annotated[
        list[str] | None,
        typer.Option(
            "--mirror", help="Base URL to download from instead of the defaults (repeatable)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Download again even if verified files are there.")
    ] = False,
) -> None:
    """Download a dataset's four IDX files, checksum-verified, into the user cache (or DIR/NAME)."""
    from sim._fetch import fetch_dataset

    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        console=stderr,
        transient=True,
    ) as bar:

        def progress(file_name: str, done: int, total: int | None) -> None:
            if file_name not in tasks:
                tasks[file_name] = bar.add_task(file_name, total=total)
            bar.update(tasks[file_name], completed=done)

        files = fetch_dataset(name, data_dir, mirrors=mirror, force=force, progress=progress)
    if not files:
        stdout.print(f"{name} is embedded in snn-dse; nothing to fetch", highlight=False)
        return
    downloaded = sum(1 for f in files if f.url is not None)
    stdout.print(
        f"{name}: {len(files)} files in {files[0].path.parent} "
        f"({_size(sum(f.size_bytes for f in files))}; {downloaded} downloaded, "
        f"{len(files) - downloaded} already present and verified)",
        highlight=False,
        soft_wrap=True,
    )

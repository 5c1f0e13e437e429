"""``dse export RUN_DIR --design N --nir FILE [--npz FILE]``: the trained network of one design."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dse.cli._app import app, stdout


@app.command("export")
def export_command(
    run_dir: Annotated[Path, typer.Argument(help="Run directory written by `dse explore --out`.")],
    design: Annotated[int, typer.Option("--design", help="Evaluation index (the # column).")],
    nir_file: Annotated[Path | None, typer.Option(
        "--nir", help="Write the network in NIR (HDF5), docs/export.md.")] = None,
    npz_file: Annotated[Path | None, typer.Option(
        "--npz", help="Write weights, thresholds and parameters as NumPy arrays.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Where datasets are found.")] = None,
) -> None:
    """Retrain design N exactly as the exploration did (same seed, same weights) and write the
    trained network."""
    from dse._export import export_design

    result = export_design(run_dir, design, nir_path=nir_file, npz_path=npz_file,
                           data_dir=data_dir)
    params = ", ".join(f"{k}={v}" for k, v in result.record["candidate"].items())
    check = {True: "the recorded accuracy, reproduced",
             False: "differs from the recorded one: the code changed since the exploration",
             None: "not simulated during the exploration (pre-screened)"}[result.reproduced]
    stdout.print(f"#{design}: {params}; seed {result.seed}; accuracy {result.accuracy:.4f} "
                 f"({check})", soft_wrap=True, highlight=False)
    for kind, path in result.paths.items():
        stdout.print(f"{kind}: {path}", soft_wrap=True, highlight=False)

"""``dse report RUN_DIR`` (or ``dse report --store URL --run NAME``): rebuild the HTML report and
the exports (``evaluations.csv``, ``pareto.csv``, ``results.json``) of a run from its result
store (also of an interrupted run), optionally with PNG copies of its figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dse.cli._app import app, stderr, stdout


@app.command()
def report(
    run_dir: Annotated[Path | None, typer.Argument(
        help="Run directory written by `dse explore --out` (its store.sqlite is read unless "
             "--store is given; the outputs are written there).")] = None,
    png: Annotated[bool, typer.Option(
        "--png", help="Also export every figure as PNG (needs Chromium for kaleido).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Report file to write (default: RUN_DIR/report.html).")] = None,
    store: Annotated[str | None, typer.Option(
        help="Read the run from this store (database URL or SQLite file) instead.")] = None,
    run: Annotated[str | None, typer.Option(
        help="The run's name in --store (may be left out when it holds one run).")] = None,
) -> None:
    """Rebuild report.html and the CSV/JSON exports of a run (PNG figures go beside the report,
    in figures/, with --png)."""
    import dse
    import reports
    from snn_dse.errors import InputError

    if run_dir is None and store is None:
        raise InputError("give a run directory, or --store URL (and --run NAME)")
    run_info, evaluations = (dse.load_run(run_dir) if store is None
                             else dse.load_run(run_dir, store=store, run_name=run))
    directory = run_dir if run_dir is not None else Path("runs") / str(
        run or run_info.get("run_name") or "report")
    reports.write_exports(run_info, evaluations, directory)
    path = reports.write_report(run_info, evaluations, out or directory / "report.html")
    if run_info.get("complete") is False:
        stderr.print("[yellow]note:[/] the run was interrupted or is still running; the report shows "
                     f"{len(evaluations)} evaluations")
    stdout.print(str(path), soft_wrap=True)
    if png:
        for image in reports.write_pngs(run_info, evaluations, path.parent / "figures"):
            stdout.print(str(image), soft_wrap=True)

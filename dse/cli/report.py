"""``dse report RUN_DIR``: rebuild the HTML report and the exports (``evaluations.csv``,
``pareto.csv``, ``results.json``) of a run directory from its result store (also of an
interrupted run), optionally with PNG copies of its figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dse.cli._app import app, stderr, stdout


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="Run directory written by `dse explore --out`.")],
    png: Annotated[bool, typer.Option(
        "--png", help="Also export every figure as PNG (needs Chromium for kaleido).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Report file to write (default: RUN_DIR/report.html).")] = None,
) -> None:
    """Rebuild report.html and the CSV/JSON exports of a run (PNG figures go beside the report,
    in figures/, with --png)."""
    import dse
    import reports

    run, evaluations = dse.load_run(run_dir)
    reports.write_exports(run, evaluations, run_dir)
    path = reports.write_report(run, evaluations, out or run_dir / "report.html")
    if run.get("complete") is False:
        stderr.print("[yellow]note:[/] the run was interrupted; the report shows "
                     f"{len(evaluations)} evaluations")
    stdout.print(str(path), soft_wrap=True)
    if png:
        for image in reports.write_pngs(run, evaluations, path.parent / "figures"):
            stdout.print(str(image), soft_wrap=True)

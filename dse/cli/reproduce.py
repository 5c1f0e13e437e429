"""``dse reproduce spikedyn|fspinn``: a seed paper's claims next to this tool's measurements.

Progress (one line per simulation, a bar for its training samples) goes to stderr; the claim
table to stdout; ``reproduction.json`` and ``report.html`` to ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dse.cli import _choices as choice
from dse.cli._app import app, stderr, stdout


@app.command()
def reproduce(
    paper: Annotated[str, typer.Argument(help="spikedyn | fspinn")],
    profile: Annotated[
        list[str] | None,
        typer.Option(help="Device profile id or YAML path (repeatable; default: every shipped "
                     "profile)."),
    ] = None,
    dataset: Annotated[
        choice.Dataset, typer.Option(help="Dataset (the papers used MNIST and Fashion-MNIST).")
    ] = "fashion-mnist",
    data_dir: Annotated[
        Path | None, typer.Option(help="Directory with the IDX files (mnist, fashion-mnist).")
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Smaller networks and sample counts: minutes, not "
                           "hours (the output says so).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Output directory (default: runs/reproduce-PAPER); "
                                  "re-running into it resumes.")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Evaluation cache file (default: the shared user cache "
                                  "of dse explore).")
    ] = None,
) -> None:
    """Run a seed paper's comparison (its baseline vs its method) with this tool's simulator
    and cost models, and check each of the paper's claims on each device profile."""
    from dse._reproduce import FIDELITY, PROTOCOL, ReproduceOptions
    from dse._reproduce import reproduce as run

    options = ReproduceOptions(
        paper=paper, profiles=tuple(profile or ()), dataset=dataset, data_dir=data_dir,
        quick=quick, out=out, cache=cache,
    )
    if paper in FIDELITY:
        fidelity = FIDELITY[paper][1 if quick else 0]
        mode = "QUICK settings (not the paper's)" if quick else "full settings"
        stderr.print(f"dse reproduce {paper}: {mode}: {dataset}, {PROTOCOL[paper]} protocol, "
                     f"{fidelity.describe(PROTOCOL[paper])}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("training", total=None)

        def progress(kind: str, done: int, total: int, label: str) -> None:
            if kind == "sample":
                bar.update(task, completed=done, total=total)
                return
            verb = "simulating" if kind == "run" else "reusing"
            bar.console.print(f"[{done}/{total}] {verb} {label}")
            bar.update(task, description=label, completed=0, total=None)

        result = run(options, progress=progress)
    stdout.print(claims_table(result.claims, result.settings))
    stdout.print(f"{result.files['json']}\n{result.files['html']}", soft_wrap=True)


def claims_table(claims: list[dict[str, Any]], settings: dict[str, Any]) -> Table:
    """The printed table: one row per claim check."""
    import reports

    title = f"{settings['paper']}: paper vs measured ({settings['dataset']}"
    title += ", QUICK settings)" if settings.get("quick") else ")"
    table = Table(title=title)
    for name in ("claim", "device", "paper", "measured", "reproduced", "note"):
        table.add_column(name, overflow="fold")
    for c in claims:
        table.add_row(
            c["claim"], c["profile"] or "any", reports.format_claim_value(c["metric"],
                                                                          c["paper_value"]),
            reports.format_claim_value(c["metric"], c["measured_value"]),
            "yes" if c["reproduced"] else "no", c["note"],
        )
    return table

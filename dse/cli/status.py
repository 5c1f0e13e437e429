"""``dse status --store URL --run NAME``: progress of a run across all of its workers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from dse.cli._app import app, stdout


@app.command()
def status(
    store: Annotated[str, typer.Option(help="The run's store: a database URL or a SQLite file "
                                       "(a run directory's store.sqlite).")],
    run: Annotated[str | None, typer.Option(
        help="The run's name (may be left out when the store holds one run).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Evaluations done, failed, running (with which worker) and the front size of a run."""
    from dse._status import run_status

    state = run_status(Path(store) if "://" not in store else store, run)
    if as_json:
        stdout.print_json(json.dumps(state.to_dict()))
        return
    requested = f" of {state.requested}" if state.requested is not None else ""
    stdout.print(f"run {state.run}: {state.state}; {state.evaluated}{requested} evaluations "
                 f"stored, {state.failed} failed, {state.feasible} feasible, front "
                 f"{state.front}; {len(state.running)} running, {state.waiting} waiting",
                 soft_wrap=True, highlight=False)
    if state.running:
        table = Table(title="Running", title_justify="left", box=box.SIMPLE_HEAD)
        for column in ("worker", "design (cache key)", "lease left"):
            table.add_column(column)
        for item in state.running:
            table.add_row(item.owner, item.key[:16], f"{item.lease_left_s:.0f} s")
        stdout.print(table)
    if state.by_worker:
        table = Table(title="Simulated by worker", title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("worker")
        table.add_column("designs", justify="right")
        for worker, count in sorted(state.by_worker.items()):
            table.add_row(worker, str(count))
        stdout.print(table)

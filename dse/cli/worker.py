"""``dse worker --store URL --run NAME``: simulate designs of a shared run until it ends."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dse._defaults import DEFAULT_LEASE_S, DEFAULT_THREADS
from dse.cli._app import app, stderr, stdout


@app.command()
def worker(
    store: Annotated[str, typer.Option(help="The run's store, as given to `dse explore "
                                       "--store`: postgresql+psycopg://user@host/db or a "
                                       "SQLite file on this machine.")],
    run: Annotated[str, typer.Option(help="The run's name (`dse explore --run`).")],
    workers: Annotated[int, typer.Option(help="Designs simulated at once on this machine "
                                         "(processes).")] = 1,
    threads: Annotated[int, typer.Option(help="Compute threads (BLAS, OpenMP) of each "
                                         "simulation; 1 suits one simulation per core.")
                       ] = DEFAULT_THREADS,
    lease: Annotated[float, typer.Option(help="Seconds a claimed design stays with this "
                                         "worker if it stops renewing it (killed).")
                     ] = DEFAULT_LEASE_S,
    cache: Annotated[str | None, typer.Option(
        help="Evaluation cache: a SQLite file or a database URL (default: a file in the user "
             "cache dir).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Neither read nor write the cache.")] = False,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the run to be started.")
                    ] = 600.0,
) -> None:
    """Join the exploration RUN in STORE: claim its designs, simulate them, write the results,
    and exit 0 when the coordinator (`dse explore`) has finished the run."""
    from dse._cache import EvaluationCache, default_cache_path
    from dse._worker import run_worker

    shared = None if no_cache else EvaluationCache(cache or default_cache_path())
    target = store if "://" in store else Path(store)

    def progress(summary) -> None:  # type: ignore[no-untyped-def]
        stderr.print(f"worker: {summary.evaluated} evaluated ({summary.failed} failed)",
                     highlight=False)

    summary = run_worker(target, run, workers=workers, threads=threads, lease_s=lease,
                         cache=shared,
                         wait_s=wait, on_progress=progress)
    stdout.print(f"run {run} is {summary.state}; this worker evaluated {summary.evaluated} "
                 f"designs ({summary.failed} failed), idle {summary.idle_s:.1f} s waiting for "
                 "designs", highlight=False)

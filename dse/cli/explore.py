"""``dse explore``: parse the options, run ``dse.explore`` with a progress bar, print the results.

Stdout: the Pareto front of each profile, the recommended design and the paths written (or,
when nothing meets the budgets, the least-infeasible designs; exit 3). Stderr: the progress bar.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dse._objectives import OBJECTIVES
from dse._options import ExploreOptions
from dse.cli import _choices as choice
from dse.cli._app import app, stderr, stdout
from snn_dse.domains import applies
from snn_dse.units import format_si

#: The library's defaults are the command's.
DEFAULTS = ExploreOptions()

if TYPE_CHECKING:
    from dse._explore import ProgressState
    from dse._options import ExploreResult


@contextmanager
def _progress_bar() -> Iterator[Callable[[ProgressState], None]]:
    """A rich progress bar on stderr; yields the callback that advances it."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=16),
        MofNCompleteColumn(),
        TextColumn("feasible {task.fields[feasible]}"),
        TextColumn("best acc {task.fields[best]}"),
        TextColumn("hits {task.fields[hits]}"),
        TextColumn("failed {task.fields[failed]}"),
        TextColumn("front {task.fields[front]}"),
        TextColumn("{task.fields[running]}"),
        TimeRemainingColumn(),
    )
    # No refresh thread: worker processes are forked while the bar is live.
    with Progress(*columns, console=stderr, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("exploring", total=None, feasible=0, best="-", hits=0,
                                 failed=0, front=0, running="")

        def update(state: ProgressState) -> None:
            best = "-" if state.best_accuracy is None else f"{state.best_accuracy:.3f}"
            progress.update(
                task,
                description=state.profile,
                completed=state.done,
                total=state.total,
                feasible=state.feasible,
                best=best,
                hits=state.cache_hits,
                failed=state.failed,
                front=state.front,
                running=_running_text(state.running),
            )
            progress.refresh()

        yield update


def _running_text(owners: Sequence[str]) -> str:
    """``running 3 (host:12, host:13 x2)``: designs being evaluated elsewhere, by worker."""
    if not owners:
        return ""
    counts = Counter(owners)
    workers = ", ".join(f"{w} x{n}" if n > 1 else w for w, n in sorted(counts.items()))
    return f"running {len(owners)} ({workers})"


def _value(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    objective = next(o for o in OBJECTIVES if o.key == key)
    return f"{value:.3f}" if objective.unit == "" else format_si(value, objective.unit)


#: Short column headers of the default space's parameters (others keep their names).
_SHORT = {
    "weight_bits": "bits",
    "inhibition": "inhib.",
    "timesteps": "steps",
    "inhibition_strength": "inh. mV",
}


def _design_table(
    title: str, records: Sequence[Mapping[str, Any]], result: ExploreResult, *, budgets: bool
) -> Table:
    """One row per record: index, profile (when several), the parameters that vary, accuracy,
    the optimised and budgeted objectives, and with ``budgets`` how far each budget is
    exceeded."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    shown = {"accuracy"} | {o.key for o in result.objectives} | {b.key for b in result.budgets}
    keys = [o.key for o in OBJECTIVES if o.key in shown]
    several = len({r["profile"] for r in result.evaluations}) > 1
    parameters = [  # parameters fixed across the whole run say nothing here
        name for name in result.parameters
        if len({repr(r["candidate"].get(name)) for r in result.evaluations}) > 1
    ]
    for header in ["#", *(["profile"] if several else []), *parameters, *keys]:
        table.add_column(_SHORT.get(header, header).replace("_", " "), no_wrap=True)
    shown_budgets = result.budgets if budgets else ()
    for budget in shown_budgets:
        table.add_column(f"{budget.key.replace('_', ' ')} over", no_wrap=True)
    for record in records:
        excess = [
            format_si(max(0.0, record["constraints"][b.key]), b.kind.unit) for b in shown_budgets
        ]
        table.add_row(
            str(record["index"]),
            *([record["profile"]] if several else []),
            *(str(record["candidate"].get(name, "")) if applies(name, record["candidate"])
              else "–" for name in parameters),
            *(_value(k, record["objectives"][k]) for k in keys),
            *excess,
        )
    return table


def design_parameters(candidate: Mapping[str, Any]) -> str:
    """``name=value, ...`` of the parameters that apply to ``candidate`` (a layered design
    has no ``neurons`` or ``rule``: their canonical placeholders are left out)."""
    return ", ".join(f"{k}={v}" for k, v in candidate.items() if applies(k, candidate))


def _print_result(result: ExploreResult) -> None:
    # A terminal keeps its width; into a pipe or a file, tables are not squeezed to 80 columns.
    tables = stdout if stdout.is_terminal else Console(width=200)
    if result.recommended is not None:
        tables.print(_design_table("Pareto front (feasible, non-dominated)", result.pareto,
                                   result, budgets=False))
        chosen = result.recommended
        stdout.print(
            f"Recommended: #{chosen['index']} on {chosen['profile']}: "
            f"{design_parameters(chosen['candidate'])} "
            f"(accuracy {_value('accuracy', chosen['objectives']['accuracy'])}, "
            f"inference energy {_value('energy_infer', chosen['objectives']['energy_infer'])}, "
            f"memory {_value('memory', chosen['objectives']['memory'])})",
            soft_wrap=True,
        )
        if not chosen.get("feasible_high", True):
            stdout.print(
                f"[yellow]warning:[/] #{chosen['index']} meets the budgets only at the nominal "
                "profile figures; at the high corner of their ranges it breaks a budget "
                "(rerun with --robust; docs/uncertainty.md)", soft_wrap=True)
    else:
        tables.print(_design_table("No design meets the budgets; least infeasible:",
                                   result.least_infeasible, result, budgets=True))
        for record in result.least_infeasible:
            if record["reason"]:
                stdout.print(f"#{record['index']}: {record['reason']}", soft_wrap=True,
                             highlight=False)
    for name, path in result.paths.items():
        stdout.print(f"{name}: {path}", soft_wrap=True, highlight=False)


@app.command("explore")
def explore_command(
    profile: Annotated[
        list[str] | None,
        typer.Option("--profile", help="Device profile id or YAML path; repeat to compare "
                     f"devices in one run. Default: {DEFAULTS.profiles[0]}."),
    ] = None,
    profiles_dir: Annotated[
        Path | None, typer.Option(help="Directory searched for user profile ids.")
    ] = None,
    memory_budget: Annotated[
        str | None, typer.Option(help="Memory footprint cap with a unit, e.g. 64KiB.")
    ] = None,
    energy_budget: Annotated[
        str | None, typer.Option(help="Inference energy per sample cap, e.g. 2uJ.")
    ] = None,
    train_energy_budget: Annotated[
        str | None, typer.Option(help="Training energy per sample cap, e.g. 10uJ.")
    ] = None,
    latency_budget: Annotated[
        str | None, typer.Option(help="Inference latency per sample cap, e.g. 5ms.")
    ] = None,
    robust: Annotated[
        bool, typer.Option(help="Feasible only when the high corner of the profile figures' "
                           "ranges meets every budget (docs/uncertainty.md).")
    ] = False,
    objectives: Annotated[
        str, typer.Option(help="Comma-separated objectives: accuracy, memory, energy-infer, "
                          "energy-train, latency, recent-accuracy, previous-accuracy.")
    ] = DEFAULTS.objectives,
    engine: Annotated[
        choice.Engine, typer.Option(help="Search engine: guided prices every candidate with "
                                    "the cost model and simulates where the front can move "
                                    "(docs/search.md); grid when the space is no larger than "
                                    "--evaluations.")
    ] = DEFAULTS.engine,
    sampler: Annotated[choice.Sampler, typer.Option(help="Optuna sampler.")] = DEFAULTS.sampler,
    storage: Annotated[
        str | None, typer.Option(help="Optuna storage URL (default: SQLite in the run dir).")
    ] = None,
    evaluations: Annotated[
        int, typer.Option(help="Designs to evaluate per profile.")
    ] = DEFAULTS.evaluations,
    seed: Annotated[int, typer.Option(help="Seed of the search and of the simulations.")] = (
        DEFAULTS.seed
    ),
    space: Annotated[
        Path | None, typer.Option(help="YAML file replacing or narrowing the design space.")
    ] = None,
    dataset: Annotated[choice.Dataset, typer.Option(help="Dataset to train and test on.")] = (
        DEFAULTS.dataset
    ),
    data_dir: Annotated[Path | None, typer.Option(help="Where datasets are found.")] = None,
    protocol: Annotated[
        choice.Protocol, typer.Option(help="static or continual learning.")
    ] = DEFAULTS.protocol,
    train_samples: Annotated[
        int, typer.Option(help="Training samples per design (per task when continual).")
    ] = DEFAULTS.train_samples,
    test_samples: Annotated[
        int, typer.Option(help="Test samples per design.")
    ] = DEFAULTS.test_samples,
    rounding: Annotated[
        choice.Rounding, typer.Option(help="Rounding of in-training fixed-point weight updates.")
    ] = DEFAULTS.rounding,
    timing: Annotated[
        choice.Timing | None,
        typer.Option(
            help="afap: samples back to back as fast as each device goes; realtime: one "
            "sample per timesteps x 1 ms of wall time, static power paid over it "
            "(default: each profile's timing.mode)."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes (default: all cores); with "
                                 "--store, 0 leaves every simulation to `dse worker`s.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Run directory (default runs/<timestamp>); re-running "
                                  "the same command with the same --out resumes.")
    ] = None,
    cache: Annotated[
        str | None, typer.Option(help="Evaluation cache: a SQLite file or a database URL "
                                 "(default: a file in the user cache dir).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
    ] = False,
    store: Annotated[
        str | None, typer.Option(help="Result store: a database URL such as "
                                 "postgresql+psycopg://user@host/db, or a SQLite file (default: "
                                 "OUT/store.sqlite). `dse worker --store URL --run NAME` "
                                 "processes join the run from any machine.")
    ] = None,
    run: Annotated[
        str | None, typer.Option(help="The run's name in the store (default: the name of the "
                                 "--out directory; --out defaults to runs/NAME).")
    ] = None,
    executor: Annotated[
        str | None, typer.Option(help="Simulate on a Dask distributed cluster: the scheduler's "
                                 "address, tcp://HOST:PORT.")
    ] = None,
    lease: Annotated[
        float, typer.Option(help="Seconds a claimed design stays with a worker that stops "
                            "renewing it (with --store).")
    ] = DEFAULTS.lease,
) -> None:
    """Search the design space for the best SNNs under memory/energy/latency budgets."""
    from dse._finished import finished_result

    options = ExploreOptions(
        profiles=tuple(profile) if profile else DEFAULTS.profiles,
        profiles_dir=profiles_dir,
        memory_budget=memory_budget,
        energy_budget=energy_budget,
        train_energy_budget=train_energy_budget,
        latency_budget=latency_budget,
        robust=robust,
        objectives=objectives,
        engine=engine,
        sampler=sampler,
        storage=storage,
        evaluations=evaluations,
        seed=seed,
        space=space,
        dataset=dataset,
        data_dir=data_dir,
        protocol=protocol,
        train_samples=train_samples,
        test_samples=test_samples,
        rounding=rounding,
        timing=timing,
        workers=workers,
        out=out,
        cache=None if cache is None else (cache if "://" in cache else Path(cache)),
        no_cache=no_cache,
        store=store,
        run=run,
        executor=executor,
        lease=lease,
    )
    result = finished_result(options)
    if result is None:
        from dse._explore import explore

        with _progress_bar() as update:
            result = explore(options, on_progress=update)
    else:
        stderr.print(f"{result.run_dir} holds this exploration, finished: "
                     f"{len(result.evaluations)} evaluations, outputs unchanged", soft_wrap=True,
                     highlight=False)
    _print_result(result)
    result.check_feasible()

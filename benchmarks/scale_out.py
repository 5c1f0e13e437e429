"""Scale-out through a shared PostgreSQL store: evaluations per second with 1 and 2 `dse worker`s,
and the store's coordination ceiling with 4 workers.

Targets (issue 12):

1. **Speed-up.** Real evaluations (the simulator and the cost models on small STDP networks at a
   fidelity where one design takes about a second of CPU), the coordinator only coordinating
   (``--workers 0``): 2 workers evaluate at least 1.7x as many designs per second as 1 on this
   2-core machine.
2. **Coordination ceiling.** Trivial evaluations (closed-form fake models, microseconds), so
   what is measured is the claim/lease and store traffic: at least 100 stored evaluations per
   second through PostgreSQL with 4 workers.

Each configuration is a fresh run in the same database; workers are real ``dse worker``
processes started before the coordinator (their start-up is not timed). Two rates per run:

- **throughput** (the target's figure): the steady state, evaluations per second from the
  first record stored after *every* worker has finished its first design to the last record,
  ``(records - 1) / (t_last - t_first)``. A worker's first design also pays its process's
  one-off warm-up (lazy imports, the dataset, loading the simulator's compiled kernels from
  numba's cache: about a second of CPU), which the window leaves out for 1 and 2 workers
  alike; the coordinator's start-up is outside it too;
- **end to end**: stored evaluations / ``run.json``'s ``timings.wall_s`` (start-up included).

Where the time goes, independent of other load on the machine: CPU seconds per evaluation in
the same window of the workers (``/proc``), the coordinator and the PostgreSQL server (its
processes in ``/proc``), each worker's whole-process CPU (``wait4``: start-up included) and
idle seconds (its own report at exit).

**Ceiling of the machine** (the control): the same designs, with the same seeds, evaluated
by 1 and then 2 warm local processes (``ProcessPoolExecutor``, each warmed by one evaluation
before timing, one compute thread each) with no store, no coordinator and no database: the
speed-up two perfectly coordinated workers could reach here, and the CPU seconds per
evaluation alone and two at a time. The fleet's speed-up is then also given as a fraction of
that ceiling.

Before anything is timed, one tiny simulation in a fresh process compiles the simulator's
kernels into numba's cache if the simulator changed since the last run (a compilation inside
the 1-worker run once made the speed-up look like 2.78x). A run with a failed evaluation stops
the benchmark (its rate would be bogus). The server is a throw-away PostgreSQL
(tests/_postgres.py) unless ``--store URL`` names one (then its CPU is not measured).

Usage: ``python benchmarks/scale_out.py [--store URL] [--real N] [--trivial N] [--no-record]``
(about 2 minutes on an idle 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests._postgres and the fake models the trivial workers load

from _record import record  # noqa: E402

from dse import ExploreOptions, ProgressState, explore  # noqa: E402
from dse._db import open_engine, tasks  # noqa: E402
from dse._pipeline import EvalContext, Failure, attempt  # noqa: E402
from dse._store import ResultStore  # noqa: E402
from dse._worker import limit_threads, load_spec  # noqa: E402
from tests._postgres import PostgresServer  # noqa: E402
from tests.dse._fakes import FakeModels  # noqa: E402

TARGET_SPEEDUP = 1.7
TARGET_CEILING = 100.0
#: Fidelity of the real evaluations: about half a second to a second of CPU per design.
REAL = {"train_samples": 1000, "test_samples": 400}
#: Networks of the real evaluations: small STDP ones.
REAL_SPACE = """\
family: stdp
neurons: [200, 256, 320, 400]
weight_bits: [4, 8, 16]
inhibition: [population, direct]
rule: [baseline, spikedyn]
timesteps: [100, 150]
inhibition_strength: 60.0
"""
#: Compiles the simulator's kernels into numba's cache when the simulator changed.
COMPILE = ("import sim; sim.run(sim.SimConfig(dataset='digits', train_samples=5, "
           "test_samples=5, assign_samples=5))")
TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of the live process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _server_cpu_s(server: PostgresServer | None) -> float | None:
    """CPU seconds used so far by a throw-away server: its postmaster, the backends alive now
    and (through the postmaster's child times) every backend that has exited."""
    if server is None or server.directory is None:
        return None
    postmaster = int((server.directory / "data" / "postmaster.pid").read_text().split()[0])
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has gone
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == postmaster:
            ticks += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        elif ppid == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / TICK


class Fleet:
    """``count`` real ``dse worker`` processes; a thread per worker copies its output to a log
    and notes when it reported its first evaluated design."""

    def __init__(self, url: str, run: str, count: int, logs: Path) -> None:
        dse = [sys.executable, "-c", "from dse.cli import run; run()"]
        self.processes = [
            subprocess.Popen([*dse, "worker", "--store", url, "--run", run, "--no-cache"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, env=os.environ | {"COLUMNS": "200"})
            for _ in range(count)
        ]
        self.first_done: list[float | None] = [None] * count
        self.logs = [logs / f"{run}-{i}.log" for i in range(count)]
        self._readers = [threading.Thread(target=self._read, args=(i,), daemon=True)
                         for i in range(count)]
        for reader in self._readers:
            reader.start()

    def _read(self, i: int) -> None:
        with self.logs[i].open("w") as log:
            for line in self.processes[i].stdout:  # type: ignore[union-attr]
                if self.first_done[i] is None and re.match(r"worker: [1-9]", line):
                    self.first_done[i] = time.perf_counter()
                log.write(line)

    def warm(self) -> bool:
        """Whether every worker has finished a design."""
        return all(t is not None for t in self.first_done)

    def cpu_s(self) -> list[float]:
        return [_proc_cpu_s(p.pid) for p in self.processes]

    def wait(self) -> list[float]:
        """Wait for every worker to exit 0; their whole-process CPU seconds (``wait4``)."""
        cpu = []
        for process, reader, log in zip(self.processes, self._readers, self.logs, strict=True):
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            reader.join(timeout=10)
            if process.returncode != 0:
                raise RuntimeError(f"a worker failed:\n{log.read_text()[-2000:]}")
            cpu.append(usage.ru_utime + usage.ru_stime)
        return cpu

    def idle_s(self) -> list[float]:
        """Each worker's own report of its idle seconds."""
        found = [re.search(r"idle\s+([0-9.]+)\s+s\s+waiting", log.read_text()) for log in self.logs]
        return [float(f.group(1)) if f else float("nan") for f in found]


@dataclass
class Run:
    """What one configuration measured; CPU figures are seconds in the steady-state window."""

    kind: str
    workers: int
    stored: int
    records: int  # stored in the window, its first included
    wall_s: float
    span_s: float
    coordinator_cpu_s: float | None
    worker_cpu_s: float
    server_cpu_s: float | None
    whole_worker_cpu_s: list[float]
    idle_s: list[float] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return (self.records - 1) / self.span_s

    @property
    def end_to_end(self) -> float:
        return self.stored / self.wall_s

    def per_eval(self, seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds / (self.records - 1):.3f}"


def _measure(url: str, server: PostgresServer | None, run: str, workers: int,
             evaluations: int, out: Path, trivial: bool) -> Run:
    """Run one configuration and account for its time in the steady-state window."""
    fleet = Fleet(url, run, workers, out)
    time.sleep(3.0)  # let the workers import and start polling
    extra: dict[str, Any] = {}
    if not trivial:
        space = out / "space.yaml"
        space.write_text(REAL_SPACE)
        extra = REAL | {"space": space}
    options = ExploreOptions(
        engine="random", evaluations=evaluations, seed=1, workers=0, no_cache=True,
        store=url, run=run, out=out / run, **extra,
    )
    marks: list[tuple[float, float, list[float]]] = []  # wall, coordinator CPU, workers' CPU
    window: dict[str, Any] = {}

    def progress(_state: ProgressState) -> None:
        if not window and fleet.warm():
            window["server"] = _server_cpu_s(server)
        if window:  # (the trivial run reads no worker CPU at each record: 100 a second)
            marks.append((time.perf_counter(), time.process_time(),
                          [] if trivial else fleet.cpu_s()))

    result = explore(options, models=FakeModels() if trivial else None, on_progress=progress)
    server_after = _server_cpu_s(server)
    whole = fleet.wait()
    failed = [r for r in result.evaluations if r["error"] is not None]
    if failed:
        raise RuntimeError(f"{len(failed)} evaluations of {run} failed, e.g. {failed[0]['error']}")
    if len(marks) < 2:
        raise RuntimeError(f"run {run}: fewer than 2 records after every worker was warm; "
                           "give it more evaluations")
    (t0, c0, w0), (t1, c1, w1) = marks[0], marks[-1]
    return Run(
        kind="trivial (fake models)" if trivial else "real (STDP, digits)", workers=workers,
        stored=len(result.evaluations), records=len(marks),
        wall_s=float(result.run["timings"]["wall_s"]), span_s=t1 - t0,
        coordinator_cpu_s=c1 - c0, worker_cpu_s=sum(w1) - sum(w0),
        server_cpu_s=None if server_after is None else server_after - window["server"],
        whole_worker_cpu_s=whole, idle_s=fleet.idle_s(),
    )


# --- the control: the same designs in warm local processes, no store -------------------------

_CTX: EvalContext | None = None


def _warm_process(ctx: EvalContext, candidate: dict[str, Any], seed: int) -> None:
    """Pool initializer: one compute thread, then one evaluation (imports, dataset, kernels)."""
    global _CTX
    limit_threads(1)
    _CTX = ctx
    attempt(ctx, candidate, seed)


def _ready(barrier: Any) -> int:
    """Wait until every process of the pool has taken one of these (each is then warm)."""
    barrier.wait(timeout=600)
    return os.getpid()


def _evaluate(candidate: dict[str, Any], seed: int) -> float:
    """CPU seconds of one evaluation in this process."""
    assert _CTX is not None
    before = resource.getrusage(resource.RUSAGE_SELF)
    outcome = attempt(_CTX, candidate, seed)
    after = resource.getrusage(resource.RUSAGE_SELF)
    if isinstance(outcome, Failure):
        raise RuntimeError(f"control evaluation failed: {outcome}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@dataclass
class Control:
    processes: int
    designs: int
    wall_s: float
    cpu_s: float

    @property
    def throughput(self) -> float:
        return self.designs / self.wall_s


def _control(ctx: EvalContext, designs: list[tuple[dict[str, Any], int]], processes: int
             ) -> Control:
    """Evaluate ``designs`` in ``processes`` warm spawned processes; wall and CPU seconds."""
    warm = designs[-1]  # warmed on a design the timed list also has: no advantage either way
    spawn = get_context("spawn")
    with spawn.Manager() as manager, ProcessPoolExecutor(
            processes, mp_context=spawn, initializer=_warm_process, initargs=(ctx, *warm)) as pool:
        barrier = manager.Barrier(processes)
        pids = {f.result() for f in [pool.submit(_ready, barrier) for _ in range(processes)]}
        if len(pids) != processes:
            raise RuntimeError(f"the control pool started {len(pids)} of {processes} processes")
        start = time.perf_counter()
        futures = [pool.submit(_evaluate, candidate, seed) for candidate, seed in designs]
        wait(futures)
        wall = time.perf_counter() - start
        return Control(processes, len(designs), wall, sum(f.result() for f in futures))


def _designs(url: str, run: str) -> tuple[EvalContext, list[tuple[dict[str, Any], int]]]:
    """The evaluation context and the (candidate, seed) designs a run posted, in order."""
    store = ResultStore(url, run, create=False)
    ctx = load_spec(store).contexts[0]
    with open_engine(url, "--store").connect() as db:
        rows = db.execute(tasks.select().where(tasks.c.run == run, tasks.c.status == "done")
                          .order_by(tasks.c.position)).all()
    payloads = [json.loads(row.payload) for row in rows]
    return ctx, [(p["candidate"], int(p["seed"])) for p in payloads]


def _table(runs: list[Run]) -> str:
    lines = ["| evaluations | workers | stored | in window | throughput (/s) | end to end (/s) "
             "| wall (s) | CPU s/eval in window: workers | coordinator | PostgreSQL "
             "| workers' whole-process CPU s/eval | workers idle (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        whole = f"{sum(r.whole_worker_cpu_s) / r.stored:.3f}"
        workers = "-" if r.kind.startswith("trivial") else r.per_eval(r.worker_cpu_s)
        lines.append(
            f"| {r.kind} | {r.workers} | {r.stored} | {r.records} | {r.throughput:.2f} "
            f"| {r.end_to_end:.2f} | {r.wall_s:.1f} | {workers} | "
            f"{r.per_eval(r.coordinator_cpu_s)} | {r.per_eval(r.server_cpu_s)} | {whole} "
            f"| {', '.join(f'{i:.1f}' for i in r.idle_s)} |")
    return "\n".join(lines)


def _control_table(controls: list[Control]) -> str:
    lines = ["| control: same designs, warm local processes, no store | processes | designs "
             "| wall (s) | throughput (/s) | CPU s/eval |", "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| ProcessPoolExecutor | {c.processes} | {c.designs} | {c.wall_s:.1f} "
              f"| {c.throughput:.2f} | {c.cpu_s / c.designs:.3f} |" for c in controls]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="PostgreSQL URL (default: a throw-away server)")
    parser.add_argument("--real", type=int, default=64, help="real evaluations per run")
    parser.add_argument("--trivial", type=int, default=600, help="trivial evaluations")
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-c", COMPILE], cwd=ROOT, check=True)
    server = None if args.store else PostgresServer.start()
    url = args.store or server.new_database()  # type: ignore[union-attr]
    stamp = time.strftime("%H%M%S")
    load = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            runs = [_measure(url, server, f"real-{count}-{stamp}", count, args.real, out,
                             trivial=False) for count in (1, 2)]
            ctx, designs = _designs(url, f"real-1-{stamp}")
            controls = [_control(ctx, designs, count) for count in (1, 2)]
            runs.append(_measure(url, server, f"trivial-4-{stamp}", 4, args.trivial, out,
                                 trivial=True))
    finally:
        if server is not None:
            server.stop()
    one, two, trivial = runs
    speedup = two.throughput / one.throughput
    ceiling = controls[1].throughput / controls[0].throughput
    store_ceiling = trivial.throughput
    cpu_rise = (controls[1].cpu_s / controls[0].cpu_s - 1) * 100
    table = "\n".join([
        _table(runs), "", _control_table(controls), "",
        "| figure | measured | target | met |", "|---|---:|---:|---|",
        f"| speed-up, 2 workers vs 1 (steady-state throughput) | {speedup:.2f}x "
        f"| >= {TARGET_SPEEDUP}x | {'yes' if speedup >= TARGET_SPEEDUP else 'no'} |",
        f"| speed-up, 2 workers vs 1 (end to end) | {two.end_to_end / one.end_to_end:.2f}x "
        "| | |",
        f"| the machine's ceiling: 2 local processes vs 1, same designs, no store "
        f"| {ceiling:.2f}x | | |",
        f"| the fleet's speed-up as a share of that ceiling | {speedup / ceiling:.0%} | | |",
        f"| CPU per evaluation, 2 processes at once vs 1 alone (control) | {cpu_rise:+.0f} % "
        "| | |",
        f"| coordination ceiling, 4 workers | {store_ceiling:.0f}/s "
        f"| >= {TARGET_CEILING:.0f}/s | {'yes' if store_ceiling >= TARGET_CEILING else 'no'} |",
    ])
    print(table)
    if args.no_record:
        return
    record("Scale-out through PostgreSQL (dse worker)", table, [
        f"1-min load average when the runs started: {load:.1f} (the 2 cores are shared)",
        f"real evaluations: digits, {REAL['train_samples']} training and "
        f"{REAL['test_samples']} test samples, STDP networks, random engine, seed 1, no cache; "
        "the simulator's kernels compiled into numba's cache before timing",
        "trivial evaluations: tests/dse/_fakes.FakeModels (closed forms), random engine",
        "store: " + ("given PostgreSQL" if args.store else "throw-away PostgreSQL 15, fsync off"),
        "throughput = (records - 1) / time from the first record stored after every worker "
        "finished a design (its process's one-off warm-up) to the last record; end to end = "
        "stored / run.json timings.wall_s (coordinator start-up included); workers started "
        "beforehand, one compute thread each (dse worker's default)",
        "CPU s/eval in the same window: workers (/proc), the coordinator, the PostgreSQL "
        "server's processes (/proc); whole-process = each worker's wait4 (start-up included) "
        "/ stored; idle = seconds each `dse worker` found nothing to claim (its own report)",
        "control: the 1-worker run's designs and seeds, evaluated by 1 and 2 spawned "
        "processes (each warmed by one evaluation, one compute thread), no store or "
        "coordinator: the best 2 workers can do on this machine",
    ])


if __name__ == "__main__":
    main()

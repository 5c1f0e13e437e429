"""Appending a benchmark's table to benchmarks/RESULTS.md with the same provenance header.

Every script calls ``record(title, body, notes)``: a ``## title (date)`` heading, the machine
(CPU, cores, load average, Python, NumPy), the command line that produced it, the script's own
notes (targets, settings), then the table. RESULTS.md is append-only.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """One line describing this machine and interpreter, with the current 1-min load average
    (other work on a shared 2-core machine moves timings)."""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"1-min load average {os.getloadavg()[0]:.1f}; Python {platform.python_version()}, "
        f"NumPy {np.__version__}"
    )


def command(argv: Sequence[str] | None = None) -> str:
    """The command line that ran the calling script (``argv`` defaults to ``sys.argv[1:]``)."""
    script = f"benchmarks/{Path(sys.argv[0]).name}"
    args = sys.argv[1:] if argv is None else list(argv)
    return shlex.join(["python", script, *args])


def record(title: str, body: str, notes: Sequence[str] = (), argv: Sequence[str] | None = None
           ) -> None:
    """Append ``body`` (a markdown table) under ``## title (date)`` with machine, command and
    ``notes`` (one bullet each) to RESULTS.md, and say where it went."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    bullets = [f"- machine: {machine()}", f"- command: `{command(argv)}`"]
    bullets += [f"- {note}" for note in notes]
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(f"\n## {title} ({stamp})\n\n" + "\n".join(bullets) + f"\n\n{body.strip()}\n")
    print(f"appended to {RESULTS}")

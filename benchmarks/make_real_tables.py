"""Write the real-accuracy tables search_quality.py replays: an exhaustive ``dse explore``.

Each table is every design of a small space evaluated by the real pipeline (simulated accuracy,
cost priced with the measured activity; designs the pre-screen rejects keep their estimated
cost and no accuracy), plus each design's analytical estimate (what an engine can know before
simulating). Tables, and the exact command that made each:

- ``data/real_digits.csv``: space ``data/space_digits.yaml`` (512 designs), digits, 1000
  training / 400 test samples, budgets 64 KiB and 2 uJ on generic_asic_45nm.
- ``data/real_fashion.csv``: space ``data/space_fashion.yaml`` (240 designs), Fashion-MNIST at
  500 training / 300 test samples, budgets 256 KiB and 5 uJ on generic_asic_45nm.

``data/real_<name>.json`` records the command, code version, wall time and counts (and the machine
the table was converted on).

Usage: ``python benchmarks/make_real_tables.py digits [--run DIR] [--data-dir DIR]``. Without
``--run`` the exploration runs into a temporary directory (digits: ~7 min, fashion: ~20 min on
2 busy cores); ``--run`` converts an existing run directory made by the same command.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _record import machine  # noqa: E402
from search_quality import design_of_row  # noqa: E402

from dse._budgets import parse_budgets  # noqa: E402
from dse._pipeline import DatasetInfo, RealModels, SimSettings  # noqa: E402
from dse._space import load_space  # noqa: E402
from hwprofiles import load_profile  # noqa: E402

DATA = Path(__file__).parent / "data"
PROFILE = "generic_asic_45nm"
#: name -> (space file, dataset, train samples, test samples, memory budget, energy budget)
TABLES: dict[str, tuple[str, str, int, int, str, str]] = {
    "digits": ("space_digits.yaml", "digits", 1000, 400, "64KiB", "2uJ"),
    "fashion": ("space_fashion.yaml", "fashion-mnist", 500, 300, "256KiB", "5uJ"),
}
COSTS = (("memory", "memory_bytes"), ("energy_infer", "energy_infer_j"),
         ("energy_train", "energy_train_j"), ("latency", "latency_s"))


def command(name: str, out: Path, data_dir: Path | None) -> list[str]:
    """The ``dse explore`` command that evaluates every design of table ``name``."""
    space, dataset, train, test, memory, energy = TABLES[name]
    args = ["dse", "explore", "--engine", "grid", "--space", str(DATA / space), "--dataset", dataset,
            "--train-samples", str(train), "--test-samples", str(test), "--profile", PROFILE,
            "--memory-budget", memory, "--energy-budget", energy,
            "--evaluations", str(load_space(DATA / space).size), "--seed", "0", "--workers", "1",
            "--no-cache", "--out", str(out)]
    return args + (["--data-dir", str(data_dir)] if data_dir else [])


def convert(name: str, run: Path) -> None:
    """Write ``data/real_<name>.csv`` and ``.json`` from the run directory ``run``."""
    space_file, dataset, train, test, memory, energy = TABLES[name]
    space = load_space(DATA / space_file)
    meta = json.loads((run / "run.json").read_text())
    with (run / "evaluations.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    if len(rows) != space.size:
        raise SystemExit(f"{run} holds {len(rows)} evaluations, the space {space.size}")
    models = RealModels()
    info: DatasetInfo = models.dataset_info(SimSettings(dataset, "static", train, test,
                                                        data_dir=_data_dir(meta)))
    candidates = [design_of_row(space, r) for r in rows]
    estimates = models.estimate_many(candidates, load_profile(PROFILE), info)
    columns = [*space.names, "accuracy", *(c for _, c in COSTS), "feasible", "prescreened",
               *(f"est_{c}" for _, c in COSTS)]
    with (DATA / f"real_{name}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for i, (row, candidate) in enumerate(zip(rows, candidates, strict=True)):
            writer.writerow([*candidate.values(), row["accuracy"], *(row[c] for _, c in COSTS),
                             row["feasible"], row["prescreened"],
                             *(f"{estimates[k][i]:.9g}" for k, _ in COSTS)])
    budgets = parse_budgets({"memory": memory, "energy_infer": energy})
    accuracy = np.array([float(r["accuracy"]) for r in rows if r["accuracy"]])
    (DATA / f"real_{name}.json").write_text(json.dumps({
        "command": meta["command"],
        "code_version": rows[0]["code_version"],
        "dataset": dataset,
        "profile": PROFILE,
        "budgets": {b.key: b.value for b in budgets},
        "designs": len(rows),
        "feasible": sum(r["feasible"] == "True" for r in rows),
        "prescreened": sum(r["prescreened"] == "True" for r in rows),
        "accuracy_range": [float(accuracy.min()), float(accuracy.max())],
        "started": meta["timings"]["started"],
        "wall_s": round(meta["timings"]["wall_s"], 1),
        "converted_on": machine(),
    }, indent=2) + "\n")
    print(f"wrote {DATA / f'real_{name}.csv'} ({len(rows)} designs)")


def _data_dir(meta: dict) -> Path | None:
    args = meta["command"]
    return Path(args[args.index("--data-dir") + 1]) if "--data-dir" in args else None




def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", choices=sorted(TABLES))
    parser.add_argument("--run", type=Path, help="convert this existing run directory")
    parser.add_argument("--data-dir", type=Path, help="where the dataset's IDX files are")
    args = parser.parse_args(argv)
    if args.run is not None:
        convert(args.name, args.run)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / args.name
        subprocess.run(command(args.name, out, args.data_dir), check=True)
        convert(args.name, out)


if __name__ == "__main__":
    main()

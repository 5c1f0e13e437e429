"""Retrain one design of a finished exploration exactly as the exploration did and write the
trained network: NIR (``sim.to_nir``) and/or plain arrays (``sim.network_arrays``, ``.npz``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dse._cache import code_version
from dse._pipeline import RealModels, SimSettings, candidate_seed
from dse._run_dir import load_run
from snn_dse.errors import InputError, InternalError


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_design` did: the record exported, the retrained accuracy, whether
    it equals the recorded one (``None``: the design was pre-screened, never simulated), the
    seed, and the files written."""

    record: dict[str, Any]
    accuracy: float
    reproduced: bool | None
    seed: int
    paths: dict[str, Path]


def export_design(run_dir: Path, design: int, *, nir_path: Path | None = None,
                  npz_path: Path | None = None, data_dir: Path | None = None) -> ExportResult:
    """Retrain evaluation ``design`` of ``run_dir`` (its candidate, the run's simulator settings
    and the same seed) and write it to ``nir_path`` and/or ``npz_path``.

    Raises ``InputError`` for a missing run, an unknown index or no output file, and
    ``InternalError`` when the same code does not reproduce the recorded accuracy."""
    if nir_path is None and npz_path is None:
        raise InputError("dse export: give --nir FILE and/or --npz FILE")
    run, records = load_run(run_dir)
    by_index = {int(r["index"]): r for r in records}
    if design not in by_index:
        known = f"0..{max(by_index)}" if by_index else "none"
        raise InputError(f"--design: {run_dir} has no evaluation {design} (indices {known})")
    record = by_index[design]
    family = record["candidate"].get("family", "stdp")
    if family != "stdp":
        raise InputError(f"--design: {design} is a {family} network; dse export writes the "
                         "stdp family (Diehl & Cook network) only, see docs/export.md")
    simulated = record.get("sim")
    seed = int(simulated["seed"]) if simulated else candidate_seed(run["seed"], record["candidate"])
    settings = SimSettings(**run["simulator"], data_dir=data_dir)
    import numpy as np

    import sim

    result = sim.run(RealModels().sim_config(record["candidate"], settings, seed))
    reproduced = None
    if simulated:
        reproduced = result.accuracy == simulated["accuracy"]
        if not reproduced and record.get("code_version") == code_version():
            raise InternalError(
                f"retraining design {design} gave accuracy {result.accuracy:.4f}, the "
                f"exploration recorded {simulated['accuracy']:.4f} with the same code")
    paths: dict[str, Path] = {}
    if nir_path is not None:
        import nir

        nir_path.parent.mkdir(parents=True, exist_ok=True)
        nir.write(nir_path, sim.to_nir(result))
        paths["nir"] = nir_path
    if npz_path is not None:
        npz_path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = sim.network_arrays(result)
        with npz_path.open("wb") as handle:
            np.savez(handle, **arrays)
        paths["npz"] = npz_path
    return ExportResult(record, result.accuracy, reproduced, seed, paths)

"""Content-hash cache of simulated evaluations, shared across runs.

An entry holds what is expensive to compute for one candidate on one device: the objective
values, the cost report and the simulation result. Its key hashes everything they depend on:
the candidate, the validated profile's fingerprint, the simulator settings, the dataset's
fingerprint, the simulation seed and the code version. Budgets are not part of the key:
constraints are recomputed from the cached values, so one entry serves any budget.

The cache is a ``dse_cache`` table (``dse._db``): by default in an SQLite file in the user cache
directory (``platformdirs.user_cache_dir("snn-dse")``); ``--cache PATH`` moves the file and
``--cache URL`` puts it in any database (a team's PostgreSQL). Any number of processes may
share one cache: an entry is written once (``ON CONFLICT DO NOTHING``) and never changed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa

from dse import _db
from snn_dse import __version__
from snn_dse.errors import InputError

#: The code an evaluation's result depends on: the simulator, the cost models, the profile
#: loader and the evaluation pipeline.
EVALUATION_CODE = ("sim", "costmodels", "hwprofiles", "dse._pipeline")


def default_cache_path() -> Path:
    """The shared cache file: ``<user cache dir>/snn-dse/evaluations.sqlite``."""
    return Path(platformdirs.user_cache_dir("snn-dse")) / "evaluations.sqlite"


@cache
def code_version() -> str:
    """``<package version>+<12 hex digits>``: the version of snn-dse and a hash of the source of
    ``EVALUATION_CODE``, so that editing the simulator or a cost formula invalidates the
    cache entries computed by the old code (also in an editable install)."""
    digest = hashlib.sha256()
    for name in EVALUATION_CODE:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None:
            raise ImportError(f"cannot locate the source of {name}")
        files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in files:
            digest.update(f"{name}:{path.relative_to(origin.parent)}\n".encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys: equal content gives equal text (and equal hashes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def cache_key(
    candidate: Mapping[str, Any],
    *,
    profile_fingerprint: str,
    simulator: Mapping[str, Any],
    dataset_fingerprint: str,
    seed: int,
    code_version: str,
) -> str:
    """SHA-256 hex digest identifying one simulated evaluation.

    ``candidate`` must already be canonical (plain Python scalars, reals rounded; see
    ``dse._pipeline.canonical_candidate``), ``simulator`` the simulator settings that change
    results (not paths).
    """
    blob = canonical_json(
        {
            "candidate": dict(candidate),
            "profile": profile_fingerprint,
            "simulator": dict(simulator),
            "dataset": dataset_fingerprint,
            "seed": seed,
            "code_version": code_version,
        }
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class EvaluationCache:
    """Key -> JSON payload, in the ``dse_cache`` table of a database."""

    def __init__(self, target: str | Path) -> None:
        """Open the cache at ``target``: a SQLite file path (created with its directory) or a
        database URL. Raises ``InputError`` naming ``--cache`` when it cannot be opened."""
        self.path = target
        if "://" not in str(target):
            try:
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise InputError(f"--cache: cannot create the cache at {target}: {error}") from None
        self._engine = _db.open_engine(target, "--cache")

    def get(self, key: str) -> dict[str, Any] | None:
        """The payload stored under ``key``, or None."""
        with self._engine.connect() as db:
            row = db.execute(sa.select(_db.cache.c.payload).where(_db.cache.c.key == key)).first()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, payload: Mapping[str, Any]) -> None:
        """Store ``payload`` under ``key`` (an existing entry is kept) and commit."""
        values = {"key": key, "payload": json.dumps(dict(payload))}
        with self._engine.begin() as db:
            db.execute(_db.insert_ignore(self._engine, _db.cache, values))

    def __len__(self) -> int:
        with self._engine.connect() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(_db.cache)).scalar_one())

    def close(self) -> None:
        """Nothing to release: connections are pooled per process and URL."""

"""The result store of a run: evaluation records and the run's metadata, on a database URL.

By default ``RUN_DIR/store.sqlite`` holds one run; ``--store URL`` (e.g.
``postgresql+psycopg://dse@db-host/dse``) holds any number, told apart by ``--run NAME``.
Each record is written and committed the moment its evaluation completes, so a process killed
with SIGKILL loses only the evaluations in flight. Writes are idempotent: the key is (run,
design cache key), and a second writer of the same design changes nothing. The run dict
(``run.json``'s content) is kept beside the records and rewritten as the run progresses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dse import _db
from snn_dse.errors import InputError

#: File name of the default store inside a run directory.
STORE_NAME = "store.sqlite"

#: States of a run: being explored, finished, or stopped early (interrupted or failed).
RUN_STATES = ("running", "complete", "stopped")


def run_names(target: str | Path, option: str = "--store") -> list[str]:
    """Names of the runs held by the store at ``target`` (URL or SQLite path)."""
    engine = _db.open_engine(target, option)
    with engine.connect() as db:
        return [row[0] for row in db.execute(sa.select(_db.runs.c.run).order_by(_db.runs.c.run))]


class ResultStore:
    """The records and metadata of run ``run`` in the database at ``target``.

    ``create=False`` refuses a missing SQLite file or a run the store does not hold
    (``InputError`` naming ``option``); ``run=None`` then picks the store's only run."""

    def __init__(self, target: str | Path, run: str | None, *, create: bool = True,
                 option: str = "--store") -> None:
        url = _db.url_of(target)
        if not create and url.startswith("sqlite:///") and not Path(url[10:]).is_file():
            raise InputError(f"no result store at {url[10:]}: not a dse explore run directory")
        self.url = url
        self.engine = _db.open_engine(url, option)
        if run is None:
            names = run_names(url, option)
            if len(names) != 1:
                held = ", ".join(names) or "none"
                raise InputError(f"--run: name the run to read; {_db.safe_url(url)} holds: {held}")
            run = names[0]
        self.run = run
        if not create and self._row() is None:
            held = ", ".join(run_names(url, option)) or "none"
            raise InputError(f"--run: no run {run!r} in {_db.safe_url(url)} (it holds: {held})")

    @property
    def path(self) -> str:
        """Where the store is, for messages (the file of a SQLite store, else the URL)."""
        return self.url[10:] if self.url.startswith("sqlite:///") else _db.safe_url(self.url)

    def _row(self) -> sa.Row[Any] | None:
        with self.engine.connect() as db:
            return db.execute(
                sa.select(_db.runs).where(_db.runs.c.run == self.run)
            ).first()

    # -- the run --------------------------------------------------------------------------------

    def identity(self) -> dict[str, Any] | None:
        """What identifies the exploration stored under this run name, or None (a new run)."""
        row = self._row()
        return None if row is None else json.loads(row.identity)

    def begin(self, identity: Mapping[str, Any], contexts: bytes) -> None:
        """Create the run (or take it over on resume): store its identity and the pickled
        evaluation contexts workers load, and mark it running."""
        values = {"identity": json.dumps(dict(identity)), "contexts": contexts,
                  "state": "running", "updated": time.time()}
        with self.engine.begin() as db:
            db.execute(_db.insert_ignore(self.engine, _db.runs, {"run": self.run, **values}))
            db.execute(sa.update(_db.runs).where(_db.runs.c.run == self.run).values(**values))

    def contexts(self) -> bytes | None:
        """The pickled evaluation contexts of the run (see ``dse._claims``)."""
        row = self._row()
        return None if row is None else row.contexts

    def state(self) -> str | None:
        """``running``, ``complete``, ``stopped``, or None when the run does not exist yet."""
        row = self._row()
        return None if row is None else row.state

    def set_state(self, state: str) -> None:
        """Mark the run ``state`` (one of ``RUN_STATES``)."""
        if state not in RUN_STATES:
            raise ValueError(f"unknown run state {state!r}")
        with self.engine.begin() as db:
            db.execute(sa.update(_db.runs).where(_db.runs.c.run == self.run)
                       .values(state=state, updated=time.time()))

    def info(self) -> dict[str, Any] | None:
        """The run dict (run.json's content) last stored, or None."""
        row = self._row()
        return None if row is None or row.info is None else json.loads(row.info)

    def set_info(self, run: Mapping[str, Any]) -> None:
        """Store the run dict."""
        with self.engine.begin() as db:
            db.execute(sa.update(_db.runs).where(_db.runs.c.run == self.run)
                       .values(info=json.dumps(dict(run)), updated=time.time()))

    # -- records --------------------------------------------------------------------------------

    def row(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The ``dse_evaluations`` row of ``record`` in this run."""
        return {
            "run": self.run,
            "cache_key": record["cache_key"],
            "idx": int(record["index"]),
            "profile": record["profile"],
            "failed": record.get("error") is not None,
            "record": json.dumps(dict(record)),
        }

    def put(self, record: Mapping[str, Any]) -> bool:
        """Write one evaluation record and commit; False (and nothing changed) when the run
        already holds a record of the same design or index."""
        try:
            with self.engine.begin() as db:
                inserted = db.execute(_db.insert_ignore(self.engine, _db.evaluations,
                                                        self.row(record)))
                return inserted.first() is not None
        except sa.exc.IntegrityError:  # the index is taken by another design
            return False

    def get(self, index: int) -> dict[str, Any] | None:
        """The record of evaluation ``index``, or None."""
        t = _db.evaluations
        with self.engine.connect() as db:
            row = db.execute(sa.select(t.c.record).where(t.c.run == self.run, t.c.idx == index)).first()
        return None if row is None else json.loads(row[0])

    def get_key(self, cache_key: str) -> dict[str, Any] | None:
        """The record of the design with ``cache_key``, or None."""
        t = _db.evaluations
        with self.engine.connect() as db:
            row = db.execute(sa.select(t.c.record).where(t.c.run == self.run,
                                                         t.c.cache_key == cache_key)).first()
        return None if row is None else json.loads(row[0])

    def records(self) -> list[dict[str, Any]]:
        """Every record, ordered by index."""
        t = _db.evaluations
        with self.engine.connect() as db:
            rows = db.execute(sa.select(t.c.record).where(t.c.run == self.run).order_by(t.c.idx))
            return [json.loads(row[0]) for row in rows]

    def __len__(self) -> int:
        t = _db.evaluations
        with self.engine.connect() as db:
            return int(db.execute(
                sa.select(sa.func.count()).select_from(t).where(t.c.run == self.run)).scalar_one())

    def close(self) -> None:
        """Nothing to release: connections are pooled per process and URL."""

"""The result store of one run: ``RUN_DIR/store.sqlite``.

One row per evaluation record (see docs/architecture.md), written and committed the moment
the evaluation completes, so a run killed with SIGKILL loses only the evaluations in flight.
The ``run`` dict (run.json's content) is kept alongside and rewritten as the run progresses.
SQLite in WAL mode; only the exploring (parent) process writes, worker processes never touch
it; readers (``dse report``, ``load_run``) may open it while a run is going.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dse._sqlite import open_database
from snn_dse.errors import InputError

#: File name of the store inside a run directory.
STORE_NAME = "store.sqlite"


class ResultStore:
    """Evaluation records keyed by their ``index``, plus the run's metadata."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        """Open the store at ``path``; ``create=False`` refuses a missing file (``InputError``)."""
        if not create and not path.is_file():
            raise InputError(f"no result store at {path}: not a dse explore run directory")
        self.path = path
        try:
            self._db = open_database(path, [
                "CREATE TABLE IF NOT EXISTS evaluations (idx INTEGER PRIMARY KEY, "
                "profile TEXT NOT NULL, cache_key TEXT NOT NULL, record TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ])
        except sqlite3.Error as error:
            raise InputError(f"cannot open the result store {path}: {error}") from None

    def put(self, record: Mapping[str, Any]) -> None:
        """Write one evaluation record (replacing one of the same index) and commit."""
        self._db.execute(
            "INSERT OR REPLACE INTO evaluations (idx, profile, cache_key, record) "
            "VALUES (?, ?, ?, ?)",
            (record["index"], record["profile"], record["cache_key"], json.dumps(dict(record))),
        )
        self._db.commit()

    def get(self, index: int) -> dict[str, Any] | None:
        """The record of evaluation ``index``, or None."""
        row = self._db.execute("SELECT record FROM evaluations WHERE idx = ?", (index,)).fetchone()
        return None if row is None else json.loads(row[0])

    def records(self) -> list[dict[str, Any]]:
        """Every record, ordered by index."""
        rows = self._db.execute("SELECT record FROM evaluations ORDER BY idx").fetchall()
        return [json.loads(row[0]) for row in rows]

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0])

    def set_meta(self, name: str, value: Any) -> None:
        """Store a JSON-safe metadata value under ``name`` and commit."""
        self._db.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, json.dumps(value))
        )
        self._db.commit()

    def get_meta(self, name: str) -> Any:
        """The metadata value stored under ``name``, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else json.loads(row[0])

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

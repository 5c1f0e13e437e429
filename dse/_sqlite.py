"""Opening the SQLite files of ``dse`` (result store, evaluation cache) the same way.

WAL journal (readers never block the writer), ``synchronous=NORMAL`` (a committed row
survives a killed process), a 30 s busy timeout, and the tables created when missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path


def open_database(path: Path, tables: Sequence[str]) -> sqlite3.Connection:
    """Connect to ``path`` (created when missing) and run each ``CREATE TABLE IF NOT EXISTS``
    statement of ``tables``. Raises ``sqlite3.Error`` / ``OSError``; callers name the option."""
    db = sqlite3.connect(path, timeout=30.0)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for statement in tables:
        db.execute(statement)
    db.commit()
    return db

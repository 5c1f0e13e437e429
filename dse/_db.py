"""The database behind ``dse``'s result store, claims and evaluation cache, on a SQLAlchemy URL.

One schema (``dse_`` tables, so a team database can also hold Optuna's studies) over any URL
SQLAlchemy opens: a SQLite file by default (WAL journal so readers never block the writer,
``synchronous=NORMAL`` so a committed row survives a killed process, a 30 s busy timeout),
``postgresql+psycopg://user@host/db`` for a team. Dialect differences live here and nowhere
else: the idempotent insert (``ON CONFLICT DO NOTHING`` on the primary key) and the database
clock (leases are compared on the server's clock, never on the workers').

Tables:

- ``dse_runs``: one row per run (name): its identity, the run dict, its state
  (``running`` / ``complete`` / ``stopped``) and the pickled evaluation contexts workers need.
- ``dse_evaluations``: evaluation records, primary key (run, cache key): a design is stored once
  per run whoever writes it; ``idx`` is the record's index, unique per run.
- ``dse_tasks``: designs waiting for, or being given, a simulation; ``owner`` and
  ``lease_until`` form the claim (see ``dse._claims``).
- ``dse_cache``: the content-hash cache (key -> payload), shared by every run in the database.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from snn_dse.errors import InputError

metadata = sa.MetaData()

runs = sa.Table(
    "dse_runs", metadata,
    sa.Column("run", sa.String(200), primary_key=True),
    sa.Column("identity", sa.Text, nullable=False),
    sa.Column("info", sa.Text, nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("contexts", sa.LargeBinary, nullable=True),
    sa.Column("updated", sa.Float, nullable=False),
)

evaluations = sa.Table(
    "dse_evaluations", metadata,
    sa.Column("run", sa.String(200), primary_key=True),
    sa.Column("cache_key", sa.String(64), primary_key=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("profile", sa.String(200), nullable=False),
    sa.Column("failed", sa.Boolean, nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.UniqueConstraint("run", "idx", name="dse_evaluations_run_idx"),
)

tasks = sa.Table(
    "dse_tasks", metadata,
    sa.Column("run", sa.String(200), primary_key=True),
    sa.Column("cache_key", sa.String(64), primary_key=True),
    sa.Column("context", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column("lease_until", sa.Float, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("finished_by", sa.String(200), nullable=True),
    sa.Index("dse_tasks_run_status", "run", "status"),
)

cache = sa.Table(
    "dse_cache", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
)


def url_of(target: str | Path) -> str:
    """A SQLAlchemy URL for ``target``: a URL (it contains ``://``) as given, a path as a
    SQLite URL of its absolute path."""
    text = str(target)
    return text if "://" in text else f"sqlite:///{Path(text).resolve()}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@functools.cache
def _engine(url: str) -> Engine:
    """One engine (connection pool) per URL and process, with the ``dse_`` tables created."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
    for attempt in range(5):  # processes starting together race to create the tables
        try:
            metadata.create_all(engine, checkfirst=True)
            break
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError):
            if attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))
    return engine


def open_engine(target: str | Path, option: str) -> Engine:
    """The engine of ``target`` (URL or SQLite path) with the ``dse_`` tables created.

    A SQLite file's directory must exist. Raises ``InputError`` naming ``option`` when the
    database cannot be reached or its driver is missing."""
    url = url_of(target)
    try:
        engine = _engine(url)
    except (sa.exc.SQLAlchemyError, ImportError, OSError) as error:
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"{option}: cannot open the database {safe_url(url)}: {text}") from None
    return engine


def safe_url(url: str) -> str:
    """``url`` with any password masked, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def insert_ignore(engine: Engine, table: sa.Table, values: Mapping[str, Any]) -> sa.Insert:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING <key>`` of ``values`` into ``table`` (its
    primary key), in ``engine``'s dialect: a second insert of the same key changes nothing, and
    returns no row (drivers do not agree on ``rowcount`` here; SQLite needs >= 3.35)."""
    insert: Callable[[sa.Table], Any]
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert
        insert = postgresql_insert
    elif engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert
        insert = sqlite_insert
    else:
        raise InputError(f"unsupported database {engine.dialect.name}: use SQLite or PostgreSQL")
    key = list(table.primary_key.columns)
    return insert(table).values(**values).on_conflict_do_nothing(
        index_elements=[c.name for c in key]
    ).returning(key[0])


#: ``connect_args`` of a SQLite engine given to ``begin_immediate``: the 30 s busy timeout, and
#: the driver's own implicit ``BEGIN`` (emitted only before a write) switched off.
SQLITE_IMMEDIATE_CONNECT_ARGS: dict[str, Any] = {"timeout": 30, "isolation_level": None}


def begin_immediate(engine: Engine) -> None:
    """Start every transaction of SQLite ``engine`` (opened with
    ``SQLITE_IMMEDIATE_CONNECT_ARGS``) with ``BEGIN IMMEDIATE``: it takes the write lock at once,
    so a transaction that reads a row and then updates it is atomic. Without it SQLite ignores
    ``SELECT ... FOR UPDATE`` and the driver begins the transaction only at the ``UPDATE``, so
    two processes can both see a row unchanged and both change it (Optuna hands one waiting
    trial to two workers). Transactions are serialised: fine for SQLite's single writer."""

    def begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    sa.event.listen(engine, "begin", begin)


def db_now(engine: Engine) -> sa.ColumnElement[float]:
    """The database server's clock as seconds since the Unix epoch (an SQL expression)."""
    if engine.dialect.name == "postgresql":
        return sa.func.extract("epoch", sa.func.clock_timestamp()).cast(sa.Float)
    return (sa.func.julianday("now") - 2440587.5) * 86400.0

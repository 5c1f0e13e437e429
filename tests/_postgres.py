"""A throw-away PostgreSQL server for tests and benchmarks: no system service, no docker.

``PostgresServer.start()`` runs Debian's ``initdb`` and ``pg_ctl`` (``/usr/lib/postgresql/<major>/
bin``, off PATH) on a fresh cluster in a temporary directory, listening on 127.0.0.1 on a free
port with trust authentication, fsync off (nothing there must survive); ``stop()`` stops it
immediately and deletes the directory. As root the server runs as the ``postgres`` user
(``initdb`` refuses root), which the Debian package creates. ``DSE_TEST_PG_URL`` (a server
URL such as ``postgresql+psycopg://dse@127.0.0.1:5432/postgres``) uses an existing server instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<major>/bin`` holding ``initdb``, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server: its base URL (database ``postgres``) and, when this process started it,
    its data directory."""

    url: str
    directory: Path | None = None
    bin_dir: Path | None = None
    as_user: tuple[str, ...] = ()

    @classmethod
    def start(cls) -> PostgresServer:
        """Start a throw-away server (or use ``DSE_TEST_PG_URL``); ``RuntimeError`` when the
        PostgreSQL binaries are missing or the server does not come up."""
        if os.environ.get("DSE_TEST_PG_URL"):
            return cls(os.environ["DSE_TEST_PG_URL"])
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin "
                               "(apt-get install postgresql)")
        directory = Path(tempfile.mkdtemp(prefix="dse-pg-"))
        as_user: tuple[str, ...] = ()
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
            as_user = ("runuser", "-u", "postgres", "--")
        port = _free_port()
        data = directory / "data"
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        try:
            subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "dse",
                            "-A", "trust", "--no-sync"], check=True, capture_output=True)
            subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                            str(directory / "log"), "-w", "-o", options, "start"],
                           check=True, capture_output=True)
        except subprocess.CalledProcessError as error:
            log = directory / "log"
            detail = log.read_text() if log.exists() else error.stderr.decode(errors="replace")
            shutil.rmtree(directory, ignore_errors=True)
            raise RuntimeError(f"PostgreSQL did not start: {detail[-2000:]}") from None
        return cls(f"postgresql+psycopg://dse@127.0.0.1:{port}/postgres", directory, bin_dir,
                   as_user)

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as db:
            db.execute(sa.text(f"CREATE DATABASE {name}"))
        engine.dispose()
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        """Stop a server this process started and delete its directory."""
        if self.directory is None or self.bin_dir is None:
            return
        subprocess.run([*self.as_user, str(self.bin_dir / "pg_ctl"), "-D",
                        str(self.directory / "data"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)

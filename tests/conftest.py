"""Shared fixtures: a throw-away PostgreSQL server (tests/_postgres.py) for the store tests.

Without the PostgreSQL binaries the tests that need it are skipped, saying how to install
them; under CI (``CI`` set) a missing server is an error, since .ci/run installs it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests._postgres import PostgresServer


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One server for the session."""
    try:
        server = PostgresServer.start()
    except RuntimeError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL: {error}")
        pytest.skip(str(error))
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """The URL of a new, empty database on the session's server."""
    return postgres.new_database()

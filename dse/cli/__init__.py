"""The ``dse`` command line. Each command group lives in its own module and registers itself
on the shared ``app``; importing this package imports them all."""

from dse.cli import (  # noqa: F401  (registration)
    calibrate,
    cost,
    data,
    explore,
    export,
    profiles,
    report,
    reproduce,
    simulate,
    status,
    worker,
)
from dse.cli._app import app
from dse.cli._main import main, run

__all__ = ["app", "main", "run"]

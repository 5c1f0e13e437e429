"""`dse data` command(s): registered on the shared app (see dse/cli/_app.py)."""

from dse.cli._app import app  # noqa: F401

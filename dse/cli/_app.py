"""The Typer application object shared by every command module.

Command modules (``dse/cli/<group>.py``) import ``app`` from here and register their commands
with ``@app.command()`` or ``app.add_typer(...)``; ``dse/cli/__init__.py`` imports them all.
No logic lives in the CLI: commands parse options, call library functions and print.
"""

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="dse",
    help="Design-space exploration and hardware cost models for spiking neural networks.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

#: Results go to stdout; messages, errors and progress bars go to stderr.
stdout = Console()
stderr = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        from snn_dse import __version__

        stdout.print(__version__, highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Print the snn-dse version and exit."),
    ] = None,
) -> None:
    """Design-space exploration and hardware cost models for spiking neural networks."""


@app.command()
def version() -> None:
    """Print the snn-dse version."""
    from snn_dse import __version__

    stdout.print(__version__, highlight=False)

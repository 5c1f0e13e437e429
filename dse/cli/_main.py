"""Entry point of the ``dse`` console script: runs the app and maps errors to exit codes.

Exit codes: 0 success, 1 internal error, 2 bad input (usage errors and ``InputError``),
3 no design meets the budgets. A ``DseError`` is printed as one line on stderr, never a
traceback; set ``DSE_DEBUG=1`` to see the traceback of an internal error.
"""

import os
import sys
import traceback

from rich.markup import escape

from dse.cli._app import app, stderr
from snn_dse.errors import DseError


def main(argv: list[str] | None = None) -> int:
    """Run ``dse`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    try:
        result = app(args=argv, prog_name="dse", standalone_mode=False)
    except DseError as error:
        stderr.print(f"[bold red]error:[/] {escape(str(error))}", soft_wrap=True)
        return error.exit_code
    except KeyboardInterrupt:
        stderr.print("[bold red]interrupted[/]: results already computed are kept")
        return 130
    except Exception as error:  # the CLI's last line of defence: exit 1, no traceback
        if _is_usage_error(error):
            error.show()  # type: ignore[attr-defined]
            return 2
        if os.environ.get("DSE_DEBUG"):
            traceback.print_exc()
        stderr.print(
            f"[bold red]internal error:[/] {escape(type(error).__name__)}: {escape(str(error))}"
            " (set DSE_DEBUG=1 for the traceback)"
        )
        return 1
    return result if isinstance(result, int) else 0


def _is_usage_error(error: Exception) -> bool:
    """True for the vendored Click's usage errors (bad option, missing argument)."""
    return hasattr(error, "show") and getattr(error, "exit_code", None) == 2


def run() -> None:
    """Console-script wrapper: ``sys.exit(main())``."""
    sys.exit(main())

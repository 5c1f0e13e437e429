"""The single exception hierarchy of snn-dse and the CLI exit code of each branch.

``DseError`` is the root. The CLI turns any ``DseError`` into one message on stderr and its
``exit_code``; anything else is an internal error (exit 1).

- ``InputError`` (exit 2): the user gave something wrong (profile, budget, space file,
  missing dataset, bad option value). The message names the problem and the fix.
- ``NoFeasibleDesignError`` (exit 3): the search ran but no design met the budgets.
- ``InternalError`` (exit 1): a broken invariant inside the tool.
"""


class DseError(Exception):
    """Root of every error snn-dse raises on purpose."""

    exit_code: int = 1


class InputError(DseError):
    """Bad user input: a file, an option or a missing data file. CLI exit code 2."""

    exit_code = 2


class NoFeasibleDesignError(DseError):
    """No evaluated design satisfies the budgets. CLI exit code 3."""

    exit_code = 3


class InternalError(DseError):
    """A broken invariant inside snn-dse. CLI exit code 1."""

    exit_code = 1

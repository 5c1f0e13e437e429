"""``python -m dse``: the ``dse`` command line."""

from dse.cli import run

if __name__ == "__main__":
    run()

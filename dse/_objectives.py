"""The objectives an exploration can optimise and how they become the engines' minimised vector.

Every evaluation record carries all objective values in their natural sense (accuracy a
fraction to maximise, the others SI quantities to minimise: bytes, joules per sample, seconds
per sample). ``--objectives`` picks which of them the engine optimises; the engines minimise
every column, so an objective to maximise is turned into its complement (``1 - accuracy``).
The objectives are the metrics of :mod:`snn_dse.metrics`, declared there once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from snn_dse.errors import InputError
from snn_dse.metrics import DEFAULT_OBJECTIVES as _DEFAULT_KEYS
from snn_dse.metrics import METRICS, Metric, metric

#: An objective is a metric (``key``, ``cli_name``, ``unit``, ``sense``, ``minimised``).
Objective = Metric

#: Every objective, in the order they appear in records and tables.
OBJECTIVES: tuple[Objective, ...] = METRICS

#: The objectives optimised when ``--objectives`` is not given, as CLI names.
DEFAULT_OBJECTIVES = ",".join(m.cli_name for m in METRICS if m.key in _DEFAULT_KEYS)


def parse_objectives(text: str, protocol: str) -> tuple[Objective, ...]:
    """Objectives named in a comma-separated list (``"accuracy,memory,energy-infer"``).

    Names are the CLI names or the record keys. Raises ``InputError`` naming
    ``--objectives`` for an unknown or repeated name, an empty list, or a continual-only
    objective under the static protocol.
    """
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise InputError("--objectives: give at least one objective")
    chosen: list[Objective] = []
    for name in names:
        objective = metric(name)
        if objective is None:
            known = ", ".join(o.cli_name for o in OBJECTIVES)
            raise InputError(f"--objectives: unknown objective {name!r}; known: {known}")
        if objective in chosen:
            raise InputError(f"--objectives: {objective.cli_name!r} is given twice")
        if objective.continual_only and protocol != "continual":
            raise InputError(
                f"--objectives: {objective.cli_name!r} needs --protocol continual"
            )
        chosen.append(objective)
    return tuple(chosen)


def minimised_vector(
    values: Mapping[str, float | None], objectives: Sequence[Objective]
) -> list[float]:
    """The engine's objective row for one evaluation's ``objectives`` dict (all minimised)."""
    row = [objective.minimised(values.get(objective.key)) for objective in objectives]
    if not all(math.isfinite(v) for v in row):
        raise ValueError(f"non-finite objective row {row}")
    return row

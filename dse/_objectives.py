"""The objectives an exploration can optimise and how they become the engines' minimised vector.

Every evaluation record carries all objective values in their natural sense (accuracy a
fraction to maximise, the others SI quantities to minimise: bytes, joules per sample, seconds
per sample). ``--objectives`` picks which of them the engine optimises; the engines minimise
every column, so an objective to maximise is turned into its complement (``1 - accuracy``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from snn_dse.errors import InputError


@dataclass(frozen=True)
class Objective:
    """One objective: its record key, its CLI name, its sense and its unit.

    ``key`` names it in evaluation records (``objectives[key]``), ``cli_name`` in
    ``--objectives``. ``maximise`` objectives are fractions in [0, 1]; the engines see
    ``1 - value``. ``unit`` is the SI unit of the value (``""`` for a fraction).
    ``continual_only`` objectives exist only under the continual protocol.
    """

    key: str
    cli_name: str
    maximise: bool
    unit: str
    continual_only: bool = False

    def minimised(self, value: float | None) -> float:
        """The value the engine minimises; a missing value (a design that was pre-screened and
        never simulated) counts as the worst accuracy, 1.0 error. Cost objectives are always
        present (estimated for pre-screened designs)."""
        if value is None:
            if not self.maximise:
                raise ValueError(f"objective {self.key!r} has no value")
            return 1.0
        return 1.0 - value if self.maximise else value


#: Every objective, in the order they appear in records and tables.
OBJECTIVES: tuple[Objective, ...] = (
    Objective("accuracy", "accuracy", maximise=True, unit=""),
    Objective("memory", "memory", maximise=False, unit="B"),
    Objective("energy_infer", "energy-infer", maximise=False, unit="J"),
    Objective("energy_train", "energy-train", maximise=False, unit="J"),
    Objective("latency", "latency", maximise=False, unit="s"),
    Objective("recent_accuracy", "recent-accuracy", maximise=True, unit="", continual_only=True),
    Objective(
        "previous_accuracy", "previous-accuracy", maximise=True, unit="", continual_only=True
    ),
)

#: The objectives optimised when ``--objectives`` is not given.
DEFAULT_OBJECTIVES = "accuracy,memory,energy-infer"

_BY_NAME: dict[str, Objective] = {o.cli_name: o for o in OBJECTIVES} | {
    o.key: o for o in OBJECTIVES
}


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
        objective = _BY_NAME.get(name)
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

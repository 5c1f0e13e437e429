"""The Pareto front of a run's records and the design recommended from it.

SpikeDyn's rule picks, among the feasible Pareto designs, the most accurate; ties go to the
lower inference energy, then to the lower memory footprint (then to the earlier evaluation,
so the choice is deterministic).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from reports import pareto_mask

from dse._budgets import Budget, violation
from dse._objectives import Objective, minimised_vector

Record = Mapping[str, Any]


def unique_designs(records: Sequence[Record]) -> list[Record]:
    """``records`` without repeats of a design (same profile and cache key), first kept."""
    seen: set[tuple[str, str]] = set()
    out = []
    for record in records:
        key = (record["profile"], record["cache_key"])
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


def pareto_front(records: Sequence[Record], objectives: Sequence[Objective]) -> list[Record]:
    """The feasible non-dominated designs of each profile (minimising ``objectives``), each
    design once, ordered by profile (first appearance) then index."""
    feasible = unique_designs([r for r in records if r["feasible"]])
    front: list[Record] = []
    profiles = list(dict.fromkeys(r["profile"] for r in feasible))
    for profile in profiles:
        group = [r for r in feasible if r["profile"] == profile]
        F = np.array([minimised_vector(r["objectives"], objectives) for r in group])
        front.extend(r for r, keep in zip(group, pareto_mask(F), strict=True) if keep)
    return sorted(front, key=lambda r: (profiles.index(r["profile"]), r["index"]))


def recommend(front: Sequence[Record]) -> Record | None:
    """SpikeDyn's choice among ``front`` (feasible Pareto designs): highest accuracy, then
    lowest inference energy, then lowest memory, then lowest index; None for an empty front."""
    if not front:
        return None
    return min(
        front,
        key=lambda r: (
            -r["objectives"]["accuracy"],
            r["objectives"]["energy_infer"],
            r["objectives"]["memory"],
            r["index"],
        ),
    )


def recommend_by_profile(front: Sequence[Record]) -> dict[str, Record]:
    """``recommend`` applied to each profile's part of ``front``."""
    out = {}
    for profile in dict.fromkeys(r["profile"] for r in front):
        choice = recommend([r for r in front if r["profile"] == profile])
        if choice is not None:
            out[profile] = choice
    return out


def least_infeasible(
    records: Sequence[Record], budgets: Sequence[Budget], limit: int = 5
) -> list[Record]:
    """Up to ``limit`` infeasible designs closest to the budgets (smallest total relative
    violation; simulated designs before pre-screened ones at equal violation)."""
    infeasible = unique_designs([r for r in records if not r["feasible"]])
    ranked = sorted(
        infeasible,
        key=lambda r: (violation(r["constraints"], budgets), r["prescreened"], r["index"]),
    )
    return ranked[:limit]

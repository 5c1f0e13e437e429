"""Budgets given on the command line with units, and the constraints they impose.

A budget caps one cost objective: ``--memory-budget 64KiB`` (bytes), ``--energy-budget 2uJ``
(inference energy per sample, joules), ``--train-energy-budget`` (training energy per sample,
joules), ``--latency-budget`` (inference latency per sample, seconds). Each is the constraint
``value - budget <= 0`` (satisfied when non-positive), in SI units.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from snn_dse.errors import InputError
from snn_dse.metrics import metric


@dataclass(frozen=True)
class BudgetKind:
    """A budget the CLI accepts: the objective it caps, its option, whether the analytical
    pre-screen may reject a design on it before simulation, and the safety margin the
    pre-screen applies (it rejects only an estimate above ``margin`` x the budget)."""

    key: str
    option: str
    prescreen: bool
    margin: float = 1.0

    @property
    def unit(self) -> str:
        """SI unit of the capped metric (``snn_dse.metrics``)."""
        found = metric(self.key)
        assert found is not None, self.key
        return found.unit


#: Safety margin of the pre-screen on estimated energy: a design is rejected before simulation
#: only when its estimate exceeds the budget by this factor. It covers the largest
#: estimated/measured energy ratio of every held-out evaluation in
#: benchmarks/estimator_fidelity.py (benchmarks/RESULTS.md, docs/cost-model.md "Fidelity"):
#: 1.61 on held-out designs, 2.20 in leave-designs-out cross-validation and 1.89 on a dataset
#: the model never saw (digits estimated from a Fashion-MNIST-only fit), with 1.36x headroom
#: for new data (e.g. real MNIST) and simulator changes (under the simulator before the
#: per-image input-drive rule, the unseen-dataset ratio reached 2.78), so no design whose
#: measured cost meets a budget is lost.
PRESCREEN_MARGIN = 3.0

#: Every budget, keyed by the objective (record key) it caps. Memory is exact (no margin).
BUDGET_KINDS: dict[str, BudgetKind] = {
    "memory": BudgetKind("memory", "--memory-budget", prescreen=True),
    "energy_infer": BudgetKind("energy_infer", "--energy-budget", prescreen=True,
                               margin=PRESCREEN_MARGIN),
    "energy_train": BudgetKind("energy_train", "--train-energy-budget", prescreen=True,
                               margin=PRESCREEN_MARGIN),
    "latency": BudgetKind("latency", "--latency-budget", prescreen=False),
}


@dataclass(frozen=True)
class Budget:
    """A parsed budget: the objective it caps (``key``), the limit in SI units, the text given."""

    key: str
    value: float
    text: str

    @property
    def kind(self) -> BudgetKind:
        """The budget's kind (option name, unit, pre-screen rule)."""
        return BUDGET_KINDS[self.key]


def parse_budgets(texts: Mapping[str, str | None]) -> tuple[Budget, ...]:
    """Parse budgets from ``{objective key: text or None}`` (None: no budget on it).

    Raises ``InputError`` naming the option for a bare number, a wrong dimension, an
    unparsable text, or an impossible limit (zero, negative or infinite: no design can cost
    zero, and an infinite budget is no budget).
    """
    from hwprofiles import parse_quantity  # pint: imported only when a budget is parsed

    budgets = []
    for key, text in texts.items():
        if text is None:
            continue
        kind = BUDGET_KINDS[key]
        value = parse_quantity(text, kind.unit, kind.option)
        if not math.isfinite(value) or value <= 0:
            raise InputError(
                f"{kind.option}: {text!r} is impossible; a budget must be a positive, "
                f"finite amount of {kind.unit}"
            )
        budgets.append(Budget(key, value, text))
    return tuple(budgets)


def constraint_values(
    values: Mapping[str, float | None], budgets: Sequence[Budget]
) -> dict[str, float]:
    """``{key: value - budget}`` for every budget (SI units; <= 0 is satisfied)."""
    out = {}
    for budget in budgets:
        value = values[budget.key]
        if value is None:
            raise ValueError(f"no value for budgeted objective {budget.key!r}")
        out[budget.key] = float(value) - budget.value
    return out


"""Numbers with units as the report prints them."""

import math

import pytest

from reports._format import fmt, fmt_metric, label


@pytest.mark.parametrize(("value", "unit", "text"), [
    (None, None, "–"), (math.nan, "J", "–"), (0.805, "%", "80.5 %"), (858, "B", "858 B"),
    (16384.0, "B", "16 KiB"), (3 * 1024**2, "B", "3 MiB"), (3e-6, "J", "3 µJ"),
    (2.5e-10, "J", "250 pJ"), (0.0, "J", "0 J"), (5.677e-5, "s", "56.77 µs"),
    ("30 fJ", None, "30 fJ"), (120.0, None, "120"), (12, None, "12"), (True, None, "True"),
])
def test_fmt(value, unit, text) -> None:
    assert fmt(value, unit) == text


def test_metric_units_and_labels() -> None:
    assert fmt_metric("constraint_memory", -2048.0) == "-2 KiB"
    assert fmt_metric("energy_infer", 1.2e-6) == "1.2 µJ"
    assert label("memory") == "memory (B)" and label("accuracy") == "accuracy"
    assert label("weight_bits") == "weight bits"

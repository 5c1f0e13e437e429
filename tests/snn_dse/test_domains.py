"""The shared parameter domains and metric metadata of snn_dse."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from snn_dse import (
    INHIBITION_STRENGTH,
    METRICS,
    RULES,
    WEIGHT_BITS,
    Choice,
    InputError,
    format_si,
    metric,
)
from snn_dse.domains import is_integral


def test_choice_is_a_sequence_of_names_with_meanings() -> None:
    assert list(RULES) == ["baseline", "spikedyn"] and RULES[1] == "spikedyn"
    assert "baseline" in RULES and "hebb" not in RULES and 3 not in RULES
    assert RULES.help() == "baseline | spikedyn"
    assert all(RULES.options[name] for name in RULES)


def test_adding_a_name_is_one_entry() -> None:
    engines = Choice("engine", {"grid": "exhaustive", "guided": "model-guided"})
    assert engines.check("guided") == "guided"


def test_choice_errors_name_the_option_and_suggest() -> None:
    with pytest.raises(InputError, match=r"--rule: unknown rule 'spikdyn'; did you mean 'spikedyn'\?"):
        RULES.check("spikdyn", "--rule")
    with pytest.raises(InputError, match="choose one of: baseline, spikedyn"):
        RULES.check("zzz")


@given(st.integers(-100, 100))
def test_weight_bits_are_the_simulators_widths(bits: int) -> None:
    assert WEIGHT_BITS.accepts(bits) == (1 <= bits <= 16 or bits == 32)
    assert WEIGHT_BITS.accepts(float(bits)) == WEIGHT_BITS.accepts(np.int64(bits))


def test_weight_bits_ranges() -> None:
    assert WEIGHT_BITS.values == (*range(1, 17), 32)
    assert WEIGHT_BITS.contains_range(4, 16) and not WEIGHT_BITS.contains_range(8, 32)
    assert not WEIGHT_BITS.accepts(True) and not WEIGHT_BITS.accepts(8.5)
    with pytest.raises(InputError, match="weight_bits must be an integer in 1..16 or 32"):
        WEIGHT_BITS.check(24)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_real_domain(value: float) -> None:
    assert INHIBITION_STRENGTH.accepts(value) == (math.isfinite(value) and value >= 0)


def test_is_integral() -> None:
    assert is_integral(3) and is_integral(3.0) and is_integral(np.int32(3))
    assert not is_integral(3.5) and not is_integral(True) and not is_integral(np.bool_(True))
    assert not is_integral(float("inf")) and not is_integral("3")


def test_metrics_are_unique_and_found_by_key_or_cli_name() -> None:
    for field in ("key", "cli_name", "csv_column", "label"):
        values = [getattr(m, field) for m in METRICS]
        assert len(set(values)) == len(values), field
    assert metric("energy-infer") is metric("energy_infer")
    energy = metric("energy_infer")
    assert energy is not None and energy.title == "inference energy / sample (J)"
    accuracy = metric("accuracy")
    assert accuracy is not None and accuracy.minimised(0.9) == pytest.approx(0.1)
    assert accuracy.minimised(None) == 1.0


@pytest.mark.parametrize(("value", "unit", "text"), [
    (262144, "B", "256 KiB"), (-2048.0, "B", "-2 KiB"), (1.2e9, "Hz", "1.2 GHz"),
    (0.9e-12, "J", "900 fJ"), (25.6e9, "B/s", "25.6 GB/s"), (0.0, "J", "0 J"),
])
def test_format_si(value: float, unit: str, text: str) -> None:
    assert format_si(value, unit) == text

"""parse_quantity: unit strings to SI, binary byte prefixes, refusals naming the field."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hwprofiles import format_si, parse_quantity
from snn_dse.errors import InputError


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("0.9 pJ", "J", 0.9e-12),
        ("40uJ", "J", 40e-6),
        ("256 KiB", "B", 256 * 1024),
        ("256KiB", "B", 262144),
        ("1 MiB", "B", 2**20),
        ("32 kB", "B", 32000),
        ("8 bit", "B", 1),
        ("1.2 GHz", "Hz", 1.2e9),
        ("25.6 GB/s", "B/s", 25.6e9),
        ("0.104 W", "W", 0.104),
        ("3.5 ns", "s", 3.5e-9),
    ],
)
def test_parses_to_si(text: str, unit: str, expected: float) -> None:
    assert parse_quantity(text, unit, "field") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "unit", "fragment"),
    [
        ("256", "B", "bare number"),
        (256, "B", "bare number"),
        ("1 GHz", "B/s", "wrong dimension"),
        ("3 pJ", "W", "wrong dimension"),
        ("2 apples", "J", "cannot parse"),
        ("1e400 J", "J", "not finite"),
    ],
)
def test_refuses_and_names_the_field(text: object, unit: str, fragment: str) -> None:
    with pytest.raises(InputError, match=rf"--energy-budget: .*{fragment}"):
        parse_quantity(text, unit, "--energy-budget")  # type: ignore[arg-type]


@given(
    st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
    st.sampled_from([("pJ", 1e-12), ("nJ", 1e-9), ("uJ", 1e-6), ("mJ", 1e-3), ("J", 1.0)]),
)
def test_energy_prefixes_scale(value: float, prefix: tuple[str, float]) -> None:
    name, scale = prefix
    assert math.isclose(parse_quantity(f"{value!r} {name}", "J", "f"), value * scale, rel_tol=1e-9)


@given(st.integers(min_value=0, max_value=2**40))
def test_binary_bytes(n: int) -> None:
    assert parse_quantity(f"{n} B", "B", "f") == n
    assert parse_quantity(f"{n} KiB", "B", "f") == n * 1024


def test_format_si() -> None:
    assert format_si(262144, "B") == "256 KiB"
    assert format_si(1.2e9, "Hz") == "1.2 GHz"
    assert format_si(0.9e-12, "J") == "900 fJ"
    assert format_si(25.6e9, "B/s") == "25.6 GB/s"
    assert format_si(0.0, "J") == "0 J"

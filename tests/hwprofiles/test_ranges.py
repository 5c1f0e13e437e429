"""Figure ranges: given ranges, tolerances, defaults by basis, errors, round trip, ``extends``."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from hwprofiles import (
    DEFAULT_TOLERANCE,
    ProfileError,
    load_profile,
    profile_from_dict,
    profile_json_schema,
)
from tests.hwprofiles.conftest import dump, minimal, write


def _profile(synaptic_op: object):
    data = minimal()
    data["events"] = {**data["events"], "synaptic_op": synaptic_op}
    return profile_from_dict(data)


def test_given_range_wins_and_is_kept() -> None:
    figure = _profile({"value": "23.6 pJ", "range": ["20 pJ", "30 pJ"], "basis": "simulated",
                       "reference": "R3"}).events.synaptic_op
    assert figure.bounds() == pytest.approx((20e-12, 30e-12))
    assert figure.range_source == "range"
    assert figure.dump()["range"] == ["20 pJ", "30 pJ"]


def test_tolerance_is_relative() -> None:
    figure = _profile({"value": "10 pJ", "tolerance": "30%", "basis": "measured",
                       "reference": "R"}).events.synaptic_op
    assert figure.bounds() == pytest.approx((7e-12, 13e-12))
    assert figure.range_source == "tolerance"
    assert figure.dump()["tolerance"] == "30%"


@pytest.mark.parametrize("basis", sorted(DEFAULT_TOLERANCE))
def test_default_range_by_basis(basis: str) -> None:
    figure = _profile({"value": "10 pJ", "basis": basis, "reference": "R"}).events.synaptic_op
    share = DEFAULT_TOLERANCE[basis]
    assert figure.bounds() == pytest.approx((10e-12 * (1 - share), 10e-12 * (1 + share)))
    assert figure.range_source == "basis"


def test_assumed_is_wider_than_measured() -> None:
    assert DEFAULT_TOLERANCE["assumed"] > DEFAULT_TOLERANCE["datasheet"] > DEFAULT_TOLERANCE["measured"]


def test_capacity_is_exact_by_default() -> None:
    level = _profile("1 pJ").memory[0]
    assert level.capacity.bounds() == (level.capacity.value, level.capacity.value)
    assert level.capacity.range_source == "exact"


@pytest.mark.parametrize(("extra", "words"), [
    ({"range": ["20 pJ", "30 pJ"], "tolerance": "10%"}, "not both"),
    ({"range": ["30 pJ", "40 pJ"]}, "low <= value"),
    ({"range": ["20 pJ"]}, "[low, high]"),
    ({"range": ["20 pJ", "3 ns"]}, "wrong dimension"),
    ({"tolerance": 0.3}, "percentage"),
    ({"tolerance": "150%"}, "between 0% and 100%"),
])
def test_bad_spread_is_one_clear_error(extra: dict, words: str) -> None:
    with pytest.raises(ProfileError) as info:
        _profile({"value": "23.6 pJ", "basis": "simulated", "reference": "R3", **extra})
    assert words in str(info.value)
    assert "events.synaptic_op" in str(info.value)


def test_round_trip_and_fingerprint() -> None:
    plain = _profile({"value": "10 pJ", "basis": "measured", "reference": "R"})
    ranged = _profile({"value": "10 pJ", "range": ["9 pJ", "12 pJ"], "basis": "measured",
                       "reference": "R"})
    assert profile_from_dict(ranged.to_dict()) == ranged
    assert ranged.fingerprint() != plain.fingerprint()
    assert "range" not in plain.to_dict()["events"]["synaptic_op"]


@settings(deadline=None)
@given(value=st.floats(1e-15, 1e-6), low=st.floats(0, 1), high=st.floats(1, 3))
def test_bounds_bracket_the_value(value: float, low: float, high: float) -> None:
    figure = _profile({"value": f"{value!r} J", "range": [f"{value * low!r} J",
                                                          f"{value * high!r} J"],
                       "basis": "assumed", "reference": "R"}).events.synaptic_op
    assert figure.low <= figure.value <= figure.high


def test_extends_patches_memory_levels_by_name(tmp_path: Path) -> None:
    child = {"extends": "generic_asic_45nm", "id": "child",
             "memory": {"dram": {"read": {"value": "2 nJ", "range": ["1.3 nJ", "2.6 nJ"],
                                          "basis": "measured", "reference": "R1"}}}}
    profile = load_profile(write(tmp_path / "child.yaml", dump(child)))
    base = load_profile("generic_asic_45nm")
    assert [lvl.name for lvl in profile.memory] == [lvl.name for lvl in base.memory]
    assert profile.level("dram").read.bounds() == pytest.approx((1.3e-9, 2.6e-9))
    assert profile.level("dram").write == base.level("dram").write


def test_extends_unknown_level_names_the_levels(tmp_path: Path) -> None:
    child = {"extends": "generic_asic_45nm", "id": "child", "memory": {"hbm": {"read": "1 nJ"}}}
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path / "child.yaml", yaml.safe_dump(child)))
    assert "no memory level 'hbm'" in str(info.value) and "sram_1m" in str(info.value)


def test_json_schema_knows_ranges_and_tolerances() -> None:
    validator = Draft202012Validator(profile_json_schema())
    data = minimal()
    data["events"]["synaptic_op"] = {"value": "23.6 pJ", "range": ["20 pJ", "30 pJ"],
                                     "basis": "simulated", "reference": "R3"}
    data["static"] = {"power": {"value": "1 mW", "tolerance": "30%", "basis": "measured",
                                "reference": "lab"}}
    validator.validate(data)
    data["static"]["power"]["tolerance"] = 0.3
    assert not validator.is_valid(data)


def test_json_schema_accepts_a_calibrated_profile(tmp_path: Path) -> None:
    """What `dse calibrate` writes: extends, and memory patched by level name."""
    child = {"schema_version": 1, "extends": "generic_asic_45nm", "id": "asic_calibrated",
             "name": "ASIC, calibrated", "memory": {"sram_1m": {"read": {
                 "value": "61 pJ", "range": ["59 pJ", "63 pJ"], "basis": "measured",
                 "reference": "dse calibrate on runs.csv"}}},
             "static": {"power": {"value": "0.8 mW", "range": ["0.7 mW", "0.9 mW"],
                                  "basis": "measured", "reference": "dse calibrate on runs.csv"}}}
    Draft202012Validator(profile_json_schema()).validate(child)
    assert load_profile(write(tmp_path / "c.yaml", dump(child))).level("sram_1m").read.value \
        == pytest.approx(61e-12)

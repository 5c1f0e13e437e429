"""Loading, validation errors (file, line, field), extends, search path, round trip."""

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwprofiles import (
    ENV_VAR,
    DeviceProfile,
    ProfileError,
    list_profiles,
    load_profile,
    profile_from_dict,
)
from snn_dse.errors import InputError
from tests.hwprofiles.conftest import dump, minimal, write

SHIPPED = ["generic_asic_45nm", "loihi1_like", "jetson_nano", "cortex_m4_stm32l452", "fpga_zynq7_generic"]


def test_five_shipped_profiles_with_kinds() -> None:
    kinds = {entry.id: entry.kind for entry in list_profiles()}
    assert {k: kinds[k] for k in SHIPPED} == {
        "generic_asic_45nm": "asic", "loihi1_like": "neuromorphic", "jetson_nano": "gpu",
        "cortex_m4_stm32l452": "mcu", "fpga_zynq7_generic": "fpga"}
    assert load_profile("jetson_nano").execution == "dense"
    assert load_profile("loihi1_like").execution == "event_driven"


@pytest.mark.parametrize("profile_id", SHIPPED)
def test_every_shipped_number_has_basis_and_reference(profile_id: str) -> None:
    profile = load_profile(profile_id)
    figures = list(profile.iter_figures())
    assert len(figures) >= 10
    for field, figure in figures:
        assert figure.basis in ("measured", "simulated", "datasheet", "derived", "assumed"), field
        assert figure.reference.strip(), field
        if figure.basis == "assumed":  # an assumption says it is one
            assert "assum" in (figure.note or "") + figure.reference + figure.basis


def test_si_values() -> None:
    asic = load_profile("generic_asic_45nm")
    assert asic.compute.integer.add[8].value == pytest.approx(0.03e-12)
    assert asic.level("sram_1m").capacity.value == 2**20
    assert asic.technology.clock.value == 1e9
    assert load_profile("loihi1_like").cores.static_power.value * 128 == pytest.approx(0.104)


@pytest.mark.parametrize("profile_id", SHIPPED)
def test_round_trip_and_fingerprint(profile_id: str, tmp_path: Path) -> None:
    profile = load_profile(profile_id)
    again = load_profile(write(tmp_path / "p.yaml", yaml.safe_dump(profile.to_dict())))
    assert again.to_dict() == profile.to_dict()
    assert again.fingerprint() == profile.fingerprint()
    assert profile_from_dict(profile.to_dict()).fingerprint() == profile.fingerprint()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25, deadline=None)
@given(value=st.floats(min_value=0, max_value=1e4, allow_nan=False), unit=st.sampled_from(["fJ", "pJ", "nJ"]),
       power=st.floats(min_value=0, max_value=10, allow_nan=False))
def test_load_dump_round_trip_property(tmp_path: Path, value: float, unit: str, power: float) -> None:
    data = minimal()
    data["events"]["synaptic_op"] = f"{value!r} {unit}"
    data["static"] = {"power": {"value": f"{power!r} W", "basis": "measured", "reference": "bench"}}
    first = load_profile(write(tmp_path / "a.yaml", dump(data)))
    second = load_profile(write(tmp_path / "b.yaml", yaml.safe_dump(first.to_dict())))
    assert second.to_dict() == first.to_dict() and second.fingerprint() == first.fingerprint()
    assert first.static.power.basis == "measured"
    assert first.events.synaptic_op.basis == "assumed"  # from the profile-level provenance


def test_fingerprint_changes_with_any_number() -> None:
    base = load_profile("generic_asic_45nm").to_dict()
    changed = yaml.safe_load(yaml.safe_dump(base))
    changed["memory"][2]["read"]["value"] = "21 pJ"
    assert profile_from_dict(changed).fingerprint() != profile_from_dict(base).fingerprint()


def test_extends_by_id_overrides_only_named_fields(tmp_path: Path) -> None:
    child = write(tmp_path / "child.yaml", dump({
        "extends": "generic_asic_45nm", "id": "asic_low_leak", "name": "Low-leak ASIC",
        "static": {"power": {"value": "0.1 mW", "basis": "measured", "reference": "lab"}},
    }))
    profile = load_profile(child)
    parent = load_profile("generic_asic_45nm")
    assert profile.id == "asic_low_leak"
    assert profile.static.power.value == pytest.approx(1e-4)
    assert profile.memory == parent.memory and profile.compute == parent.compute
    assert profile.source == str(child.resolve())


def test_extends_by_relative_path_and_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    write(lib / "base.yaml", dump(minimal(id="base")))
    write(lib / "derived.yaml", dump({"extends": "base.yaml", "id": "derived",
                                      "static": {"power": "2 mW"}}))
    assert load_profile(lib / "derived.yaml").static.power.value == pytest.approx(2e-3)
    with pytest.raises(ProfileError, match="unknown profile id 'derived'"):
        load_profile("derived")
    assert load_profile("derived", profiles_dir=lib).id == "derived"
    monkeypatch.setenv(ENV_VAR, f"{tmp_path / 'missing'}:{lib}")
    assert load_profile("derived").id == "derived"
    assert {"base", "derived"} <= {entry.id for entry in list_profiles()}


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", dump({"schema_version": 1, "id": "a", "extends": "b.yaml"}))
    write(tmp_path / "b.yaml", dump({"schema_version": 1, "id": "b", "extends": "a.yaml"}))
    with pytest.raises(ProfileError, match=r"a\.yaml:3: extends: extends cycle"):
        load_profile(tmp_path / "a.yaml")


def _issue(tmp_path: Path, text: str) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path / "bad.yaml", text))
    assert isinstance(caught.value, InputError)
    return str(caught.value)


def test_error_names_file_line_field(tmp_path: Path, asic_text: str) -> None:
    text = asic_text.replace('read: "20 pJ"', 'read: 20')
    line = asic_text.splitlines().index('    read: "20 pJ"') + 1
    message = _issue(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'bad.yaml'}:{line}: memory[2].read: bare number 20")
    assert "energy" in message


def test_unknown_key_suggests(tmp_path: Path) -> None:
    data = minimal()
    data["timing"]["synaptc_op"] = data["timing"].pop("synaptic_op")
    message = _issue(tmp_path, dump(data))
    assert "timing.synaptc_op: unknown key 'synaptc_op'; did you mean 'synaptic_op'?" in message


def test_missing_provenance_is_an_error(tmp_path: Path) -> None:
    data = minimal()
    del data["provenance"]
    assert "events.synaptic_op: no basis" in _issue(tmp_path, dump(data))


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["memory"].insert(0, dict(d["memory"][0], name="big", capacity="1 MiB")),
         "memory[1].capacity: memory levels go innermost first"),
        (lambda d: d["memory"].append(dict(d["memory"][0])), "memory[1].name: duplicate"),
        (lambda d: d["events"].pop("synaptic_op"), "compute.integer.add: missing"),
        (lambda d: (d.update(execution="dense", compute={"integer": {"add": {8: "1 pJ"}}}),
                    d["events"].pop("synaptic_op")),
         "compute.integer.multiply: missing: needed to price events because events.synaptic_op"),
        (lambda d: d.update(events={"synaptic_op": "1 pJ", "learning_update": "1 pJ"},
                            compute={"integer": {"add": {8: "1 pJ"}}}),
         "compute.integer.multiply: missing: needed to price events because events.neuron_update"),
        (lambda d: d["events"].update(neuron_update_idle="5 pJ"), "events: neuron_update_idle"),
        (lambda d: d.update(kind="tpu"), "kind: Input should be"),
        (lambda d: d["memory"][0].update(word_bits=0), "memory[0].word_bits"),
    ],
)
def test_semantic_errors(tmp_path: Path, change, fragment: str) -> None:  # noqa: ANN001
    data = minimal()
    change(data)
    assert fragment in _issue(tmp_path, dump(data))


def test_model_is_frozen() -> None:
    profile = load_profile("generic_asic_45nm")
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        profile.id = "x"  # type: ignore[misc]
    assert isinstance(profile, DeviceProfile)

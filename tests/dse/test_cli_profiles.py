"""`dse profiles list|show|validate` and the bad-input matrix through the real CLI (exit 2)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dse.cli import _app, main
from hwprofiles import BUILTIN_DIR

ASIC = (BUILTIN_DIR / "generic_asic_45nm.yaml").read_text()


@pytest.fixture(autouse=True)
def _wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long tmp paths must not be wrapped by rich in the captured output."""
    monkeypatch.setattr(_app.stderr, "width", 1000)
    monkeypatch.setattr(_app.stdout, "width", 1000)


def _line(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_list_shows_shipped_and_user_profiles(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "mine.yaml").write_text(ASIC.replace("id: generic_asic_45nm", "id: mine"))
    assert main(["profiles", "list", "--profiles-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for profile_id in ("generic_asic_45nm", "loihi1_like", "jetson_nano", "cortex_m4_stm32l452",
                       "fpga_zynq7_generic", "mine"):
        assert profile_id in out
    assert "neuromorphic" in out and "builtin" in out


def test_show_table_and_json(capsys: pytest.CaptureFixture) -> None:
    assert main(["profiles", "show", "loihi1_like"]) == 0
    out = capsys.readouterr().out
    assert "events.synaptic_op" in out and "23.6 pJ" in out and "simulated" in out
    assert main(["profiles", "show", "loihi1_like", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["events"]["synaptic_op"]["value"] == "23.6 pJ"


def test_validate_ok(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(ASIC)
    assert main(["profiles", "validate", str(path), str(BUILTIN_DIR / "jetson_nano.yaml")]) == 0
    assert "ok:" in capsys.readouterr().out


def _case(name: str, tmp_path: Path) -> tuple[list[Path], int, str]:
    """Write the files of one bad-input case; return (paths, expected line, expected field)."""
    path = tmp_path / f"{name}.yaml"
    if name == "malformed_yaml":
        text = ASIC.replace("kind: asic", "kind: [asic")
        line, field = _line(text, "kind: [asic") + 1, ""  # the parser stops on the next line
    elif name == "missing_field":
        text = ASIC.replace("execution: event_driven\n", "")
        line, field = 1, "execution"
    elif name == "bare_number":
        text = ASIC.replace('read: "100 pJ"', "read: 100")
        line, field = _line(text, "read: 100"), "memory[3].read"
    elif name == "wrong_dimension":
        text = ASIC.replace('capacity: "8 KiB"', 'capacity: "8 GHz"')
        line, field = _line(text, "8 GHz"), "memory[1].capacity"
    elif name == "negative_energy":
        text = ASIC.replace('multiply: {8: "0.2 pJ"', 'multiply: {8: "-0.2 pJ"')
        line, field = _line(text, "-0.2 pJ"), "compute.integer.multiply[8]"
    elif name == "unknown_key":
        text = ASIC.replace("execution: event_driven", "execution: event_driven\nexecuton: dense")
        line, field = _line(text, "executon"), "executon"
    elif name == "extends_cycle":
        (tmp_path / "other.yaml").write_text(f"schema_version: 1\nid: other\nextends: {name}.yaml\n")
        text = "schema_version: 1\nid: cyc\nextends: other.yaml\n"
        line, field = 3, "extends"
    elif name == "unknown_profile_id":
        text = "schema_version: 1\nid: orphan\nextends: no_such_profile\n"
        line, field = 3, "extends"
    path.write_text(text)
    return [path], line, field


@pytest.mark.parametrize("name", ["malformed_yaml", "missing_field", "bare_number", "wrong_dimension",
                                  "negative_energy", "unknown_key", "extends_cycle",
                                  "unknown_profile_id"])
@pytest.mark.parametrize("command", ["validate", "cost"])
def test_bad_input_matrix(name: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    paths, line, field = _case(name, tmp_path)
    argv = (["profiles", "validate", *map(str, paths)] if command == "validate"
            else ["cost", "--profile", str(paths[0]), "--neurons", "100", "--weight-bits", "8"])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{paths[0]}:{line}: {field + ': ' if field else ''}" in err, err


def test_unknown_id_on_command_line(capsys: pytest.CaptureFixture) -> None:
    assert main(["profiles", "show", "no_such_profile"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "unknown profile id 'no_such_profile'" in err and "generic_asic_45nm" in err


def test_installed_console_script_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(ASIC.replace('read: "10 pJ"', "read: 10"))
    dse = Path(sys.executable).with_name("dse")
    done = subprocess.run([str(dse), "profiles", "validate", str(bad)], capture_output=True,
                          text=True, check=False, env={"COLUMNS": "200", "PATH": ""})
    assert done.returncode == 2
    line = _line(ASIC, 'read: "10 pJ"')
    assert f"{bad}:{line}: memory[1].read: bare number 10" in done.stderr


def test_show_prints_the_mapping_and_timing_fields(capsys: pytest.CaptureFixture) -> None:
    assert main(["profiles", "show", "loihi1_like"]) == 0
    out = capsys.readouterr().out
    for field, value in (("cores.count", "128"), ("cores.neurons", "1024"),
                         ("cores.synapse_memory", "128 KiB"), ("cores.fan_in", "4096"),
                         ("cores.unused_power", "0"), ("timing.learning_update", "6.1 ns"),
                         ("timing.neuron_update_idle", "5.3 ns")):
        line = next(line for line in out.splitlines() if field in line)
        assert value in line and ("R3" in line or "R4" in line)
    assert "timing mode (default of --timing): afap" in out
    assert main(["profiles", "show", "cortex_m4_stm32l452"]) == 0
    assert "flash: read-only at run time" in capsys.readouterr().out

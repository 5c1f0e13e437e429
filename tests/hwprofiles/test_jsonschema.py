"""The JSON Schema of profile files: generated from the models, shipped, referenced by every
shipped and documented profile, accepting them all and rejecting the bad-input matrix."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from hwprofiles import BUILTIN_DIR, MODELINE, SCHEMA_FILE, ProfileError, load_profile, profile_json_schema
from tests.hwprofiles.conftest import dump, minimal, write

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Draft202012Validator(profile_json_schema())


def as_json(data: object) -> object:
    """What an editor validates: YAML data with JSON's string keys."""
    return json.loads(json.dumps(data))


def test_schema_is_valid_and_the_shipped_copy_is_current() -> None:
    Draft202012Validator.check_schema(profile_json_schema())
    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert shipped == profile_json_schema(), (
        "hwprofiles/profile.schema.json is stale: regenerate it with "
        "`dse profiles schema > hwprofiles/profile.schema.json`")


def test_cli_prints_the_schema() -> None:
    dse = str(Path(sys.executable).with_name("dse"))
    done = subprocess.run([dse, "profiles", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == profile_json_schema()


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_profile_names_and_meets_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == f"{MODELINE}../profile.schema.json"
    assert (path.parent / first.removeprefix(MODELINE)).resolve() == SCHEMA_FILE.resolve()
    VALIDATOR.validate(as_json(yaml.safe_load(text)))


@pytest.mark.parametrize("doc", ["README.md", "docs/profile-schema.md"])
def test_documented_profiles_meet_the_schema(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith(MODELINE)]
    documents = [yaml.safe_load(b) for b in blocks]
    assert any(documents), f"{doc} shows no profile with the schema modeline"
    for data in filter(None, documents):
        VALIDATOR.validate(as_json(data))


#: Profiles the loader refuses and the schema flags too (what an editor shows while typing).
BAD = {
    "unknown top-level key": lambda d: d.update(statik=d["static"]),
    "unknown nested key": lambda d: d["timing"].update(synaptc_op="1 ns"),
    "bare number for an energy": lambda d: d["events"].update(synaptic_op=20),
    "number without a unit": lambda d: d["events"].update(synaptic_op="20"),
    "unknown kind": lambda d: d.update(kind="tpu"),
    "unknown basis": lambda d: d["static"].update(
        power={"value": "1 mW", "basis": "guessed", "reference": "x"}),
    "figure mapping without value": lambda d: d["static"].update(
        power={"basis": "measured", "reference": "x"}),
    "unknown key in a figure": lambda d: d["static"].update(
        power={"value": "1 mW", "source": "x"}),
    "zero word bits": lambda d: d["memory"][0].update(word_bits=0),
    "missing id": lambda d: d.pop("id"),
    "missing timing": lambda d: d.pop("timing"),
    "empty memory": lambda d: d.update(memory=[]),
    "wrong schema version": lambda d: d.update(schema_version=2),
}


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_bad_input_is_rejected_by_schema_and_loader(change, tmp_path: Path) -> None:
    data = minimal()
    assert VALIDATOR.is_valid(as_json(data))
    change(data)
    assert not VALIDATOR.is_valid(as_json(data))
    with pytest.raises(ProfileError):
        load_profile(write(tmp_path / "bad.yaml", dump(data)))

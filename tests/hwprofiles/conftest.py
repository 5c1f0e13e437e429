"""Helpers writing profile files into tmp_path."""

from pathlib import Path

import pytest
import yaml

from hwprofiles import BUILTIN_DIR


@pytest.fixture
def asic_text() -> str:
    """The shipped generic ASIC profile as YAML text."""
    return (BUILTIN_DIR / "generic_asic_45nm.yaml").read_text()


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` and return the path."""
    path.write_text(text)
    return path


def minimal(**overrides: object) -> dict:
    """A small valid profile as a dict."""
    data = {
        "schema_version": 1, "id": "tiny", "name": "Tiny", "kind": "asic",
        "execution": "event_driven",
        "provenance": {"basis": "assumed", "reference": "test"},
        "events": {"synaptic_op": "1 pJ", "neuron_update": "2 pJ", "learning_update": "3 pJ"},
        "memory": [{"name": "sram", "capacity": "1 KiB", "word_bits": 32,
                    "read": "4 pJ", "write": "4 pJ"}],
        "static": {"power": "1 mW"},
        "timing": {"synaptic_op": "1 ns", "neuron_update": "1 ns", "learning_update": "1 ns"},
    }
    data.update(overrides)
    return data


def dump(data: dict) -> str:
    """YAML text of ``data``."""
    return yaml.safe_dump(data, sort_keys=False)

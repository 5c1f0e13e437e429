"""The JSON Schema of profile files, generated from the pydantic models, for editors.

Editors with the YAML language server complete and check a profile that starts with
``# yaml-language-server: $schema=<path or URL of the schema>``; the shipped profiles point at
``hwprofiles/profile.schema.json``, which is this schema (``dse profiles schema`` prints it).
A figure is a quantity string with a unit (``"0.9 pJ"``) or ``{value, basis, reference, note}``;
the schema checks the shape and that a unit is written, the loader also its dimension.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hwprofiles._schema import DeviceProfile

#: The schema shipped beside the built-in profiles (regenerate: ``dse profiles schema``).
SCHEMA_FILE = Path(__file__).with_name("profile.schema.json")
#: The first line of a profile that editors should check against the shipped schema.
MODELINE = "# yaml-language-server: $schema="


def profile_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a profile file, including ``extends``: a profile that
    extends another needs only its ``id`` and the fields it overrides."""
    schema = DeviceProfile.model_json_schema(mode="validation")
    required = schema.pop("required")
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Id or path of a profile whose fields this one inherits and overrides.",
    }
    schema["anyOf"] = [{"required": ["extends", "id"]}, {"required": required}]
    levels = schema["properties"]["memory"]
    schema["properties"]["memory"] = {"anyOf": [levels, {
        "type": "object", "additionalProperties": {"type": "object"},
        "description": "In a profile that extends another: memory level name -> the fields of "
                       "that level to change (a list replaces the whole hierarchy).",
    }]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "snn-dse device profile",
        **schema,
    }

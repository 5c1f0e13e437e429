"""Device profiles: the YAML schema, loader, validation and units; shipped profiles in ``builtin/``.

See docs/profile-schema.md. Everything physical is held in SI units (J, W, s, Hz, B, B/s).
"""

from hwprofiles._jsonschema import MODELINE, SCHEMA_FILE, profile_json_schema
from hwprofiles._loader import (
    BUILTIN_DIR,
    ENV_VAR,
    ProfileEntry,
    ProfileError,
    ProfileIssue,
    list_profiles,
    load_profile,
    profile_files,
    profile_from_dict,
    search_dirs,
)
from hwprofiles._ranges import DEFAULT_TOLERANCE, EXACT_UNITS
from hwprofiles._schema import SCHEMA_VERSION, DeviceProfile, Figure, MemoryLevel
from hwprofiles._units import format_si, parse_quantity

__all__ = [
    "BUILTIN_DIR",
    "DEFAULT_TOLERANCE",
    "ENV_VAR",
    "EXACT_UNITS",
    "MODELINE",
    "SCHEMA_FILE",
    "SCHEMA_VERSION",
    "DeviceProfile",
    "Figure",
    "MemoryLevel",
    "ProfileEntry",
    "ProfileError",
    "ProfileIssue",
    "format_si",
    "list_profiles",
    "load_profile",
    "parse_quantity",
    "profile_files",
    "profile_from_dict",
    "profile_json_schema",
    "search_dirs",
]

"""Find, read (keeping line numbers), merge (``extends``) and validate profile files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hwprofiles._schema import DeviceProfile
from snn_dse.yamlfile import (
    FileIssuesError,
    Issue,
    Located,
    issues_of,
    read_located,
    unknown_key_error,
)

BUILTIN_DIR = Path(__file__).parent / "builtin"
ENV_VAR = "DSE_PROFILES_PATH"
_SUFFIXES = (".yaml", ".yml")


#: One problem in a profile file: file, line, field and message (the shared ``Issue``).
ProfileIssue = Issue


class ProfileError(FileIssuesError):
    """A profile that cannot be found, parsed or validated; one line per :class:`ProfileIssue`."""


@dataclass(frozen=True)
class ProfileEntry:
    """A profile found on the search path: its ``id``, ``kind`` and file ``path``."""

    id: str
    kind: str
    path: Path
    builtin: bool


def search_dirs(profiles_dir: Path | None = None) -> list[Path]:
    """Directories searched for profile ids: ``profiles_dir``, ``$DSE_PROFILES_PATH``, builtin."""
    dirs = [Path(profiles_dir)] if profiles_dir else []
    dirs += [Path(part) for part in os.environ.get(ENV_VAR, "").split(os.pathsep) if part]
    return [*dirs, BUILTIN_DIR]


def list_profiles(profiles_dir: Path | None = None) -> list[ProfileEntry]:
    """Every profile on the search path (first one wins for a repeated id), sorted by id.

    A file that cannot be read or has no ``id`` is skipped here; ``dse profiles validate``
    reports it.
    """
    entries: dict[str, ProfileEntry] = {}
    for directory in search_dirs(profiles_dir):
        for path in _profile_files(directory):
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            kind = raw.get("kind")
            entries.setdefault(raw["id"], ProfileEntry(
                raw["id"], kind if isinstance(kind, str) else "?", path, directory == BUILTIN_DIR,
            ))
    return sorted(entries.values(), key=lambda entry: entry.id)


def load_profile(ref: str | Path, profiles_dir: Path | None = None) -> DeviceProfile:
    """Load and validate a profile by shipped id, user id or path; raise :class:`ProfileError`."""
    return _load(_resolve(ref, profiles_dir, None), profiles_dir, ())


def profile_files(ref: str | Path, profiles_dir: Path | None = None) -> list[Path]:
    """The files :func:`load_profile` reads for ``ref``: its own and, in order, every file it
    ``extends`` (resolved paths; stops at an unreadable file or a cycle, which loading
    reports)."""
    files: list[Path] = []
    path: Path | None = _resolve(ref, profiles_dir, None).resolve()
    while path is not None and path not in files:
        files.append(path)
        try:
            parent = yaml.safe_load(path.read_text(encoding="utf-8")).get("extends")
            path = _resolve(parent, profiles_dir, path).resolve() if parent else None
        except (OSError, yaml.YAMLError, AttributeError, ProfileError):
            path = None
    return files


def profile_from_dict(data: dict[str, Any]) -> DeviceProfile:
    """Validate an in-memory profile dict (e.g. ``DeviceProfile.to_dict()`` output)."""
    raw = Located(data, "<dict>")
    if "extends" in data:
        raise ProfileError([ProfileIssue("<dict>", None, "extends", "not supported in a dict")])
    return _validate(raw)


def _profile_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in _SUFFIXES and p.is_file())


def _resolve(ref: str | Path, profiles_dir: Path | None, base: Path | None) -> Path:
    """A path for ``ref``: an existing file (relative to ``base`` for ``extends``) or an id."""
    text = str(ref)
    candidates = [Path(text)]
    if base is not None and not Path(text).is_absolute():
        candidates.insert(0, base.parent / text)
    looks_like_path = isinstance(ref, Path) or "/" in text or text.endswith(_SUFFIXES)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    if not looks_like_path:
        for entry in list_profiles(profiles_dir):
            if entry.id == text:
                return entry.path
    known = ", ".join(entry.id for entry in list_profiles(profiles_dir))
    what = "no profile file" if looks_like_path else "unknown profile id"
    where = ", ".join(str(d) for d in search_dirs(profiles_dir))
    message = f"{what} {text!r}; searched {where}; known ids: {known}"
    raise ProfileError([ProfileIssue(text, None, "", message)])


def _load(path: Path, profiles_dir: Path | None, chain: tuple[Path, ...]) -> DeviceProfile:
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ProfileError([ProfileIssue(str(chain[-1]), None, "extends", f"extends cycle: {cycle}")])
    raw = _read(path)
    if "extends" in raw.data:
        parent_ref = raw.data.pop("extends")
        file, line = raw.lines.get(("extends",), (raw.file, 1))
        if not isinstance(parent_ref, str) or not parent_ref:
            raise ProfileError([ProfileIssue(file, line, "extends", "expected a profile id or path")])
        try:
            parent_path = _resolve(parent_ref, profiles_dir, path)
            parent = _load(parent_path, profiles_dir, (*chain, path))
        except ProfileError as error:
            if any(issue.field == "extends" and "cycle" in issue.message for issue in error.issues):
                raise ProfileError([ProfileIssue(file, line, "extends", error.issues[0].message)]) from None
            raise ProfileError([ProfileIssue(file, line, "extends", str(error))]) from None
        if "id" not in raw.data:
            message = "missing: a profile that extends another needs its own id"
            raise ProfileError([ProfileIssue(raw.file, 1, "id", message)])
        base = parent.to_dict()
        if isinstance(raw.data.get("memory"), dict):
            raw.data["memory"] = _patch_levels(base["memory"], raw.data["memory"], raw)
        raw.data = _merge(base, raw.data)
        raw.lines.setdefault((), (file, line))
    profile = _validate(raw)
    profile._source = str(path)
    return profile


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep merge of mappings; lists and scalars in ``override`` replace those of ``base``."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not _is_figure(out[key]):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _patch_levels(levels: list[dict[str, Any]], patch: dict[str, Any], raw: Located
                  ) -> list[dict[str, Any]]:
    """The parent's memory list with the levels named in ``patch`` deep-merged.

    In a profile that ``extends`` another, ``memory`` written as a mapping
    ``{level name: {fields}}`` changes those fields of those levels; written as a list it
    replaces the hierarchy.
    """
    names = [level["name"] for level in levels]
    for name, fields in patch.items():
        file, line = raw.lines.get(("memory", name), (raw.file, None))
        if name not in names:
            message = (f"no memory level '{name}' in the profile this one extends "
                       f"(levels: {', '.join(names)}); write memory as a list to replace them")
            raise ProfileError([ProfileIssue(file, line, f"memory.{name}", message)])
        if not isinstance(fields, dict):
            raise ProfileError([ProfileIssue(file, line, f"memory.{name}",
                                             "expected a mapping of the level's fields")])
    return [_merge(level, patch.get(level["name"], {})) for level in levels]


def _is_figure(value: dict[str, Any]) -> bool:
    return "value" in value and "basis" in value


def _read(path: Path) -> Located:
    """Parse YAML keeping the line of every key (1-based); the document must be a mapping."""
    raw = read_located(path, ProfileError)
    if not isinstance(raw.data, dict):
        line = 1 if raw.data is None else raw.lines[()][1]
        raise ProfileError([ProfileIssue(raw.file, line, "", "expected a mapping of profile fields")])
    return raw


def _validate(raw: Located) -> DeviceProfile:
    if not isinstance(raw.data, dict):
        raise ProfileError([ProfileIssue(raw.file, 1, "", "expected a mapping of profile fields")])
    known = list(DeviceProfile.model_fields)
    for key in raw.data:  # top-level unknown keys: report each with its own line
        if key not in DeviceProfile.model_fields and key != "extends":
            file, line = raw.lines.get((key,), (raw.file, None))
            message = unknown_key_error(key, known).message()
            raise ProfileError([ProfileIssue(file, line, str(key), message)])
    provenance = raw.data.get("provenance")
    try:
        return DeviceProfile.model_validate(raw.data, context={"provenance": provenance})
    except ValidationError as error:
        raise ProfileError(issues_of(raw, error)) from None

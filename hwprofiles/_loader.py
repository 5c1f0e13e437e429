"""Find, read (keeping line numbers), merge (``extends``) and validate profile files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hwprofiles._schema import DeviceProfile, unknown_key_error
from snn_dse.errors import InputError

BUILTIN_DIR = Path(__file__).parent / "builtin"
ENV_VAR = "DSE_PROFILES_PATH"
_SUFFIXES = (".yaml", ".yml")

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ProfileIssue:
    """One problem in a profile file: where it is and what was expected."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ProfileError(InputError):
    """A profile that cannot be found, parsed or validated; one line per :class:`ProfileIssue`."""

    def __init__(self, issues: list[ProfileIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass(frozen=True)
class ProfileEntry:
    """A profile found on the search path: its ``id``, ``kind`` and file ``path``."""

    id: str
    kind: str
    path: Path
    builtin: bool


@dataclass
class _Raw:
    """A parsed YAML file: plain data plus the file and line of every key path."""

    data: dict[str, Any]
    lines: dict[Loc, tuple[str, int]]
    file: str


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


def profile_from_dict(data: dict[str, Any]) -> DeviceProfile:
    """Validate an in-memory profile dict (e.g. ``DeviceProfile.to_dict()`` output)."""
    raw = _Raw(data=data, lines={}, file="<dict>")
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
        raw.data = _merge(parent.to_dict(), raw.data)
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


def _is_figure(value: dict[str, Any]) -> bool:
    return "value" in value and "basis" in value


def _read(path: Path) -> _Raw:
    """Parse YAML keeping the line of every key (1-based)."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProfileError([ProfileIssue(file, None, "", f"cannot read: {error.strerror}")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark else None
        raise ProfileError([ProfileIssue(file, line, "", f"malformed YAML: {problem}")]) from None
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + 1 if node is not None else 1
        raise ProfileError([ProfileIssue(file, line, "", "expected a mapping of profile fields")])
    lines: dict[Loc, tuple[str, int]] = {(): (file, 1)}
    data = _construct(node, (), lines, file)
    return _Raw(data=data, lines=lines, file=file)


def _construct(node: yaml.Node, loc: Loc, lines: dict[Loc, tuple[str, int]], file: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, loc, {}, file)
            if key in out:
                raise ProfileError([ProfileIssue(file, key_node.start_mark.line + 1,
                                                 _field((*loc, key)), "duplicate key")])
            lines[(*loc, key)] = (file, key_node.start_mark.line + 1)
            out[key] = _construct(value_node, (*loc, key), lines, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = (file, item.start_mark.line + 1)
            items.append(_construct(item, (*loc, index), lines, file))
        return items
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _validate(raw: _Raw) -> DeviceProfile:
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
        raise ProfileError([_issue(raw, item) for item in error.errors()]) from None


def _issue(raw: _Raw, item: Any) -> ProfileIssue:
    loc: Loc = tuple(part for part in item["loc"] if _is_path_part(part))
    ctx = item.get("ctx") or {}
    if item["type"] == "unknown_key":
        loc = (*loc, ctx["key"])
    if "subpath" in ctx:
        loc = (*loc, *ctx["subpath"])
    file, line = raw.file, None
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in raw.lines:
            file, line = raw.lines[loc[:cut]]
            break
    return ProfileIssue(file, line, _field(loc), _message(item))


def _is_path_part(part: Any) -> bool:
    return isinstance(part, int) or (isinstance(part, str) and not any(c in part for c in "[]-"))


def _message(item: Any) -> str:
    kind, message = item["type"], item["msg"]
    if kind == "missing":
        return "missing required field"
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind in ("dict_type", "model_type"):
        return f"expected a mapping, got {type(item.get('input')).__name__} {item.get('input')!r}"
    if kind.startswith(("int_", "float_", "literal_", "string_", "list_", "tuple_", "too_")):
        return f"{message} (got {item.get('input')!r})"
    return message


def _field(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

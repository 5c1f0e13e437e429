"""YAML input files validated by pydantic, with errors that name the file, the line and the field.

The one error-location helper of device profiles (``hwprofiles``) and space files (``dse``):

- :func:`read_located` parses a file keeping the line of every key and list item;
- :class:`StrictModel` is a pydantic base whose unknown keys are errors with a "did you mean";
- :func:`issues_of` turns a pydantic ``ValidationError`` into :class:`Issue` s, each at the line
  of the innermost key it concerns (``timing.synaptic_op`` -> the line of ``synaptic_op``).

A validator can point below its own field by raising an error whose ``ctx`` has ``subpath``
(a tuple of keys and indices, see :func:`at`). Union members tagged with a name in brackets
(``Tag("[range]")``) do not appear in field paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from snn_dse.domains import suggest
from snn_dse.errors import InputError

__all__ = ["FileIssuesError", "Issue", "Located", "Loc", "StrictModel", "at", "field_path",
           "issues_of", "read_located", "unknown_key_error"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """One problem in an input file: where it is (file, 1-based line, field path) and what."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class FileIssuesError(InputError):
    """An input file with problems; one line per :class:`Issue`. ``file``, ``line`` and
    ``field`` are those of the first issue."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        first = issues[0]
        self.file, self.line, self.field = first.file, first.line, first.field
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass
class Located:
    """Parsed YAML data plus the (file, line) of every key path (``()`` is the document)."""

    data: Any
    file: str
    lines: dict[Loc, tuple[str, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[str, int | None]:
        """(file, line) of ``loc`` or of its nearest enclosing key that has a line."""
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in self.lines:
                return self.lines[loc[:cut]]
        return self.file, None

    def issue(self, loc: Loc, message: str) -> Issue:
        """An :class:`Issue` at ``loc``."""
        file, line = self.where(loc)
        return Issue(file, line, field_path(loc), message)


def read_located(path: str | Path, error: type[FileIssuesError] = FileIssuesError) -> Located:
    """Read and parse a YAML file keeping the line of every key and item (``None`` data for an
    empty file). A missing file, malformed YAML or a repeated key raise ``error``."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise error([Issue(file, None, "", f"cannot read: {problem.strerror}")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        reason = getattr(problem, "problem", None) or str(problem)
        line = mark.line + 1 if mark else None
        raise error([Issue(file, line, "", f"malformed YAML: {reason}")]) from None
    located = Located(None, file, {(): (file, 1)})
    if node is not None:
        located.data = _construct(node, (), located, error)
    return located


def _construct(node: yaml.Node, loc: Loc, located: Located, error: type[FileIssuesError]) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader("").construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in out:
                raise error([Issue(located.file, line, field_path((*loc, key)),
                                   "duplicate key (given twice)")])
            located.lines[(*loc, key)] = (located.file, line)
            out[key] = _construct(value_node, (*loc, key), located, error)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            located.lines[(*loc, index)] = (located.file, item.start_mark.line + 1)
            items.append(_construct(item, (*loc, index), located, error))
        return items
    return yaml.SafeLoader("").construct_object(node, deep=True)


def unknown_key_error(key: object, known: list[str]) -> PydanticCustomError:
    """An ``unknown_key`` error with a "did you mean" hint; its location is the key itself."""
    hint = suggest(str(key), known)
    return PydanticCustomError(
        "unknown_key", "unknown key '{key}'" + hint.replace("{", "{{").replace("}", "}}"),
        {"key": key},
    )


def at(loc: Loc, message: str, **ctx: Any) -> PydanticCustomError:
    """An error located ``loc`` below the model or field that raises it; ``message`` is a
    template filled from ``ctx`` (``"duplicate name '{n}'"``, ``n=...``)."""
    return PydanticCustomError("at", message, {**ctx, "subpath": loc})


class StrictModel(BaseModel):
    """Base of every file section: frozen, and an unknown key is an error with a suggestion."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = list(cls.model_fields)
            for key in data:
                if key not in cls.model_fields:
                    raise unknown_key_error(key, known)
        return data


def issues_of(located: Located, error: ValidationError) -> list[Issue]:
    """One :class:`Issue` per pydantic error, at the line of the innermost key it concerns."""
    issues = []
    for item in error.errors():
        loc: Loc = tuple(part for part in item["loc"] if _is_path_part(part))
        ctx = item.get("ctx") or {}
        if item["type"] == "unknown_key":
            loc = (*loc, ctx["key"])
        if "subpath" in ctx:
            loc = (*loc, *ctx["subpath"])
        issues.append(located.issue(loc, _message(item)))
    return issues


def _is_path_part(part: Any) -> bool:
    """Keys and indices of the data, not pydantic's names of validators or union members."""
    return isinstance(part, int) or (isinstance(part, str) and not any(c in part for c in "[]-"))


def _message(item: Any) -> str:
    kind, message = item["type"], item["msg"]
    if kind == "missing":
        return "missing required field"
    if kind == "value_error":
        return str(message).removeprefix("Value error, ")
    if kind in ("dict_type", "model_type"):
        return f"expected a mapping, got {type(item.get('input')).__name__} {item.get('input')!r}"
    if kind.startswith(("int_", "float_", "bool_", "literal_", "string_", "list_", "tuple_",
                        "too_")):
        return f"{message} (got {item.get('input')!r})"
    return str(message)


def field_path(loc: Loc) -> str:
    """``("timing", "levels", 0, "size")`` -> ``"timing.levels[0].size"``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

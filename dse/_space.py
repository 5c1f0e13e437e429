"""The design space: integer, choice and real parameters, the default space and ``--space`` files.

A :class:`DesignSpace` is an ordered set of parameters. It knows its size, enumerates itself in a
deterministic order (the grid engine and the tests' oracle), draws uniform samples (the random
engine) and checks membership. Candidates are plain dicts of Python scalars keyed by parameter name.

Real parameters are continuous for the sampling engines; when a space is enumerated or counted a
real parameter contributes only its ``grid`` levels. Every real value an engine proposes is rounded
to ``digits`` significant digits, so that near-identical designs share one cache entry.

A space file (YAML) replaces or narrows parameters of :func:`default_space`; parameters it does not
mention keep their defaults::

    neurons: {low: 32, high: 400}          # narrow an integer range (log scale kept)
    weight_bits: [4, 8]                    # a list makes a choice
    rule: baseline                         # a scalar fixes the value
    inhibition_strength: {low: 17.5, high: 120, grid: [17.5, 60, 120]}

Errors raise :class:`SpaceError` naming the file, the line and the field.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticCustomError

from snn_dse.domains import (
    ACTIVITY_REG_STRENGTH,
    ACTIVITY_REGULARISERS,
    FAMILIES,
    FLOAT_BITS,
    HIDDEN,
    INHIBITION_STRENGTH,
    INHIBITIONS,
    NEURONS,
    RULES,
    TIMESTEPS,
    WEIGHT_BITS,
    Choice,
    IntDomain,
    RealDomain,
    applies,
    is_integral,
    is_number,
    suggest,
)
from snn_dse.yamlfile import FileIssuesError, Located, StrictModel, issues_of, read_located

Scalar = int | float | str | bool
Domain = Choice | IntDomain | RealDomain
Candidate = dict[str, Any]


def _round_significant(value: float, digits: int) -> float:
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(round(value, digits - 1 - math.floor(math.log10(abs(value)))))


@dataclass(frozen=True)
class IntParam:
    """An integer in ``[low, high]`` (both inclusive); ``log`` samples it on a log scale."""

    name: str
    low: int
    high: int
    log: bool = False

    def __post_init__(self) -> None:
        if not (is_integral(self.low) and is_integral(self.high)):
            raise ValueError(f"{self.name}: low and high must be integers, got {self.low!r}, {self.high!r}")
        object.__setattr__(self, "low", int(self.low))
        object.__setattr__(self, "high", int(self.high))
        if self.low > self.high:
            raise ValueError(f"{self.name}: low {self.low} is above high {self.high}")
        if self.log and self.low < 1:
            raise ValueError(f"{self.name}: a log-scale range needs low >= 1, got {self.low}")

    @property
    def size(self) -> int:
        """Number of values."""
        return self.high - self.low + 1

    def levels(self) -> Sequence[int]:
        """Every value, ascending."""
        return range(self.low, self.high + 1)

    def contains(self, value: Any) -> bool:
        """Whether ``value`` is an integer in range."""
        return is_integral(value) and self.low <= value <= self.high

    def canonical(self, value: Any) -> int:
        """``value`` as a Python ``int``."""
        return int(value)

    def sample(self, rng: np.random.Generator, n: int) -> list[int]:
        """``n`` uniform draws (log-uniform when ``log``)."""
        if self.log:
            raw = np.exp(rng.uniform(math.log(self.low), math.log(self.high + 1), n))
            values = np.clip(np.floor(raw), self.low, self.high)
        else:
            values = rng.integers(self.low, self.high + 1, n)
        return [int(v) for v in values]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {"type": "int", "low": self.low, "high": self.high, "log": self.log}


@dataclass(frozen=True)
class ChoiceParam:
    """One of a finite tuple of values (all numbers or all strings), kept in the given order."""

    name: str
    choices: tuple[Scalar, ...]

    def __post_init__(self) -> None:
        choices = tuple(v.item() if isinstance(v, np.generic) else v for v in self.choices)
        if not choices:
            raise ValueError(f"{self.name}: needs at least one choice")
        if len(set(choices)) != len(choices):
            raise ValueError(f"{self.name}: choices repeat a value: {list(choices)}")
        for value in choices:
            if not isinstance(value, int | float | str) or isinstance(value, bool):
                raise ValueError(f"{self.name}: choices must be numbers or strings, got {value!r}")
        if len({isinstance(value, str) for value in choices}) > 1:
            raise ValueError(f"{self.name}: choices mix numbers and strings: {list(choices)}")
        object.__setattr__(self, "choices", choices)

    @property
    def size(self) -> int:
        """Number of choices."""
        return len(self.choices)

    def levels(self) -> Sequence[Scalar]:
        """The choices in order."""
        return self.choices

    def contains(self, value: Any) -> bool:
        """Whether ``value`` is one of the choices (``8`` and ``8.0`` are the same)."""
        if isinstance(value, bool | np.bool_):
            return False
        try:
            return value in self.choices
        except TypeError:
            return False

    def canonical(self, value: Any) -> Scalar:
        """The choice equal to ``value`` (a Python scalar of the declared type)."""
        return self.choices[self.choices.index(value)]

    def sample(self, rng: np.random.Generator, n: int) -> list[Scalar]:
        """``n`` uniform draws."""
        return [self.choices[i] for i in rng.integers(0, len(self.choices), n)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {"type": "choice", "choices": list(self.choices)}


@dataclass(frozen=True)
class RealParam:
    """A real in ``[low, high]``; ``grid`` are the levels used when enumerating or counting.

    ``grid`` defaults to three levels: both bounds and the (geometric, when ``log``) midpoint.
    Grid levels and sampled values are rounded to ``digits`` significant digits.
    """

    name: str
    low: float
    high: float
    log: bool = False
    grid: tuple[float, ...] = field(default=())
    digits: int = 4

    def __post_init__(self) -> None:
        if not (is_number(self.low) and is_number(self.high)):
            raise ValueError(f"{self.name}: low and high must be numbers, got {self.low!r}, {self.high!r}")
        low, high = float(self.low), float(self.high)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"{self.name}: low and high must be finite")
        if low > high:
            raise ValueError(f"{self.name}: low {low:g} is above high {high:g}")
        if self.log and low <= 0:
            raise ValueError(f"{self.name}: a log-scale range needs low > 0, got {low:g}")
        if self.digits < 1:
            raise ValueError(f"{self.name}: digits must be at least 1")
        if self.grid:
            if not all(is_number(v) for v in self.grid):
                raise ValueError(f"{self.name}: grid levels must be numbers, got {list(self.grid)}")
            grid = tuple(float(v) for v in self.grid)
        elif low == high:
            grid = (low,)
        else:
            mid = math.sqrt(low * high) if self.log else (low + high) / 2
            grid = (low, mid, high)
        outside = [v for v in grid if not low <= v <= high]
        if outside:
            raise ValueError(f"{self.name}: grid levels {outside} lie outside [{low:g}, {high:g}]")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "grid", tuple(sorted({self.canonical(v) for v in grid})))

    @property
    def size(self) -> int:
        """Number of grid levels."""
        return len(self.grid)

    def levels(self) -> Sequence[float]:
        """The grid levels, ascending."""
        return self.grid

    def contains(self, value: Any) -> bool:
        """Whether ``value`` is a finite number in ``[low, high]`` (not only a grid level)."""
        return is_number(value) and math.isfinite(value) and self.low <= value <= self.high

    def canonical(self, value: Any) -> float:
        """``value`` as a ``float`` rounded to ``digits`` significant digits, kept in range."""
        return min(max(_round_significant(float(value), self.digits), self.low), self.high)

    def sample(self, rng: np.random.Generator, n: int) -> list[float]:
        """``n`` uniform draws (log-uniform when ``log``), rounded."""
        if self.log:
            raw = np.exp(rng.uniform(math.log(self.low), math.log(self.high), n))
        else:
            raw = rng.uniform(self.low, self.high, n)
        return [self.canonical(v) for v in raw]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {"type": "real", "low": self.low, "high": self.high, "log": self.log,
                "grid": list(self.grid), "digits": self.digits}


Param = IntParam | ChoiceParam | RealParam

#: Parameters whose value decides which others apply (``applies``).
_CONTROLS = ("family", "activity_reg")


class DesignSpace:
    """An ordered, immutable set of parameters with distinct names."""

    def __init__(self, params: Sequence[Param]) -> None:
        if not params:
            raise ValueError("a design space needs at least one parameter")
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise ValueError(f"parameter names repeat: {names}")
        self._params: tuple[Param, ...] = tuple(params)
        self._by_name: dict[str, Param] = {p.name: p for p in params}

    @property
    def params(self) -> tuple[Param, ...]:
        """The parameters in declaration order."""
        return self._params

    @property
    def names(self) -> list[str]:
        """Parameter names in declaration order (the key order of every candidate)."""
        return [p.name for p in self._params]

    @property
    def size(self) -> int:
        """Number of distinct designs :meth:`enumerate` yields (real parameters count their grid
        levels; a parameter that does not apply to a design counts once, see ``applies``)."""
        return sum(math.prod(p.size for p in self._params
                             if p.name not in fixed and applies(p.name, fixed))
                   for fixed in self._control_cases())

    def _control_cases(self) -> list[dict[str, Scalar]]:
        """Every combination of the controlling parameters (``family``, ``activity_reg``) in
        the space; their values decide which other parameters apply."""
        controls = [p for p in self._params if p.name in _CONTROLS]
        cases = [dict(zip([p.name for p in controls], values, strict=True))
                 for values in itertools.product(*(p.levels() for p in controls))]
        return [case for case in cases  # a control that does not apply counts once
                if all(applies(p.name, case) or case[p.name] == p.levels()[0] for p in controls)]

    def __getitem__(self, name: str) -> Param:
        return self._by_name[name]

    def __len__(self) -> int:
        return len(self._params)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DesignSpace) and self._params == other._params

    def __hash__(self) -> int:
        return hash(self._params)

    def __repr__(self) -> str:
        return f"DesignSpace({list(self._params)!r})"

    def enumerate(self) -> Iterator[Candidate]:
        """Every distinct design once, canonical, in a fixed order (per combination of the
        controlling parameters, the last parameter varies fastest)."""
        for fixed in self._control_cases():
            levels = [[fixed[p.name]] if p.name in fixed
                      else p.levels() if applies(p.name, fixed) else [p.levels()[0]]
                      for p in self._params]
            for values in itertools.product(*levels):
                yield dict(zip(self.names, values, strict=True))

    def sample(self, rng: np.random.Generator, n: int) -> list[Candidate]:
        """``n`` independent uniform draws (with replacement; reals continuous, rounded)."""
        columns = [p.sample(rng, n) for p in self._params]
        return [dict(zip(self.names, row, strict=True)) for row in zip(*columns, strict=True)]

    def contains(self, candidate: Mapping[str, Any]) -> bool:
        """Whether ``candidate`` has exactly this space's names, each with a value in its domain."""
        return set(candidate) == set(self._by_name) and all(
            p.contains(candidate[p.name]) for p in self._params)

    def canonical(self, candidate: Mapping[str, Any]) -> Candidate:
        """``candidate`` in parameter order with Python scalars (NumPy scalars converted, reals
        rounded), and every parameter that does not apply to it (``applies``) at its first level,
        so that the cache and the engines see one copy of each design.

        Raises ``ValueError`` when the candidate is not in the space.
        """
        if not self.contains(candidate):
            raise ValueError(f"candidate not in the design space: {dict(candidate)!r}")
        values = {p.name: p.canonical(candidate[p.name]) for p in self._params}
        return {p.name: values[p.name] if applies(p.name, values) else p.levels()[0]
                for p in self._params}

    def key(self, candidate: Mapping[str, Any]) -> tuple[Scalar, ...]:
        """A hashable identity of ``candidate`` (its canonical values in parameter order)."""
        return tuple(self.canonical(candidate).values())

    def bounds_for(self, name: str) -> tuple[float, float]:
        """``(low, high)`` of a numeric parameter (for a numeric choice: its smallest and largest).

        Raises ``KeyError`` for an unknown name and ``TypeError`` for a choice of strings.
        """
        param = self._by_name[name]
        if isinstance(param, ChoiceParam):
            if not all(is_number(v) for v in param.choices):
                raise TypeError(f"{name} is categorical: {list(param.choices)}")
            return min(param.choices), max(param.choices)  # type: ignore[return-value]
        return param.low, param.high

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-safe description, name -> parameter; :meth:`from_dict` reverses it."""
        return {p.name: p.to_dict() for p in self._params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> DesignSpace:
        """Rebuild a space from :meth:`to_dict` output."""
        params: list[Param] = []
        for name, spec in data.items():
            kind = spec["type"]
            if kind == "int":
                params.append(IntParam(name, spec["low"], spec["high"], log=spec["log"]))
            elif kind == "choice":
                params.append(ChoiceParam(name, tuple(spec["choices"])))
            elif kind == "real":
                params.append(RealParam(name, spec["low"], spec["high"], log=spec["log"],
                                        grid=tuple(spec["grid"]), digits=spec["digits"]))
            else:
                raise ValueError(f"{name}: unknown parameter type {kind!r}")
        return cls(params)

    def fingerprint(self) -> str:
        """Short sha256 of :meth:`to_dict` (16 hex digits); changes whenever the space changes."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def default_space() -> DesignSpace:
    """The default SNN design space (SpikeDyn's search, generalised).

    ``inhibition_strength`` spans 10..150: 17.5 is the Diehl & Cook population-inhibition default
    and 120 the hard winner-take-all value of direct lateral inhibition
    (../shared/reference/snn-sim-anchors.md); its grid holds those two and a midpoint.
    ``family`` adds the layered networks of docs/spike-economy.md: ``hidden`` is their layer
    width, ``activity_reg``/``activity_reg_strength`` their activity penalty (0.01..10,
    per neuron and step, covers the useful strengths of every regulariser and family);
    ``timesteps`` starts at 25, the layered families' usual presentation. Parameters that do
    not apply to a design are canonicalised away (``applies``).
    """
    return DesignSpace([
        IntParam("neurons", 16, 1600, log=True),
        ChoiceParam("weight_bits", (4, 6, 8, 12, 16, FLOAT_BITS)),
        ChoiceParam("inhibition", INHIBITIONS.values),
        ChoiceParam("rule", RULES.values),
        ChoiceParam("timesteps", (25, 50, 100, 150, 250, 350)),
        RealParam("inhibition_strength", 10.0, 150.0, grid=(17.5, 60.0, 120.0)),
        ChoiceParam("family", FAMILIES.values),
        IntParam("hidden", 16, 1024, log=True),
        ChoiceParam("activity_reg", ACTIVITY_REGULARISERS.values),
        RealParam("activity_reg_strength", 0.01, 10.0, log=True, grid=(0.1, 1.0, 10.0)),
    ])


# ----------------------------------------------------------------------------- space files

#: What a space file may set for each default parameter: the shared domains of snn_dse.
_DOMAINS: dict[str, Domain] = {
    domain.name: domain
    for domain in (NEURONS, WEIGHT_BITS, INHIBITIONS, RULES, TIMESTEPS, INHIBITION_STRENGTH,
                   FAMILIES, HIDDEN, ACTIVITY_REGULARISERS, ACTIVITY_REG_STRENGTH)
}



class SpaceError(FileIssuesError):
    """A space file that cannot be read or validated; the message names file, line and field."""


def _shape(value: Any) -> str:
    """The union member a YAML value selects: a mapping is a range, a list a choice."""
    if isinstance(value, Mapping):
        return "[range]"
    return "[list]" if isinstance(value, list) else "[value]"


def _checked(domain: Domain) -> AfterValidator:
    """A validator refusing values outside ``domain`` with what it accepts (and a suggestion)."""

    def check(value: Any) -> Any:
        if not domain.accepts(value):
            hint = suggest(value, domain.values) if isinstance(domain, Choice) and isinstance(
                value, str) else ""
            raise PydanticCustomError("domain", "{value} is not {what}",
                                      {"value": repr(value), "what": domain.describe() + hint})
        return value

    return AfterValidator(check)


def _distinct(values: list[Any]) -> list[Any]:
    if not values:
        raise PydanticCustomError("empty", "an empty list allows nothing; give at least one value")
    if len(set(values)) != len(values):
        raise PydanticCustomError("repeat", "values repeat: {values}", {"values": repr(values)})
    return values


def _no_range(domain: Choice) -> AfterValidator:
    def refuse(_: Any) -> Any:
        raise PydanticCustomError("categorical", "a categorical parameter takes a value or a "
                                  "list of {what}", {"what": domain.describe()})

    return AfterValidator(refuse)


class _IntRange(StrictModel):
    """``{low, high, log}`` of an integer parameter; an unset key keeps the default's."""

    low: StrictInt | None = None
    high: StrictInt | None = None
    log: StrictBool | None = None


class _RealRange(StrictModel):
    """``{low, high, log, grid}`` of a real parameter; an unset key keeps the default's."""

    low: StrictFloat | None = None
    high: StrictFloat | None = None
    log: StrictBool | None = None
    grid: list[StrictFloat] | None = Field(default=None, min_length=1)


def _field_type(domain: Domain) -> Any:
    """The space-file type of a parameter: a value, a list of values or a range mapping."""
    scalar: Any = {Choice: StrictStr, IntDomain: StrictInt, RealDomain: StrictFloat}[type(domain)]
    value = Annotated[scalar, _checked(domain)]
    if isinstance(domain, Choice):
        ranged: Any = Annotated[Any, _no_range(domain)]
    else:
        bound = Annotated[value | None, Field(default=None)]
        base = _IntRange if isinstance(domain, IntDomain) else _RealRange
        fields: dict[str, Any] = {"low": (bound, None), "high": (bound, None)}
        if isinstance(domain, RealDomain):
            fields["grid"] = (list[value] | None, Field(default=None, min_length=1))
        ranged = create_model(f"{domain.name}_range", __base__=base, **fields)
    return Annotated[
        Annotated[value, Tag("[value]")]
        | Annotated[list[value], AfterValidator(_distinct), Tag("[list]")]
        | Annotated[ranged, Tag("[range]")],
        Discriminator(_shape),
    ]


#: The space file's schema: every parameter a space file may set, with its shared domain.
_FIELDS: dict[str, Any] = {name: (_field_type(domain) | None, None)
                           for name, domain in _DOMAINS.items()}
SpaceFile = create_model("SpaceFile", __base__=StrictModel, **_FIELDS)


def load_space(path: str | Path, base: DesignSpace | None = None) -> DesignSpace:
    """Read a space file that replaces or narrows parameters of ``base`` (default: :func:`default_space`).

    Per parameter the file gives a scalar (fixes the value), a list (a choice among those values)
    or a mapping ``{low, high, log}`` (integers) / ``{low, high, log, grid}`` (reals); a mapping
    keeps the default's unmentioned keys. Raises :class:`SpaceError` naming file, line and field.
    """
    base = base if base is not None else default_space()
    located = read_located(path, SpaceError)
    if located.data is None:
        return base
    try:
        parsed = SpaceFile.model_validate(located.data)
    except ValidationError as error:
        raise SpaceError(issues_of(located, error)) from None
    params = {p.name: p for p in base.params}
    for name in parsed.model_fields_set:
        value = getattr(parsed, name)
        if name not in params:
            raise SpaceError([located.issue((name,), "not a parameter of this design space")])
        params[name] = _param(located, name, params[name], value)
    return DesignSpace(list(params.values()))


def _param(located: Located, name: str, default: Param, value: Any) -> Param:
    """The parameter a validated space-file entry makes of ``default``."""
    if isinstance(value, list):
        return ChoiceParam(name, tuple(value))
    if not isinstance(value, _IntRange | _RealRange):
        return ChoiceParam(name, (value,))
    spec: dict[str, Any] = {"log": False}
    if isinstance(default, IntParam | RealParam):
        spec = {"low": default.low, "high": default.high, "log": default.log}
    spec |= value.model_dump(exclude_none=True)
    for key in ("low", "high"):
        if key not in spec:
            raise SpaceError([located.issue((name, key), "missing (the default is not a range)")])
    domain = _DOMAINS[name]
    try:
        if isinstance(value, _IntRange):
            if isinstance(domain, IntDomain) and not domain.contains_range(spec["low"], spec["high"]):
                raise ValueError(f"the range {spec['low']}..{spec['high']} leaves "
                                 f"{domain.describe()}; list the values instead, e.g. [4, 8, 16]")
            return IntParam(name, spec["low"], spec["high"], log=spec["log"])
        grid = spec.get("grid")
        if grid is None and isinstance(default, RealParam):
            grid = tuple(v for v in default.grid if spec["low"] <= v <= spec["high"])
        return RealParam(name, spec["low"], spec["high"], log=spec["log"], grid=tuple(grid or ()))
    except ValueError as error:
        raise SpaceError([located.issue((name,), str(error).removeprefix(f"{name}: "))]) from None

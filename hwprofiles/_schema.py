"""Pydantic schema of a device profile (``schema_version: 1``), SI units inside.

Every physical number is a :class:`Figure`: its SI value, the unit string it was written with,
and its provenance (``basis`` and ``reference``). In YAML a figure is either a unit string
(``read: "10 pJ"``), taking ``basis``/``reference`` from the profile's ``provenance`` section,
or a mapping ``{value: "10 pJ", basis: measured, reference: "R1", note: "..."}``. A plain
string also takes the provenance's ``note``. A mapping may bound the figure with
``range: ["8 pJ", "13 pJ"]`` or ``tolerance: 30%``; without either the range comes from the
basis (:mod:`hwprofiles._ranges`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hwprofiles._ranges import default_tolerance, parse_tolerance
from hwprofiles._units import expected, quantity_to_si
from snn_dse.domains import TIMING_MODES
from snn_dse.yamlfile import StrictModel, at, unknown_key_error

SCHEMA_VERSION = 1
Basis = Literal["measured", "simulated", "datasheet", "derived", "assumed"]
BASES: tuple[str, ...] = ("measured", "simulated", "datasheet", "derived", "assumed")
Kind = Literal["asic", "neuromorphic", "gpu", "mcu", "fpga"]
Execution = Literal["event_driven", "dense"]
Law = Literal["linear", "quadratic"]

_FIGURE_KEYS = ("value", "range", "tolerance", "basis", "reference", "note")


class Figure(BaseModel):
    """One number of a profile: SI ``value`` in ``unit``, as ``text`` was written, with provenance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: str
    text: str
    basis: Basis
    reference: str
    note: str | None = None
    #: ``range: [low, high]`` as given: SI values and the texts they were written as.
    given_range: tuple[float, float] | None = None
    range_text: tuple[str, str] | None = None
    #: ``tolerance: 30%`` as given, as a fraction (0.3).
    tolerance: float | None = None

    @property
    def low(self) -> float:
        """Low end of the figure's range (SI): given, value x (1 - tolerance), or by basis."""
        return self.bounds()[0]

    @property
    def high(self) -> float:
        """High end of the figure's range (SI)."""
        return self.bounds()[1]

    def bounds(self) -> tuple[float, float]:
        """``(low, high)`` in SI units, with ``low <= value <= high``."""
        if self.given_range is not None:
            return self.given_range
        fraction = self.relative_spread()
        return self.value * (1.0 - fraction), self.value * (1.0 + fraction)

    def relative_spread(self) -> float:
        """The tolerance that applies when no range is given (given, else by basis)."""
        if self.tolerance is not None:
            return self.tolerance
        return default_tolerance(self.basis, self.unit)

    @property
    def range_source(self) -> str:
        """Where the range comes from: ``range``, ``tolerance``, ``basis`` or ``exact``."""
        if self.given_range is not None:
            return "range"
        if self.tolerance is not None:
            return "tolerance"
        return "basis" if default_tolerance(self.basis, self.unit) > 0 else "exact"

    def dump(self) -> dict[str, Any]:
        """The YAML/JSON form that loads back to an equal figure."""
        out: dict[str, Any] = {"value": self.text if self.unit != "1" else self.value}
        if self.range_text is not None:
            out["range"] = list(self.range_text) if self.unit != "1" \
                else list(self.given_range or ())
        if self.tolerance is not None:
            out["tolerance"] = f"{self.tolerance * 100:g}%"
        out |= {"basis": self.basis, "reference": self.reference}
        if self.note:
            out["note"] = self.note
        return out

    def canonical(self) -> dict[str, Any]:
        """SI value, unit, provenance and a given range/tolerance (what the fingerprint hashes)."""
        out: dict[str, Any] = {"value": self.value, "unit": self.unit, "basis": self.basis,
                               "reference": self.reference, "note": self.note}
        if self.given_range is not None:
            out["range"] = list(self.given_range)
        if self.tolerance is not None:
            out["tolerance"] = self.tolerance
        return out


def _figure_validator(unit: str) -> BeforeValidator:
    """Validator turning a unit string or ``{value, basis, reference, note}`` into a Figure."""

    def validate(raw: Any, info: ValidationInfo) -> Any:
        if isinstance(raw, Figure):
            return raw
        default = (info.context or {}).get("provenance") or {}
        default = default if isinstance(default, dict) else {}
        if isinstance(raw, dict):
            for key in raw:
                if key not in _FIGURE_KEYS:
                    raise unknown_key_error(key, list(_FIGURE_KEYS))
            if "value" not in raw:
                raise PydanticCustomError("missing_value", "a figure mapping needs 'value'")
            value_raw = raw["value"]
            basis = raw.get("basis", default.get("basis"))
            reference = raw.get("reference", default.get("reference"))
            note = raw.get("note")
            range_raw, tolerance_raw = raw.get("range"), raw.get("tolerance")
        else:
            value_raw, basis, reference = raw, default.get("basis"), default.get("reference")
            note = default.get("note")
            range_raw = tolerance_raw = None
        value, text = _quantity(value_raw, unit)
        if value < 0:
            raise PydanticCustomError(
                "negative", "'{text}' is negative: expected a value >= 0", {"text": text}
            )
        given_range, range_text, tolerance = _spread(value, text, unit, range_raw, tolerance_raw)
        if basis not in BASES:
            what = "no basis" if basis is None else f"basis {basis!r} is not one of"
            raise PydanticCustomError(
                "basis",
                what + " " + ", ".join(BASES) + ": give {{value, basis, reference}} on the field"
                " or a profile-level 'provenance'",
            )
        if not isinstance(reference, str) or not reference.strip():
            raise PydanticCustomError(
                "reference", "no reference: give {{value, basis, reference}} on the field"
                " or a profile-level 'provenance'"
            )
        return {"value": value, "unit": unit, "text": text, "basis": basis,
                "reference": reference, "note": note, "given_range": given_range,
                "range_text": range_text, "tolerance": tolerance}

    return BeforeValidator(validate, json_schema_input_type=_figure_input(unit))


def _figure_input(unit: str) -> Any:
    """What a profile file may write for a figure of ``unit`` (the JSON Schema of the field):
    a quantity string (a plain number for ``unit`` 1), or a mapping with its provenance."""
    if unit == "1":
        value: Any = Annotated[float, Field(description="a plain number")]
    else:
        value = Annotated[str, Field(description=expected(unit),
                                     pattern=r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*[^\d\s.+-]")]
    return value | Annotated[dict[str, Any], WithJsonSchema({
        "type": "object", "additionalProperties": False, "required": ["value"],
        "properties": {"value": TypeAdapter(value).json_schema(),
                       "range": {"type": "array", "minItems": 2, "maxItems": 2,
                                 "items": TypeAdapter(value).json_schema(),
                                 "description": "[low, high] in the value's unit kind"},
                       "tolerance": {"type": "string", "pattern": r"^\s*[0-9]*\.?[0-9]+\s*%\s*$",
                                     "description": "relative half-width, e.g. '30%'"},
                       "basis": {"enum": list(BASES)},
                       "reference": {"type": "string", "minLength": 1},
                       "note": {"type": "string"}},
    })]


def _quantity(raw: Any, unit: str) -> tuple[float, str]:
    """``(SI value, text)`` of one written quantity; a plain finite number for unit ``1``."""
    if unit == "1":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise PydanticCustomError(
                "number", "expected a plain number, got {got}", {"got": repr(raw)}
            )
        value = float(raw)
        if not math.isfinite(value):
            raise PydanticCustomError("number", "expected a finite number")
        return value, repr(raw)
    try:
        return quantity_to_si(raw, unit), str(raw).strip()
    except ValueError as error:
        message = str(error).replace("{", "{{").replace("}", "}}")
        raise PydanticCustomError("quantity", message) from None


def _spread(value: float, text: str, unit: str, range_raw: Any, tolerance_raw: Any
            ) -> tuple[tuple[float, float] | None, tuple[str, str] | None, float | None]:
    """Validate a figure's ``range`` / ``tolerance``: (SI range, range texts, tolerance)."""
    if range_raw is not None and tolerance_raw is not None:
        raise PydanticCustomError(
            "spread", "give either 'range' or 'tolerance', not both (the range wins otherwise)"
        )
    if tolerance_raw is not None:
        try:
            return None, None, parse_tolerance(tolerance_raw)
        except ValueError as error:
            raise PydanticCustomError(
                "tolerance", str(error).replace("{", "{{").replace("}", "}}")
            ) from None
    if range_raw is None:
        return None, None, None
    if not isinstance(range_raw, (list, tuple)) or len(range_raw) != 2:
        raise PydanticCustomError(
            "range", "range must be [low, high], e.g. ['20 pJ', '30 pJ'], got {got}",
            {"got": repr(range_raw)},
        )
    (low, low_text), (high, high_text) = (_quantity(item, unit) for item in range_raw)
    if not 0 <= low <= value <= high:
        raise PydanticCustomError(
            "range", "range [{low}, {high}] must satisfy 0 <= low <= value ({value}) <= high",
            {"low": low_text, "high": high_text, "value": text},
        )
    return (low, high), (low_text, high_text), None


Energy = Annotated[Figure, _figure_validator("J")]
Power = Annotated[Figure, _figure_validator("W")]
Time = Annotated[Figure, _figure_validator("s")]
Frequency = Annotated[Figure, _figure_validator("Hz")]
Bytes = Annotated[Figure, _figure_validator("B")]
Bandwidth = Annotated[Figure, _figure_validator("B/s")]
Voltage = Annotated[Figure, _figure_validator("V")]
Length = Annotated[Figure, _figure_validator("m")]
Number = Annotated[Figure, _figure_validator("1")]


class Provenance(StrictModel):
    """Default ``basis``/``reference``/``note`` of every figure written as a plain string."""

    basis: Basis
    reference: str = Field(min_length=1)
    note: str | None = None


class Technology(StrictModel):
    """Process node, supply voltage and clock (informational; latency uses ``timing``)."""

    node: Length | None = None
    vdd: Voltage | None = None
    clock: Frequency | None = None


class OpTable(StrictModel):
    """Energy per operation at reference bit widths, e.g. ``add: {8: "0.03 pJ", 32: "0.1 pJ"}``."""

    add: dict[int, Energy] = {}
    multiply: dict[int, Energy] = {}
    compare: dict[int, Energy] = {}

    @field_validator("add", "multiply", "compare")
    @classmethod
    def _widths(cls, table: dict[int, Figure]) -> dict[int, Figure]:
        widths = sorted(table)
        for width in widths:
            if not 1 <= width <= 64:
                raise PydanticCustomError("width", "bit width {w} is outside 1..64", {"w": width})
        values = [table[w].value for w in widths]
        if any(b < a for a, b in zip(values, values[1:], strict=False)):
            raise PydanticCustomError(
                "monotone", "energies must not decrease with bit width (got {v})",
                {"v": ", ".join(f"{w}: {table[w].text}" for w in widths)},
            )
        return dict(sorted(table.items()))


class Scaling(StrictModel):
    """Bit-width scaling law outside the table's widths: adders/comparators linear, multipliers quadratic."""

    add: Law = "linear"
    multiply: Law = "quadratic"
    compare: Law = "linear"


class Compute(StrictModel):
    """Primitive operation energies: ``integer`` (fixed point) and ``floating`` (IEEE) tables."""

    scaling: Scaling = Scaling()
    integer: OpTable = OpTable()
    floating: OpTable = OpTable()


class Events(StrictModel):
    """Event-level energies; each one given overrides the primitive-based cost of that event."""

    synaptic_op: Energy | None = None
    neuron_update: Energy | None = None
    neuron_update_idle: Energy | None = None
    spike: Energy | None = None
    spike_hop: Energy | None = None
    hops_per_spike: Number | None = None
    learning_update: Energy | None = None

    @model_validator(mode="after")
    def _idle_not_above_active(self) -> Events:
        idle, active = self.neuron_update_idle, self.neuron_update
        if idle is not None and (active is None or idle.value > active.value):
            raise PydanticCustomError(
                "idle", "neuron_update_idle needs a neuron_update at least as large"
            )
        return self


_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class MemoryLevel(StrictModel):
    """One level of the memory hierarchy (innermost first); energies are per word access.

    ``read_only``: the level cannot be written at run time (flash, ROM): the mapper places
    there only components nothing writes while the network runs or learns. A profile that
    can price such writes states the level writable and gives its ``write`` energy.
    """

    name: str
    capacity: Bytes | None = None
    word_bits: int = Field(ge=1, le=4096)
    read: Energy
    write: Energy
    bandwidth: Bandwidth | None = None
    leakage: Power | None = None
    read_only: bool = False

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not _NAME.match(name):
            raise PydanticCustomError("name", "level name '{n}' must be an identifier", {"n": name})
        return name


class Static(StrictModel):
    """Static (idle + leakage) power drawn for the whole latency of a sample; with ``cores``,
    the part not attributed to cores (the per-core part is ``cores.static_power``)."""

    power: Power


TimingMode = Literal["afap", "realtime"]  # snn_dse.domains.TIMING_MODES


class Timing(StrictModel):
    """Time per event on one parallel unit; ``parallel_units`` share the work (per core when
    the profile has ``cores``). ``neuron_update_idle``: an update of a neuron that received no
    event (default ``neuron_update``); ``sync_per_core``: growth of the timestep barrier per
    extra core used; ``mode``: the default timing mode (``afap``: samples back to back as fast
    as the hardware goes; ``realtime``: one sample per ``timesteps x dt`` of wall time)."""

    synaptic_op: Time
    neuron_update: Time
    neuron_update_idle: Time | None = None
    learning_update: Time
    spike_hop: Time | None = None
    timestep_overhead: Time | None = None
    sync_per_core: Time | None = None
    parallel_units: Number | None = None
    mode: TimingMode = "afap"


class Cores(StrictModel):
    """A many-core device: how populations and projections split over cores.

    ``count``: cores on the device; per-core limits ``neurons``, ``synapse_memory`` (bytes of
    synaptic state) and ``fan_in`` (distinct input axons); ``per_router``: cores sharing one
    mesh router (hops are counted between routers); ``static_power``: static power of one
    powered core; ``unused_power``: fraction of ``static_power`` an unused core still draws
    (0: power-gated, 1: not gated).
    """

    count: Number
    neurons: Number | None = None
    synapse_memory: Bytes | None = None
    fan_in: Number | None = None
    per_router: Number | None = None
    static_power: Power | None = None
    unused_power: Number | None = None

    @model_validator(mode="after")
    def _sane(self) -> Cores:
        if self.count.value < 1:
            raise PydanticCustomError("cores", "cores.count must be >= 1")
        if self.unused_power is not None and self.unused_power.value > 1:
            raise PydanticCustomError("cores", "cores.unused_power is a fraction in 0..1")
        return self


class Limits(StrictModel):
    """Hardware limits checked by the mapper (per-core limits live in ``cores``)."""

    max_neurons: int | None = Field(default=None, ge=1)
    weight_bits: tuple[int, int] | None = None

    @field_validator("weight_bits")
    @classmethod
    def _range(cls, bits: tuple[int, int] | None) -> tuple[int, int] | None:
        if bits is not None and not 1 <= bits[0] <= bits[1] <= 32:
            raise PydanticCustomError("bits", "weight_bits must be [low, high] within 1..32")
        return bits


class DeviceProfile(StrictModel):
    """A validated device profile; physical numbers are :class:`Figure` values in SI units."""

    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str = Field(min_length=1)
    kind: Kind
    description: str = ""
    execution: Execution
    provenance: Provenance | None = None
    references: dict[str, str] = {}
    technology: Technology = Technology()
    compute: Compute = Compute()
    events: Events = Events()
    memory: list[MemoryLevel] = Field(min_length=1)
    static: Static
    timing: Timing
    limits: Limits = Limits()
    cores: Cores | None = None

    _source: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> DeviceProfile:
        names = [level.name for level in self.memory]
        for index, level in enumerate(self.memory):
            if level.name in names[:index]:
                raise at(("memory", index, "name"), "duplicate memory level name '{n}'", n=level.name)
            last = index == len(self.memory) - 1
            if level.capacity is None and not last:
                raise at(("memory", index, "capacity"),
                          "only the outermost memory level may omit its capacity")
            if index and level.capacity is not None:
                previous = self.memory[index - 1].capacity
                if previous is not None and level.capacity.value < previous.value:
                    raise at(("memory", index, "capacity"),
                              "memory levels go innermost first: capacity must not shrink")
        table = self.compute.integer
        synaptic_ops = ("add", "multiply") if self.execution == "dense" else ("add",)
        needs = (
            ("events.synaptic_op", self.events.synaptic_op, synaptic_ops),
            ("events.neuron_update", self.events.neuron_update, ("multiply", "add", "compare")),
            ("events.learning_update", self.events.learning_update, ("multiply", "add", "compare")),
        )
        for event, given, ops in needs:
            for op in ops:
                if given is None and not getattr(table, op):
                    raise at(("compute", "integer", op),
                              "missing: needed to price events because {e} is not given", e=event)
        return self

    @property
    def source(self) -> str | None:
        """The file this profile was loaded from (``None`` when built in memory)."""
        return self._source

    def cite(self, reference: str) -> str:
        """Expand a reference tag through ``references`` (``"R1"`` -> ``"R1: Horowitz ..."``)."""
        full = self.references.get(reference)
        return f"{reference}: {full}" if full else reference

    def with_timing_mode(self, mode: str | None) -> DeviceProfile:
        """This profile with ``timing.mode`` set to ``mode`` (``afap`` or ``realtime``; None
        keeps the profile's default). The mode is part of the fingerprint."""
        if mode is None or mode == self.timing.mode:
            return self
        TIMING_MODES.check(mode, "timing")
        copy = self.model_copy(update={"timing": self.timing.model_copy(update={"mode": mode})})
        copy._source = self._source
        return copy

    def level(self, name: str) -> MemoryLevel:
        """The memory level called ``name``."""
        for level in self.memory:
            if level.name == name:
                return level
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict that :func:`hwprofiles.profile_from_dict` loads back to an equal profile."""
        return _dump(self, canonical=False)

    def fingerprint(self) -> str:
        """sha256 of the validated content (SI values and provenance)."""
        text = json.dumps(_dump(self, canonical=True), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def iter_figures(self) -> Iterator[tuple[str, Figure]]:
        """Every figure with its dotted field path (``memory.sram_1m.read``)."""
        yield from _walk_figures(self, "")

    def map_figures(self, change: Callable[[str, Figure], Figure]) -> DeviceProfile:
        """A copy with every figure replaced by ``change(path, figure)``.

        The copy is *not* re-validated: a corner of the uncertainty box may deliberately break
        a cross-field rule of nominal profiles (e.g. idle neuron update <= active one).
        """
        return _map_figures(self, "", change)

    def with_figures(self, figures: Mapping[str, Figure]) -> DeviceProfile:
        """A copy with the figure at each dotted path set (also where the field was empty).

        Paths as :meth:`iter_figures` names them (``events.synaptic_op``,
        ``memory.dram.read``, ``static.power``); ``KeyError`` for a path that names no figure
        field. Not re-validated, like :meth:`map_figures`.
        """
        out: BaseModel = self
        for path, figure in figures.items():
            out = _set_figure(out, path.split("."), figure, path)
        return out  # type: ignore[return-value]


def _dump(value: Any, *, canonical: bool) -> Any:
    if isinstance(value, Figure):
        return value.canonical() if canonical else value.dump()
    if isinstance(value, BaseModel):
        out = {}
        for name in type(value).model_fields:
            field = getattr(value, name)
            if field is None or (not canonical and field in ({}, [])):
                continue
            out[name] = _dump(field, canonical=canonical)
        return out
    if isinstance(value, dict):
        return {k: _dump(v, canonical=canonical) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dump(v, canonical=canonical) for v in value]
    return value


def _map_figures(value: Any, prefix: str, change: Callable[[str, Figure], Figure]) -> Any:
    if isinstance(value, Figure):
        return change(prefix, value)
    if isinstance(value, MemoryLevel):
        return value.model_copy(update={
            name: _map_figures(getattr(value, name), f"{prefix}.{value.name}.{name}", change)
            for name in type(value).model_fields})
    if isinstance(value, BaseModel):
        return value.model_copy(update={
            name: _map_figures(getattr(value, name), f"{prefix}.{name}" if prefix else name,
                               change)
            for name in type(value).model_fields})
    if isinstance(value, dict):
        return {key: _map_figures(item, f"{prefix}.{key}", change) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_figures(item, prefix, change) for item in value]
    return value


def _set_figure(model: Any, parts: list[str], figure: Figure, path: str) -> Any:
    """``model`` with the figure at ``parts`` (a dotted path split) replaced by ``figure``."""
    head, rest = parts[0], parts[1:]
    if isinstance(model, dict):
        key = next((k for k in model if str(k) == head), None)
        if key is None:
            raise KeyError(path)
        if not rest:
            return {**model, key: figure}
        return {**model, key: _set_figure(model[key], rest, figure, path)}
    if isinstance(model, DeviceProfile) and head == "memory" and len(rest) == 2:
        levels = [level.model_copy(update={rest[1]: figure}) if level.name == rest[0] else level
                  for level in model.memory]
        if rest[0] not in [level.name for level in model.memory] \
                or rest[1] not in MemoryLevel.model_fields:
            raise KeyError(path)
        return model.model_copy(update={"memory": levels})
    if not isinstance(model, BaseModel) or head not in type(model).model_fields:
        raise KeyError(path)
    current = getattr(model, head)
    if not rest:
        return model.model_copy(update={head: figure})
    return model.model_copy(update={head: _set_figure(current, rest, figure, path)})


def _walk_figures(value: Any, prefix: str) -> Iterator[tuple[str, Figure]]:
    if isinstance(value, Figure):
        yield prefix, value
    elif isinstance(value, MemoryLevel):
        for name in type(value).model_fields:
            yield from _walk_figures(getattr(value, name), f"{prefix}.{value.name}.{name}")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk_figures(getattr(value, name), f"{prefix}.{name}" if prefix else name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_figures(item, f"{prefix}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _walk_figures(item, prefix)

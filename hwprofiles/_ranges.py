"""How uncertain a profile figure is: given ranges, relative tolerances, and defaults by basis.

A figure's range is, in order of precedence: its own ``range: [low, high]``; its own
``tolerance: 30%`` (value x (1 -/+ 0.30)); else the default tolerance of its ``basis``
(:data:`DEFAULT_TOLERANCE`). Quantities of the units in :data:`EXACT_UNITS` (capacities, the
process node, the supply voltage, the clock) are set by the design rather than estimated, so
they get no default spread; a range written on one of them is kept and shown.
docs/uncertainty.md justifies the numbers.
"""

from __future__ import annotations

import math
import re

#: Relative half-width of the default range of a figure by its basis.
#: measured +-10 %: instrument, run-to-run and workload variation of a measured power/energy
#: figure (a keyword spotter's idle power is quoted to 2 digits; DRAM 1.3-2.6 nJ shows the
#: spread *between* measurements is larger, which is why those carry their own range).
#: datasheet +-20 %: typical-vs-maximum spread of vendor tables (the STM32L452 run current
#: is 84 uA/MHz typical, about 20 % below its worst case).
#: simulated +-30 %: pre-silicon SDF/SPICE figures vs silicon (Loihi's 23.6 pJ is a stated
#: minimum; the 43 nJ SpiNNaker and 26 pJ TrueNorth all-in figures sit well above per-op ones).
#: derived +-30 %: arithmetic on cited numbers compounds their uncertainties (e.g. 3.34 W / 32
#: chips assumes an even split).
#: assumed +-50 %: an engineering guess; per-op constants of two reputable tables disagree by
#: up to 4x (Horowitz 3.1 pJ vs Aladdin 12.68 pJ for a 32-bit multiply), so anything narrower
#: would claim knowledge nobody has.
DEFAULT_TOLERANCE: dict[str, float] = {
    "measured": 0.10,
    "datasheet": 0.20,
    "simulated": 0.30,
    "derived": 0.30,
    "assumed": 0.50,
}

#: SI units of quantities the design fixes (no default spread): bytes, metres, volts, hertz.
EXACT_UNITS = frozenset({"B", "m", "V", "Hz"})

_PERCENT = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*%\s*$")


def parse_tolerance(raw: object) -> float:
    """``"30%"`` -> 0.3; raise ``ValueError`` (with the fix) for anything else or outside 0..100 %."""
    match = _PERCENT.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise ValueError(f"tolerance {raw!r}: write it as a percentage of the value, e.g. '30%'")
    fraction = float(match.group(1)) / 100.0
    if not 0.0 <= fraction <= 1.0 or not math.isfinite(fraction):
        raise ValueError(f"tolerance {raw!r} must lie between 0% and 100% (the low end stays >= 0)")
    return fraction


def default_tolerance(basis: str, unit: str) -> float:
    """Relative half-width of the range of a figure that gives neither range nor tolerance."""
    return 0.0 if unit in EXACT_UNITS else DEFAULT_TOLERANCE[basis]

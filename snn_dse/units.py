"""The one formatter of SI magnitudes for people (``9e-13, "J"`` -> ``"900 fJ"``).

Internally every quantity is SI; tables, reports and messages print them through
:func:`format_si`. Bytes use binary prefixes (KiB, MiB, GiB), everything else SI prefixes.
"""

from __future__ import annotations

import math

__all__ = ["format_si"]

_PREFIXES = {-15: "f", -12: "p", -9: "n", -6: "\u00b5", -3: "m", 0: "", 3: "k", 6: "M",
             9: "G", 12: "T"}


def format_si(value: float, unit: str) -> str:
    """``value`` (SI) with a prefix and ``unit`` to 4 significant digits; ``B`` in KiB/MiB/GiB."""
    if unit == "B":
        for prefix, scale in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
            if abs(value) >= scale:
                return f"{value / scale:.4g} {prefix}B"
        return f"{value:.4g} B"
    if value == 0 or not math.isfinite(value):
        return f"{value:g} {unit}"
    exponent = int(math.floor(math.log10(abs(value)) / 3) * 3)
    exponent = min(max(exponent, -15), 12)
    return f"{value / 10.0**exponent:.4g} {_PREFIXES[exponent]}{unit}"

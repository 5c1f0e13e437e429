"""Energy of primitive operations at a bit width, from a profile's ``compute`` tables.

Inside a table's width range energies are interpolated log-log between the given widths
(monotone, exact at the table points); outside it they scale from the nearest width by the
op's law: ``linear`` (e x b / b_ref) or ``quadratic`` (e x (b / b_ref)^2). Float32 designs use
the ``floating`` table at 32 bits (the ``integer`` table at 32 bits when none is given).
"""

from __future__ import annotations

import numpy as np

from hwprofiles import DeviceProfile, Figure

_EXPONENT = {"linear": 1.0, "quadratic": 2.0}


def table_energy(table: dict[int, Figure], law: str, bits: np.ndarray) -> np.ndarray:
    """Energy (J) of one op at each width in ``bits`` from a ``{width: Figure}`` table."""
    widths = np.array(sorted(table), dtype=float)
    energies = np.array([table[int(w)].value for w in widths])
    bits = np.asarray(bits, dtype=float)
    exponent = _EXPONENT[law]
    low = energies[0] * (bits / widths[0]) ** exponent
    high = energies[-1] * (bits / widths[-1]) ** exponent
    if widths.size == 1:
        return low
    if np.all(energies > 0):
        inside = np.exp(np.interp(np.log(bits), np.log(widths), np.log(energies)))
    else:
        inside = np.interp(bits, widths, energies)
    return np.where(bits < widths[0], low, np.where(bits > widths[-1], high, inside))


def op_energy(profile: DeviceProfile, op: str, bits: np.ndarray, floating: np.ndarray) -> np.ndarray:
    """Energy (J) of ``op`` (add, multiply, compare) at ``bits``; float32 where ``floating``."""
    compute = profile.compute
    law = getattr(compute.scaling, op)
    integer = getattr(compute.integer, op)
    result = table_energy(integer, law, bits)
    if np.any(floating):
        table = getattr(compute.floating, op) or integer
        result = np.where(floating, table_energy(table, law, np.full(np.shape(bits), 32.0)), result)
    return result


def op_fields(profile: DeviceProfile, ops: tuple[str, ...], floating: bool) -> list[str]:
    """Dotted profile fields of the table entries that price ``ops``."""
    out = []
    for op in ops:
        fmt = "floating" if floating and getattr(profile.compute.floating, op) else "integer"
        out += [f"compute.{fmt}.{op}.{width}" for width in getattr(getattr(profile.compute, fmt), op)]
    return out

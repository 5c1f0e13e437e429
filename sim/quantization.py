"""Fixed-point weight quantization (FSpiNN-style unsigned fixed point, or float32).

Grid: for ``bits`` = b in 1..16 a weight is stored as an unsigned integer k in 0 .. 2**b - 1
with b fractional bits, i.e. the value ``k * 2**-b``. The step (one LSB) is ``2**-b`` and the
largest value is ``1 - 2**-b`` (1.0 itself is not representable; b = 8 gives 0, 1/256, ...,
255/256). Values are first saturated to [0, 1 - 2**-b] (so a weight in (1 - 2**-b, 1] loses
less than one LSB), then rounded to the grid:

- ``nearest``: to the closest grid value (ties to the even k); error <= LSB / 2 on the grid's
  range.
- ``truncate``: down (floor); error < 1 LSB.
- ``stochastic``: up with probability equal to the remainder in LSBs, so E[q(w)] = w
  (unbiased, up to the 2**-24 resolution of the float32 uniform draws); error < 1 LSB. This is
  what keeps STDP steps smaller than one LSB (eta_pre = 1e-4 vs 1/256) from vanishing: apply
  ``quantize(w + dw, b, "stochastic", rng)`` and the step survives in expectation.

``bits = 32`` means IEEE float32 and is a passthrough (cast to float32, no rounding, no
clipping). Fixed-point arithmetic here is exact: scaling by 2**b and flooring are exact in
float32 for b <= 16.
"""

from __future__ import annotations

import numpy as np

from snn_dse.domains import FLOAT_BITS, MAX_FIXED_BITS, ROUNDING_MODES, WEIGHT_BITS
from snn_dse.errors import InputError

__all__ = [
    "FIXED_POINT_BITS",
    "FLOAT32_BITS",
    "PrecisionError",
    "ROUNDING_MODES",
    "check_precision",
    "lsb",
    "max_value",
    "quantize",
]

#: Supported fixed-point widths (fractional bits).
FIXED_POINT_BITS: range = range(1, MAX_FIXED_BITS + 1)
#: The width that means IEEE float32 (no quantization).
FLOAT32_BITS = FLOAT_BITS


class PrecisionError(InputError, ValueError):
    """An unsupported weight width or rounding mode (or stochastic rounding without an rng)."""


def check_precision(bits: int, rounding: str = "nearest") -> None:
    """Raise ``PrecisionError`` unless ``bits`` is 1..16 or 32 and ``rounding`` is a mode in
    ``ROUNDING_MODES``."""
    WEIGHT_BITS.check(bits, error=PrecisionError)
    ROUNDING_MODES.check(rounding, error=PrecisionError)


def lsb(bits: int) -> float:
    """One step of the ``bits``-bit grid, ``2**-bits``; 0.0 for float32 (no fixed grid)."""
    check_precision(bits)
    return 0.0 if bits == FLOAT32_BITS else 2.0**-bits


def max_value(bits: int) -> float:
    """Largest representable weight, ``1 - 2**-bits``; 1.0 for float32 (the STDP weight cap)."""
    check_precision(bits)
    return 1.0 if bits == FLOAT32_BITS else 1.0 - 2.0**-bits


def quantize(
    w: np.ndarray,
    bits: int,
    rounding: str = "nearest",
    rng: np.random.Generator | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Quantize weights ``w`` onto the ``bits``-bit grid (see the module docstring).

    Returns a float32 array of ``w``'s shape holding grid values ``k * 2**-bits``, or writes into
    ``out`` (a float array of that shape; ``out=w`` works in place) and returns it.
    ``rng`` is required for ``rounding="stochastic"``. Raises ``PrecisionError`` for unsupported
    ``bits``/``rounding``.
    """
    check_precision(bits, rounding)
    uniform = None
    if rounding == "stochastic" and bits != FLOAT32_BITS:
        if rng is None:
            raise PrecisionError("rounding='stochastic' needs a NumPy Generator (rng=...)")
        uniform = rng.random(np.shape(w), dtype=np.float32)  # drawn before ``out`` is touched
    if out is None:
        result = np.array(w, dtype=np.float32, copy=True)
    else:
        np.copyto(out, w, casting="same_kind")
        result = out
    if bits == FLOAT32_BITS:
        return result
    scale = 2.0**bits
    np.clip(result, 0.0, 1.0 - 1.0 / scale, out=result)
    result *= scale  # now in [0, 2**bits - 1], exact
    if rounding == "nearest":
        np.rint(result, out=result)
    elif rounding == "truncate":
        np.floor(result, out=result)
    elif uniform is not None:
        whole = np.floor(result)
        result -= whole  # remainder in [0, 1), exact
        np.add(whole, uniform < result, out=result)
    result *= 1.0 / scale
    return result

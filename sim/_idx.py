"""Reader and writer for the IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed).

IDX layout (big-endian): two zero bytes, one type code (0x08 ubyte, 0x09 sbyte, 0x0B int16,
0x0C int32, 0x0D float32, 0x0E float64), one byte with the number of dimensions, then one uint32
per dimension, then the data in C order. A file is gzip-compressed when it starts with the gzip
magic bytes, whatever its name.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from snn_dse.errors import InputError

__all__ = ["DatasetFormatError", "IdxHeader", "read_idx", "read_idx_header", "write_idx"]

_GZIP_MAGIC = b"\x1f\x8b"

#: IDX type code -> big-endian NumPy dtype.
_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES: dict[tuple[str, int], int] = {(dt.kind, dt.itemsize): code for code, dt in _DTYPES.items()}


class DatasetFormatError(InputError):
    """A dataset file exists but is not what it should be (bad magic, truncated, corrupt gzip)."""


@dataclass(frozen=True)
class IdxHeader:
    """The header of one IDX file: element dtype (big-endian), shape, header length in bytes."""

    dtype: np.dtype
    shape: tuple[int, ...]
    header_bytes: int

    @property
    def data_bytes(self) -> int:
        """Length of the data section that must follow the header, in bytes."""
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize


def _parse_header(blob: bytes, path: Path) -> IdxHeader:
    """Parse and validate the header at the start of ``blob`` (decompressed bytes of ``path``)."""
    if len(blob) < 4:
        raise DatasetFormatError(
            f"{path}: {len(blob)} bytes, too short for an IDX header (is it an IDX file?)"
        )
    zero0, zero1, code, ndim = blob[0], blob[1], blob[2], blob[3]
    if zero0 != 0 or zero1 != 0 or code not in _DTYPES or ndim == 0:
        raise DatasetFormatError(
            f"{path}: bad IDX magic number 0x{blob[:4].hex()} (expected 0x0000TTNN with type "
            "TT in 08/09/0B/0C/0D/0E and NN >= 1 dimensions); the file is corrupt or not IDX"
        )
    header_bytes = 4 + 4 * ndim
    if len(blob) < header_bytes:
        raise DatasetFormatError(
            f"{path}: truncated IDX header ({len(blob)} of {header_bytes} bytes)"
        )
    shape = struct.unpack(f">{ndim}I", blob[4:header_bytes])
    return IdxHeader(_DTYPES[code], tuple(int(n) for n in shape), header_bytes)


def _read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The (decompressed) content of ``path``; at most ``limit`` bytes when given."""
    try:
        with open(path, "rb") as handle:
            if handle.read(2) != _GZIP_MAGIC:
                handle.seek(0)
                return handle.read() if limit is None else handle.read(limit)
            handle.seek(0)
            if limit is not None:
                with gzip.GzipFile(fileobj=handle) as stream:
                    return stream.read(limit)
            return gzip.decompress(handle.read())
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise DatasetFormatError(f"{path}: corrupt or truncated gzip file ({error})") from error
    except OSError as error:
        raise DatasetFormatError(f"{path}: cannot read ({error.strerror or error})") from error


def read_idx_header(path: str | Path) -> IdxHeader:
    """Read and validate only the header of an IDX file (cheap, also for ``.gz`` files)."""
    path = Path(path)
    return _parse_header(_read_bytes(path, limit=4 + 4 * 255), path)


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (plain or gzip) into a read-only array in native byte order.

    The array is a view of the file's bytes (``np.frombuffer``, no copy for ubyte data).
    Raises ``DatasetFormatError`` naming the file for a bad magic number, a truncated header or
    data section, trailing bytes, or a corrupt gzip stream.
    """
    path = Path(path)
    blob = _read_bytes(path)
    header = _parse_header(blob, path)
    found = len(blob) - header.header_bytes
    if found != header.data_bytes:
        problem = "truncated" if found < header.data_bytes else "has trailing bytes"
        raise DatasetFormatError(
            f"{path}: {problem}: the header announces shape {header.shape} "
            f"({header.data_bytes} data bytes) but the file holds {found}"
        )
    data = np.frombuffer(blob, dtype=header.dtype, offset=header.header_bytes)
    if header.dtype.itemsize > 1:
        data = data.astype(header.dtype.newbyteorder("="))
        data.flags.writeable = False
    return data.reshape(header.shape)


def write_idx(path: str | Path, array: np.ndarray, *, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file; gzip-compressed when ``compress`` (default: name ends in
    ``.gz``). The write is atomic (temporary file, then rename). Returns the path."""
    path = Path(path)
    array = np.asarray(array)
    code = _CODES.get((array.dtype.kind, array.dtype.itemsize))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"IDX needs 1..255 dimensions, got {array.ndim}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    blob = header + np.ascontiguousarray(array, dtype=_DTYPES[code]).tobytes()
    if path.name.endswith(".gz") if compress is None else compress:
        blob = gzip.compress(blob, mtime=0)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)
    return path

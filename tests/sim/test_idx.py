"""IDX reader/writer on files the tests make: round trips, gzip, and clear errors for bad files."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from sim._idx import DatasetFormatError, read_idx, read_idx_header, write_idx
from snn_dse.errors import InputError


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([0, 9, 3, 255], dtype=np.uint8),
        np.array([[-3, 7], [1000, -32768]], dtype=np.int16),
        np.array([1.5, -2.25, 1e30], dtype=np.float32),
        np.array([[1e-300, 2.0]], dtype=np.float64),
        np.array([-(2**31), 2**31 - 1], dtype=np.int32),
        np.array([-128, 127], dtype=np.int8),
    ],
    ids=["u8-3d", "u8-1d", "i16", "f32", "f64", "i32", "i8"],
)
def test_round_trip(tmp_path: Path, array: np.ndarray, suffix: str) -> None:
    path = write_idx(tmp_path / f"data-idx{suffix}", array)
    loaded = read_idx(path)
    assert loaded.dtype == array.dtype.newbyteorder("=")
    assert loaded.shape == array.shape
    np.testing.assert_array_equal(loaded, array)
    assert not loaded.flags.writeable
    header = read_idx_header(path)
    assert header.shape == array.shape
    assert header.data_bytes == array.nbytes


def test_known_bytes_of_an_mnist_label_file(tmp_path: Path) -> None:
    """The layout MNIST uses: magic 0x00000801, count, then one byte per label."""
    path = tmp_path / "train-labels-idx1-ubyte"
    path.write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 3) + bytes([7, 2, 1]))
    np.testing.assert_array_equal(read_idx(path), [7, 2, 1])
    assert write_idx(tmp_path / "copy", np.array([7, 2, 1], np.uint8)).read_bytes() == (
        path.read_bytes()
    )


def test_gzip_detected_by_content_not_name(tmp_path: Path) -> None:
    images = np.full((2, 2, 2), 5, dtype=np.uint8)
    compressed = write_idx(tmp_path / "images-no-suffix", images, compress=True)
    assert compressed.read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(read_idx(compressed), images)
    plain = write_idx(tmp_path / "plain-but-named.gz", images, compress=False)
    np.testing.assert_array_equal(read_idx(plain), images)


def _error(path: Path) -> str:
    with pytest.raises(DatasetFormatError) as info:
        read_idx(path)
    assert isinstance(info.value, InputError)  # the CLI turns it into exit code 2
    assert str(path) in str(info.value)
    return str(info.value)


def test_bad_magic_number(tmp_path: Path) -> None:
    path = tmp_path / "not-idx"
    path.write_bytes(b"PK\x03\x04" + bytes(20))
    assert "magic" in _error(path)


def test_unknown_type_code(tmp_path: Path) -> None:
    path = tmp_path / "bad-type"
    path.write_bytes(bytes([0, 0, 0x07, 1]) + struct.pack(">I", 1) + b"\x00")
    assert "magic" in _error(path)


def test_empty_and_short_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert "too short" in _error(empty)
    short = tmp_path / "short-header"
    short.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">I", 10))  # 3 dims announced, 1 given
    assert "truncated IDX header" in _error(short)


def test_truncated_data(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "images", np.zeros((10, 4, 4), np.uint8))
    path.write_bytes(path.read_bytes()[:-5])
    message = _error(path)
    assert "truncated" in message and "(10, 4, 4)" in message


def test_trailing_bytes(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "labels", np.zeros(4, np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00\x00")
    assert "trailing" in _error(path)


def test_truncated_and_corrupt_gzip(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "images.gz", np.arange(4000, dtype=np.int32))
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    assert "gzip" in _error(path)
    path.write_bytes(blob[:10] + bytes(b ^ 0xFF for b in blob[10:]))
    assert "gzip" in _error(path)


def test_truncated_data_inside_a_valid_gzip(tmp_path: Path) -> None:
    path = tmp_path / "images.gz"
    header = bytes([0, 0, 8, 3]) + struct.pack(">3I", 5, 2, 2)
    path.write_bytes(gzip.compress(header + bytes(7)))
    assert "truncated" in _error(path)


def test_missing_file_is_a_format_error_naming_it(tmp_path: Path) -> None:
    assert "cannot read" in _error(tmp_path / "absent")


def test_header_only_read_does_not_need_the_data(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "images.gz", np.zeros((50, 3, 3), np.uint8))
    blob = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(blob[:20]))  # header intact, data cut short
    assert read_idx_header(path).shape == (50, 3, 3)
    with pytest.raises(DatasetFormatError):
        read_idx(path)


def test_write_rejects_unsupported_arrays(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dtype"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.uint16))
    with pytest.raises(ValueError, match="dimensions"):
        write_idx(tmp_path / "x", np.array(3, dtype=np.uint8))
    assert not list(tmp_path.iterdir())

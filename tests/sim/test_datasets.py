"""Dataset loading, lookup order, error messages, and the deterministic splits / task streams."""

import os
from pathlib import Path

import numpy as np
import platformdirs
import pytest

import sim._datasets as datasets
from sim._datasets import (
    IDX_FILES,
    DatasetFormatError,
    DatasetNotFoundError,
    dataset_status,
    load_dataset,
    search_dirs,
)
from sim._idx import write_idx
from sim._splits import class_tasks, make_splits, task_stream
from snn_dse.errors import InputError


def write_fake_mnist(
    directory: Path,
    *,
    n_train: int = 40,
    n_test: int = 20,
    shape: tuple[int, int] = (4, 3),
    gz: bool = False,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Write the four IDX files of a tiny MNIST-like dataset (labels cycle 0..9); return the
    arrays by role."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, *shape), dtype=np.uint8),
        "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
        "test_images": rng.integers(0, 256, (n_test, *shape), dtype=np.uint8),
        "test_labels": (np.arange(n_test) % 10).astype(np.uint8),
    }
    directory.mkdir(parents=True, exist_ok=True)
    for role, stem in IDX_FILES.items():
        write_idx(directory / (stem + (".gz" if gz else "")), arrays[role])
    return arrays


@pytest.fixture(autouse=True)
def isolated_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the real cache, $DSE_DATA_DIR and /usr/share/datasets out of every test."""
    isolate_dataset_lookup(tmp_path, monkeypatch)


def isolate_dataset_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the user cache at ``tmp_path/cache`` and the system directory at
    ``tmp_path/system``; unset ``$DSE_DATA_DIR``."""
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda app: str(tmp_path / "cache" / app))
    monkeypatch.setattr(datasets, "SYSTEM_DATASETS_DIR", tmp_path / "system")
    monkeypatch.delenv("DSE_DATA_DIR", raising=False)


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_load_idx_dataset_from_data_dir(tmp_path: Path, gz: bool) -> None:
    arrays = write_fake_mnist(tmp_path / "data" / "mnist", gz=gz)
    ds = load_dataset("mnist", tmp_path / "data")
    assert ds.name == "mnist" and ds.image_shape == (4, 3) and ds.n_inputs == 12
    assert ds.train_x.shape == (40, 12) and ds.test_x.shape == (20, 12)
    assert ds.train_x.dtype == np.float32 and ds.train_y.dtype == np.int64
    np.testing.assert_allclose(ds.train_x * 255, arrays["train_images"].reshape(40, 12), atol=1e-4)
    np.testing.assert_array_equal(ds.test_y, arrays["test_labels"])
    assert 0.0 <= ds.train_x.min() and ds.train_x.max() <= 1.0
    assert ds.n_classes == 10
    assert ds.mean_intensity == pytest.approx(arrays["train_images"].mean() / 255, rel=1e-6)
    assert ds.source == str(tmp_path / "data" / "mnist")
    for array in (ds.train_x, ds.train_y, ds.test_x, ds.test_y):
        assert not array.flags.writeable


def test_data_dir_may_hold_the_files_directly(tmp_path: Path) -> None:
    write_fake_mnist(tmp_path / "flat")
    assert load_dataset("fashion-mnist", tmp_path / "flat").source == str(tmp_path / "flat")


def test_dotted_file_names_are_accepted(tmp_path: Path) -> None:
    write_fake_mnist(tmp_path / "d")
    for stem in IDX_FILES.values():
        (tmp_path / "d" / stem).rename(tmp_path / "d" / stem.replace("-idx", ".idx"))
    assert load_dataset("mnist", tmp_path / "d").train_x.shape == (40, 12)


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """data_dir/<name>, data_dir, $DSE_DATA_DIR/<name>, user cache, /usr/share/datasets."""
    places = {
        "system": tmp_path / "system" / "mnist",
        "cache": tmp_path / "cache" / "snn-dse" / "datasets" / "mnist",
        "env": tmp_path / "env" / "mnist",
        "flat": tmp_path / "given",
        "named": tmp_path / "given" / "mnist",
    }
    monkeypatch.setenv("DSE_DATA_DIR", str(tmp_path / "env"))
    assert search_dirs("mnist", tmp_path / "given") == [
        places["named"], places["flat"], places["env"], places["cache"], places["system"]
    ]
    for sample_count, (label, directory) in enumerate(places.items(), start=11):
        write_fake_mnist(directory, n_train=sample_count)
        source = load_dataset("mnist", tmp_path / "given").source
        assert source == str(directory), f"{label} should win once present"
    monkeypatch.delenv("DSE_DATA_DIR")
    assert load_dataset("mnist").source == str(places["cache"])


def test_not_found_lists_every_place_and_how_to_get_it(tmp_path: Path) -> None:
    partial = tmp_path / "given" / "mnist"
    write_fake_mnist(partial)
    (partial / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DatasetNotFoundError) as info:
        load_dataset("mnist", tmp_path / "given")
    message = str(info.value)
    assert isinstance(info.value, InputError)
    for directory in search_dirs("mnist", tmp_path / "given"):
        assert str(directory) in message
    assert "$DSE_DATA_DIR/mnist (not set)" in message
    assert "missing t10k-labels-idx1-ubyte" in message
    assert "dse data fetch mnist" in message
    assert "dataset-fashion-mnist" not in message
    with pytest.raises(DatasetNotFoundError, match="dataset-fashion-mnist"):
        load_dataset("fashion-mnist")


def test_unknown_name() -> None:
    with pytest.raises(DatasetNotFoundError, match="digits, mnist, fashion-mnist"):
        load_dataset("cifar10")


def test_corrupt_file_named_in_the_error(tmp_path: Path) -> None:
    write_fake_mnist(tmp_path / "mnist", gz=True)
    broken = tmp_path / "mnist" / "train-images-idx3-ubyte.gz"
    broken.write_bytes(broken.read_bytes()[:40])
    with pytest.raises(DatasetFormatError, match=str(broken)):
        load_dataset("mnist", tmp_path)


@pytest.mark.parametrize(
    ("role", "array", "expected", "in_headers"),
    [
        ("train_labels", np.arange(39, dtype=np.uint8) % 10, "39 labels for 40 images", True),
        ("test_images", np.zeros((20, 5, 5), np.uint8), "image size", True),
        ("train_images", np.zeros((40, 12), np.uint8), "expected 3-D ubyte images", True),
        ("test_labels", np.zeros(20, np.int32), "expected 1-D ubyte labels", True),
        ("train_labels", np.full(40, 12, dtype=np.uint8), "label 12 outside 0..9", False),
    ],
)
def test_inconsistent_files(
    tmp_path: Path, role: str, array: np.ndarray, expected: str, in_headers: bool
) -> None:
    write_fake_mnist(tmp_path / "mnist")
    path = write_idx(tmp_path / "mnist" / IDX_FILES[role], array)
    with pytest.raises(DatasetFormatError, match=expected) as info:
        load_dataset("mnist", tmp_path)
    assert str(path) in str(info.value)
    # `dse data list` reads headers only: it flags what the headers show
    assert dataset_status("mnist", tmp_path).available is not in_headers


def test_repeated_loads_share_one_copy_until_a_file_changes(tmp_path: Path) -> None:
    write_fake_mnist(tmp_path / "mnist")
    first = load_dataset("mnist", tmp_path)
    assert load_dataset("mnist", tmp_path) is first
    labels = tmp_path / "mnist" / IDX_FILES["test_labels"]
    write_idx(labels, np.full(20, 3, np.uint8))
    stat = labels.stat()
    os.utime(labels, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = load_dataset("mnist", tmp_path)
    assert second is not first and set(second.test_y.tolist()) == {3}


def test_fingerprint_is_stable_and_content_sensitive(tmp_path: Path) -> None:
    write_fake_mnist(tmp_path / "a" / "mnist", seed=1)
    write_fake_mnist(tmp_path / "b" / "mnist", seed=1, gz=True)
    write_fake_mnist(tmp_path / "c" / "mnist", seed=2)
    a, b, c = (load_dataset("mnist", tmp_path / d) for d in "abc")
    assert len(a.fingerprint()) == 64
    assert a.fingerprint() == b.fingerprint()  # same content, compressed or not
    assert a.fingerprint() != c.fingerprint()
    assert a.fingerprint() == a.fingerprint()


def test_digits_is_embedded_and_deterministic() -> None:
    ds = load_dataset("digits", "/nonexistent")
    assert ds.source == "embedded" and ds.image_shape == (8, 8) and ds.n_inputs == 64
    assert len(ds.train_y) + len(ds.test_y) == 1797
    assert 0.24 < len(ds.test_y) / 1797 < 0.26
    assert ds.train_x.dtype == np.float32 and ds.train_x.min() == 0.0 and ds.train_x.max() == 1.0
    assert ds.n_classes == 10 and 0.25 < ds.mean_intensity < 0.35
    test_counts = np.bincount(ds.test_y)
    assert test_counts.max() - test_counts.min() <= 2  # stratified
    # the same content on every run and machine: this digest is part of every cache key
    assert ds.fingerprint() == "26fb7d4877edfe60e8c4238e12915d53c78bcfc6804c1de85d52ad352a0f134c"


def test_status_of_each_kind(tmp_path: Path) -> None:
    digits = dataset_status("digits")
    assert digits.available and digits.location == "embedded" and digits.size_bytes
    assert (digits.train_samples, digits.test_samples, digits.image_shape) == (1352, 445, (8, 8))
    missing = dataset_status("mnist")
    assert not missing.available and "dse data fetch mnist" in (missing.problem or "")
    assert missing.location is None and missing.size_bytes is None
    write_fake_mnist(tmp_path / "fashion-mnist", gz=True)
    present = dataset_status("fashion-mnist", tmp_path)
    assert present.available and present.location == str(tmp_path / "fashion-mnist")
    assert (present.train_samples, present.test_samples, present.image_shape) == (40, 20, (4, 3))
    files = (tmp_path / "fashion-mnist").iterdir()
    assert present.size_bytes == sum(path.stat().st_size for path in files)
    assert present.to_dict()["image_shape"] == [4, 3]
    (tmp_path / "fashion-mnist" / "train-images-idx3-ubyte.gz").write_bytes(b"garbage")
    corrupt = dataset_status("fashion-mnist", tmp_path)
    assert not corrupt.available and "train-images-idx3-ubyte.gz" in (corrupt.problem or "")


# --- splits ----------------------------------------------------------------------------------


@pytest.fixture
def digits():
    return load_dataset("digits")


def test_splits_are_disjoint_sized_and_deterministic(digits) -> None:
    splits = make_splits(
        digits, train_samples=500, assign_samples=200, test_samples=100, seed=3
    )
    assert (len(splits.train_y), len(splits.assign_y), len(splits.test_y)) == (500, 200, 100)
    assert not set(splits.train_index) & set(splits.assign_index)
    assert len(set(splits.train_index)) == 500 and len(set(splits.test_index)) == 100
    np.testing.assert_array_equal(splits.train_x, digits.train_x[splits.train_index])
    np.testing.assert_array_equal(splits.assign_y, digits.train_y[splits.assign_index])
    np.testing.assert_array_equal(splits.test_y, digits.test_y[splits.test_index])
    again = make_splits(digits, train_samples=500, assign_samples=200, test_samples=100, seed=3)
    for name in ("train_index", "assign_index", "test_index"):
        np.testing.assert_array_equal(getattr(splits, name), getattr(again, name))
    other = make_splits(digits, train_samples=500, assign_samples=200, test_samples=100, seed=4)
    assert not np.array_equal(splits.train_index, other.train_index)


def test_splits_are_stratified_and_assign_ignores_train_size(digits) -> None:
    small = make_splits(digits, train_samples=50, assign_samples=100, test_samples=None, seed=0)
    full = make_splits(digits, train_samples=None, assign_samples=100, test_samples=None, seed=0)
    np.testing.assert_array_equal(small.assign_index, full.assign_index)
    assert len(full.train_y) == len(digits.train_y) - 100
    assert len(full.test_y) == len(digits.test_y)
    assert set(np.bincount(small.assign_y, minlength=10)) <= {9, 10, 11}
    assert set(np.bincount(small.train_y, minlength=10)) <= {4, 5, 6}
    assert not np.array_equal(full.train_index, np.sort(full.train_index))  # shuffled


def test_splits_reject_impossible_sizes(digits) -> None:
    n = len(digits.train_y)
    with pytest.raises(InputError, match="train_samples"):
        make_splits(digits, train_samples=n, assign_samples=1, test_samples=None, seed=0)
    with pytest.raises(InputError, match="test_samples"):
        make_splits(digits, train_samples=10, assign_samples=0, test_samples=10**6, seed=0)
    with pytest.raises(InputError, match="assign_samples"):
        make_splits(digits, train_samples=10, assign_samples=-1, test_samples=None, seed=0)


def test_class_tasks() -> None:
    assert class_tasks(3) == [(0,), (1,), (2,)]
    assert class_tasks(10, 2) == [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    assert class_tasks(5, 2, order=[4, 0, 3, 1, 2]) == [(4, 0), (3, 1), (2,)]
    for bad in ([0, 0, 1], [0, 10], []):
        with pytest.raises(InputError):
            class_tasks(10, order=bad)
    with pytest.raises(InputError):
        class_tasks(10, 0)


def test_task_stream_holds_only_the_task_classes(digits) -> None:
    rows = np.arange(len(digits.train_y)).reshape(-1, 1)  # x = row numbers, to trace samples
    x, y = task_stream(rows, digits.train_y, (2, 7), 101, np.random.default_rng(0))
    assert x.shape == (101, 1) and set(y.tolist()) == {2, 7}
    np.testing.assert_array_equal(digits.train_y[x[:, 0]], y)
    assert sorted(np.bincount(y)[[2, 7]].tolist()) == [50, 51]  # stratified (equal classes)
    assert len(set(x[:, 0].tolist())) == 101
    assert not np.array_equal(x[:, 0], np.sort(x[:, 0]))  # shuffled
    same, _ = task_stream(rows, digits.train_y, (2, 7), 101, np.random.default_rng(0))
    np.testing.assert_array_equal(same, x)
    pixels, labels = task_stream(digits.train_x, digits.train_y, (3,), 7, np.random.default_rng(2))
    assert pixels.shape == (7, 64) and set(labels.tolist()) == {3}


def test_task_stream_cycles_small_classes_before_repeating(digits) -> None:
    rows = np.arange(len(digits.train_y)).reshape(-1, 1)
    available = int((digits.train_y == 5).sum())
    x, y = task_stream(rows, digits.train_y, (5,), available + 10, np.random.default_rng(1))
    assert set(y.tolist()) == {5} and len(y) == available + 10
    first_pass = x[:available, 0]
    np.testing.assert_array_equal(np.sort(first_pass), np.flatnonzero(digits.train_y == 5))
    assert len(set(x[available:, 0].tolist())) == 10  # then repeats, each at most once
    two = task_stream(rows, digits.train_y, (5, 6), 2 * available, np.random.default_rng(1))[1]
    assert set(two.tolist()) == {5, 6}
    with pytest.raises(InputError, match="no samples"):
        task_stream(rows, digits.train_y, (11,), 5, np.random.default_rng(0))

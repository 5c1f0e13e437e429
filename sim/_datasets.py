"""Datasets for the simulator: the embedded 8x8 digits (UCI), MNIST and Fashion-MNIST.

Images are flattened to float32 rows in [0, 1]; labels are int64 class indices 0..9. The arrays
of a loaded ``Dataset`` are read-only and the last IDX dataset loaded is kept in memory once, so
repeated ``load_dataset`` calls in one process cost nothing.

MNIST-style datasets are read from the four standard IDX files (plain or ``.gz``), searched in
order in: ``data_dir/<name>`` and ``data_dir`` (when given), ``$DSE_DATA_DIR/<name>``, the user
cache directory (``platformdirs.user_cache_dir("snn-dse")/datasets/<name>``, where
``dse data fetch`` puts them) and ``/usr/share/datasets/<name>`` (Debian's
``dataset-fashion-mnist`` package). The first directory holding all four files wins.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import platformdirs

from sim._idx import DatasetFormatError, IdxHeader, read_idx, read_idx_header
from snn_dse.domains import DATASETS
from snn_dse.errors import InputError

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "DatasetStatus",
    "IDX_FILES",
    "cache_dir",
    "dataset_status",
    "find_dataset_files",
    "load_dataset",
    "search_dirs",
]


#: The four IDX files of an MNIST-style dataset (role -> file name without ``.gz``).
IDX_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

#: Where distribution packages install datasets (Debian: ``dataset-fashion-mnist``).
SYSTEM_DATASETS_DIR = Path("/usr/share/datasets")

_DATA_DIR_ENV = "DSE_DATA_DIR"
_DIGITS_SOURCE = "embedded"
#: The embedded digits table, shipped with the package (licence: ``sim/data/NOTICE``).
DIGITS_FILE = Path(__file__).parent / "data" / "digits.csv.gz"
_DIGITS_TEST_EVERY = 4  # every 4th sample of each class (in scikit-learn's order) is a test sample


class DatasetNotFoundError(InputError):
    """A dataset's files are in none of the searched places (or the name is unknown)."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled image dataset, split into training and test parts.

    ``train_x``/``test_x``: (n, d) float32 pixel intensities in [0, 1], d = rows x cols;
    ``train_y``/``test_y``: (n,) int64 class indices. The arrays are read-only.
    ``source``: the directory the files were loaded from, or ``"embedded"`` (digits).
    """

    name: str
    image_shape: tuple[int, int]
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    source: str

    @property
    def n_inputs(self) -> int:
        """Pixels per image (= input neurons of the network)."""
        return int(self.train_x.shape[1])

    @functools.cached_property
    def n_classes(self) -> int:
        """Number of classes (labels are 0 .. n_classes - 1)."""
        return int(max(self.train_y.max(), self.test_y.max())) + 1

    @functools.cached_property
    def mean_intensity(self) -> float:
        """Mean pixel value of ``train_x`` in [0, 1] (drives the estimated input spike count)."""
        return float(self.train_x.mean(dtype=np.float64))

    @functools.cached_property
    def peak_intensity(self) -> float:
        """Mean over the ``train_x`` images of each image's brightest pixel, in [0, 1]."""
        return float(self.train_x.max(axis=1).mean(dtype=np.float64))

    def fingerprint(self) -> str:
        """sha256 (hex) of the name, shapes and array contents; stable across runs and machines,
        computed once per object (~0.1 s for MNIST)."""
        return self._fingerprint

    @functools.cached_property
    def _fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(f"{self.name}|{self.image_shape}".encode())
        for array in (self.train_x, self.train_y, self.test_x, self.test_y):
            canonical = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
            digest.update(f"|{canonical.dtype.str}{canonical.shape}|".encode())
            digest.update(canonical.data)
        return digest.hexdigest()


@dataclass(frozen=True)
class DatasetStatus:
    """Whether a dataset can be loaded, from where, and how big it is (for ``dse data list``).

    ``location``: directory (or ``"embedded"``) it would be loaded from, None if missing;
    ``size_bytes``: bytes on disk of its files; ``train_samples``/``test_samples`` from the file
    headers; ``problem``: why it is unavailable (not found, or a corrupt file), else None;
    ``searched``: the directories looked in, in order.
    """

    name: str
    available: bool
    location: str | None
    size_bytes: int | None
    train_samples: int | None
    test_samples: int | None
    image_shape: tuple[int, int] | None
    problem: str | None
    searched: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dict of every field."""
        return {
            "name": self.name,
            "available": self.available,
            "location": self.location,
            "size_bytes": self.size_bytes,
            "train_samples": self.train_samples,
            "test_samples": self.test_samples,
            "image_shape": list(self.image_shape) if self.image_shape else None,
            "problem": self.problem,
            "searched": list(self.searched),
        }


def _check_name(name: str) -> None:
    if name not in DATASETS:
        raise DatasetNotFoundError(
            f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}"
        )


def cache_dir(name: str | None = None) -> Path:
    """The user cache directory of downloaded datasets (``.../snn-dse/datasets[/name]``)."""
    root = Path(platformdirs.user_cache_dir("snn-dse")) / "datasets"
    return root / name if name else root


def search_dirs(name: str, data_dir: str | Path | None = None) -> list[Path]:
    """The directories searched for ``name``'s IDX files, in lookup order."""
    dirs: list[Path] = []
    if data_dir is not None:
        dirs += [Path(data_dir) / name, Path(data_dir)]
    env = os.environ.get(_DATA_DIR_ENV)
    if env:
        dirs.append(Path(env) / name)
    dirs += [cache_dir(name), SYSTEM_DATASETS_DIR / name]
    return dirs


def _file_in(directory: Path, stem: str) -> Path | None:
    """``directory/stem``, ``stem.gz`` or the dotted variant (``train-images.idx3-ubyte``)."""
    dotted = stem.replace("-idx", ".idx")
    for candidate in (stem, stem + ".gz", dotted, dotted + ".gz"):
        path = directory / candidate
        if path.is_file():
            return path
    return None


def find_dataset_files(name: str, data_dir: str | Path | None = None) -> dict[str, Path]:
    """The four IDX files of ``name`` (role -> path) from the first directory holding all four.

    Raises ``DatasetNotFoundError`` listing every directory searched, what each lacked, and how
    to get the files.
    """
    _check_name(name)
    if name == "digits":
        raise DatasetNotFoundError("digits is embedded in snn-dse (sim/data); it has no IDX files")
    notes = []
    for directory in search_dirs(name, data_dir):
        if not directory.is_dir():
            notes.append(f"{directory} (no such directory)")
            continue
        found = {role: _file_in(directory, stem) for role, stem in IDX_FILES.items()}
        missing = [IDX_FILES[role] for role, path in found.items() if path is None]
        if not missing:
            return {role: path for role, path in found.items() if path is not None}
        notes.append(f"{directory} (missing {', '.join(missing)})")
    if not os.environ.get(_DATA_DIR_ENV):  # its place in the order: after data_dir's two entries
        notes.insert(0 if data_dir is None else 2, f"${_DATA_DIR_ENV}/{name} (not set)")
    how = f"run `dse data fetch {name}` (downloads into {cache_dir(name)})"
    if name == "fashion-mnist":
        how += " or install the Debian/Ubuntu package dataset-fashion-mnist"
    raise DatasetNotFoundError(
        f"dataset {name!r} not found: looked for {', '.join(IDX_FILES.values())} "
        f"(plain or .gz) in: {'; '.join(notes)}. To get it, {how}, or put the four files in "
        f"DIR/{name} and pass --data-dir DIR"
    )


def _check_headers(files: dict[str, Path]) -> dict[str, IdxHeader]:
    """Read the four headers and check they fit together: 3-D ubyte images of one size, 1-D
    ubyte labels, as many labels as images. Raises ``DatasetFormatError`` naming the file."""
    headers = {role: read_idx_header(path) for role, path in files.items()}
    for role, ndim in (("train_images", 3), ("test_images", 3), ("train_labels", 1),
                       ("test_labels", 1)):
        header = headers[role]
        if len(header.shape) != ndim or header.dtype != np.uint8:
            kind = "images" if ndim == 3 else "labels"
            raise DatasetFormatError(
                f"{files[role]}: expected {ndim}-D ubyte {kind}, found {header.dtype} with "
                f"shape {header.shape}"
            )
    for part in ("train", "test"):
        images, labels = headers[f"{part}_images"], headers[f"{part}_labels"]
        if images.shape[0] != labels.shape[0]:
            raise DatasetFormatError(
                f"{files[f'{part}_labels']}: {labels.shape[0]} labels for {images.shape[0]} "
                f"images in {files[f'{part}_images']}"
            )
    if headers["train_images"].shape[1:] != headers["test_images"].shape[1:]:
        raise DatasetFormatError(
            f"{files['test_images']}: image size {headers['test_images'].shape[1:]} differs "
            f"from {files['train_images']} ({headers['train_images'].shape[1:]})"
        )
    return headers


def _read_labels(path: Path) -> np.ndarray:
    labels = read_idx(path)
    if labels.size and labels.max() > 9:
        raise DatasetFormatError(f"{path}: label {int(labels.max())} outside 0..9")
    return labels.astype(np.int64)


def _read_images(path: Path) -> np.ndarray:
    images = read_idx(path)
    flat = images.reshape(images.shape[0], -1).astype(np.float32)
    flat /= np.float32(255.0)
    return flat


@functools.lru_cache(maxsize=1)
def _load_idx(name: str, files: tuple[tuple[str, str, int, int], ...]) -> Dataset:
    """Load an IDX dataset; ``files`` = (role, path, size, mtime_ns) so edits invalidate the
    cache. Only the most recent dataset is kept (MNIST is ~220 MB as float32)."""
    paths = {role: Path(path) for role, path, _, _ in files}
    headers = _check_headers(paths)
    arrays = {}
    for part in ("train", "test"):
        arrays[f"{part}_x"] = _read_only(_read_images(paths[f"{part}_images"]))
        arrays[f"{part}_y"] = _read_only(_read_labels(paths[f"{part}_labels"]))
    rows, cols = headers["train_images"].shape[1:]
    return Dataset(
        name=name,
        image_shape=(rows, cols),
        source=str(paths["train_images"].parent),
        **arrays,
    )


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@functools.lru_cache(maxsize=1)
def _load_digits() -> Dataset:
    """The 1797 8x8 UCI digits, pixels 0..16 scaled to [0, 1]; a deterministic
    stratified split: every 4th sample of each class (in scikit-learn's order) is a test sample.

    Reads the ``digits.csv.gz`` shipped in ``sim/data`` (64 pixel columns, then the label;
    scikit-learn's copy of the UCI data, see ``sim/data/NOTICE``): the same data, in the same
    order, as ``sklearn.datasets.load_digits``."""
    table = np.loadtxt(DIGITS_FILE, delimiter=",", dtype=np.float32)
    x = table[:, :-1] / np.float32(16.0)
    y = table[:, -1].astype(np.int64)
    rank = np.empty(len(y), dtype=np.int64)
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        rank[members] = np.arange(len(members))
    test = rank % _DIGITS_TEST_EVERY == _DIGITS_TEST_EVERY - 1
    return Dataset(
        name="digits",
        image_shape=(8, 8),
        train_x=_read_only(x[~test]),
        train_y=_read_only(y[~test]),
        test_x=_read_only(x[test]),
        test_y=_read_only(y[test]),
        source=_DIGITS_SOURCE,
    )


def load_dataset(name: str, data_dir: str | Path | None = None) -> Dataset:
    """Load ``digits``, ``mnist`` or ``fashion-mnist`` (see the module docstring for the search
    order). Raises ``DatasetNotFoundError`` (files missing, unknown name) or
    ``DatasetFormatError`` (a file is corrupt; the message names it)."""
    _check_name(name)
    if name == "digits":
        return _load_digits()
    files = find_dataset_files(name, data_dir)
    key = tuple(
        (role, str(path.resolve()), path.stat().st_size, path.stat().st_mtime_ns)
        for role, path in sorted(files.items())
    )
    return _load_idx(name, key)


def dataset_status(name: str, data_dir: str | Path | None = None) -> DatasetStatus:
    """Whether ``name`` is available, where, and its size; reads only the file headers."""
    _check_name(name)
    if name == "digits":
        digits = _load_digits()
        return DatasetStatus(
            name=name,
            available=True,
            location=_DIGITS_SOURCE,
            size_bytes=DIGITS_FILE.stat().st_size,
            train_samples=len(digits.train_y),
            test_samples=len(digits.test_y),
            image_shape=digits.image_shape,
            problem=None,
            searched=(),
        )
    searched = tuple(str(d) for d in search_dirs(name, data_dir))
    missing = dict.fromkeys(
        ("location", "size_bytes", "train_samples", "test_samples", "image_shape")
    )
    try:
        files = find_dataset_files(name, data_dir)
        headers = _check_headers(files)
    except (DatasetNotFoundError, DatasetFormatError) as error:
        return DatasetStatus(
            name=name, available=False, problem=str(error), searched=searched, **missing
        )
    rows, cols = headers["train_images"].shape[1:3]
    return DatasetStatus(
        name=name,
        available=True,
        location=str(files["train_images"].parent),
        size_bytes=sum(path.stat().st_size for path in files.values()),
        train_samples=headers["train_images"].shape[0],
        test_samples=headers["test_images"].shape[0],
        image_shape=(rows, cols),
        problem=None,
        searched=searched,
    )

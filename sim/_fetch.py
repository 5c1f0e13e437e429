"""Download MNIST / Fashion-MNIST IDX files from public mirrors, with checksum verification.

Each of the four ``.gz`` files is tried on every mirror in turn until one delivers bytes with
the expected checksum. Downloads are streamed into a temporary file in the destination
directory and renamed into place only after the checksum matched, so an interrupted or corrupt
download never leaves a half-written dataset behind. Files already present with the right
checksum are not downloaded again.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sim._datasets import DATASETS, IDX_FILES, cache_dir
from snn_dse.errors import InputError

__all__ = ["CHECKSUMS", "MIRRORS", "DatasetFetchError", "FetchedFile", "fetch_dataset"]

#: Base URLs tried in order for each dataset (the file name is appended).
MIRRORS: dict[str, tuple[str, ...]] = {
    "mnist": (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
    "fashion-mnist": (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ),
}

#: ``"algorithm:hexdigest"`` of each downloaded file (the publishers' MD5 sums of the ``.gz``).
CHECKSUMS: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": "md5:8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "md5:25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "md5:bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "md5:bb300cfdad3c16e7a12a480ee83cd310",
    },
}

#: ``progress(file_name, bytes_done, bytes_total_or_None)``, called as bytes arrive.
ProgressCallback = Callable[[str, int, int | None], None]

_CHUNK = 1 << 20
_USER_AGENT = "snn-dse (dataset fetch)"


class DatasetFetchError(InputError):
    """A dataset could not be downloaded (network failure or checksum mismatch on every mirror)."""


@dataclass(frozen=True)
class FetchedFile:
    """One file of a fetched dataset: where it lies, its size in bytes, and the URL it was
    downloaded from (None when a verified copy was already there)."""

    path: Path
    size_bytes: int
    url: str | None


def _digest(spec: str) -> tuple[hashlib._Hash, str]:
    """A fresh hash object and the expected hex digest for ``"algorithm:hexdigest"``."""
    algorithm, _, expected = spec.partition(":")
    try:
        return hashlib.new(algorithm, usedforsecurity=False), expected.lower()
    except ValueError as error:
        raise DatasetFetchError(f"unsupported checksum algorithm in {spec!r}") from error


def _file_matches(path: Path, spec: str) -> bool:
    digest, expected = _digest(spec)
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == expected


def _download(
    url: str, target: Path, spec: str, timeout: float, progress: ProgressCallback | None
) -> None:
    """Stream ``url`` into ``target`` atomically; raise ``OSError``/``ValueError`` on network
    trouble and ``DatasetFetchError`` on a checksum mismatch (``target`` is then untouched)."""
    digest, expected = _digest(spec)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    handle, tmp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    tmp = Path(tmp_name)
    try:
        with (
            os.fdopen(handle, "wb") as sink,
            urllib.request.urlopen(request, timeout=timeout) as response,
        ):
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            while chunk := response.read(_CHUNK):
                sink.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(target.name, done, total)
        actual = digest.hexdigest()
        if actual != expected:
            raise DatasetFetchError(
                f"checksum mismatch: expected {spec}, got {spec.partition(':')[0]}:{actual}"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def fetch_dataset(
    name: str,
    data_dir: str | Path | None = None,
    *,
    mirrors: Sequence[str] | None = None,
    checksums: Mapping[str, str] | None = None,
    force: bool = False,
    timeout: float = 60.0,
    progress: ProgressCallback | None = None,
) -> list[FetchedFile]:
    """Download ``name``'s four IDX ``.gz`` files into ``data_dir/<name>`` (default: the user
    cache directory, where ``load_dataset`` looks) and return them (``[]`` for ``digits``,
    which is bundled with scikit-learn).

    ``mirrors`` (base URLs, default ``MIRRORS[name]``) are tried in order per file;
    ``checksums`` (file name -> ``"md5:..."``/``"sha256:..."``, default ``CHECKSUMS[name]``)
    are verified before a file is moved into place. ``force`` downloads even verified files.
    ``timeout`` is per connection/read, in seconds. Raises ``DatasetFetchError`` naming every URL
    tried and why it failed.
    """
    if name not in DATASETS:
        raise DatasetFetchError(
            f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}"
        )
    if name not in MIRRORS:
        return []  # digits: bundled with scikit-learn
    bases = tuple(mirrors) if mirrors else MIRRORS[name]
    sums = dict(checksums) if checksums is not None else CHECKSUMS[name]
    destination = Path(data_dir) / name if data_dir is not None else cache_dir(name)
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatasetFetchError(
            f"cannot create {destination}: {error.strerror or error}"
        ) from error
    file_names = [stem + ".gz" for stem in IDX_FILES.values()]
    for file_name in file_names:
        if file_name not in sums:
            raise DatasetFetchError(f"no checksum known for {file_name} of {name}")
        _digest(sums[file_name])  # an unknown algorithm fails here, before any download
    fetched = []
    for file_name in file_names:
        target = destination / file_name
        if not force and target.is_file() and _file_matches(target, sums[file_name]):
            fetched.append(FetchedFile(target, target.stat().st_size, None))
            continue
        failures = []
        for base in bases:
            url = base.rstrip("/") + "/" + file_name
            try:
                _download(url, target, sums[file_name], timeout, progress)
            except (OSError, ValueError, http.client.HTTPException, DatasetFetchError) as error:
                failures.append(f"{url}: {error}")
                continue
            fetched.append(FetchedFile(target, target.stat().st_size, url))
            break
        else:
            raise DatasetFetchError(
                f"could not download {file_name} of {name}: {'; '.join(failures)}. Check the "
                f"network, pass another mirror (--mirror URL), or copy the four files into "
                f"{destination} by hand"
            )
    return fetched

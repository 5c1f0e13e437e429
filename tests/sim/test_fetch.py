"""`fetch_dataset` against a local HTTP server on 127.0.0.1 serving files the test makes."""

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from sim._datasets import IDX_FILES, cache_dir, load_dataset
from sim._fetch import DatasetFetchError, fetch_dataset
from snn_dse.errors import InputError
from tests.sim.test_datasets import isolate_dataset_lookup, write_fake_mnist


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        """Keep the test output clean."""


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port); yield the base URL."""
    handler = partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def sha256_sums(directory: Path) -> dict[str, str]:
    """``"sha256:..."`` of each ``.gz`` file in ``directory``, keyed by file name."""
    return {
        path.name: "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        for path in directory.glob("*.gz")
    }


@pytest.fixture(autouse=True)
def isolated_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_dataset_lookup(tmp_path, monkeypatch)


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A local mirror serving a tiny gzipped MNIST-like dataset: (base URL, sha256 sums)."""
    served = tmp_path / "served"
    write_fake_mnist(served, gz=True, n_train=30, n_test=10)
    with serve(served) as url:
        yield url, sha256_sums(served)


@pytest.fixture
def dead_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/"


def test_fetch_into_cache_then_load(mirror: tuple[str, dict[str, str]]) -> None:
    url, sums = mirror
    calls: list[tuple[str, int, int | None]] = []
    files = fetch_dataset(
        "mnist", mirrors=[url], checksums=sums, progress=lambda *a: calls.append(a)
    )
    assert [f.path.name for f in files] == [stem + ".gz" for stem in IDX_FILES.values()]
    assert all(f.path.parent == cache_dir("mnist") for f in files)
    assert all(f.url == url + f.path.name for f in files)
    assert all(f.size_bytes == f.path.stat().st_size for f in files)
    assert {name for name, _, _ in calls} == set(sums)
    assert all(total is not None and done <= total for _, done, total in calls)
    assert load_dataset("mnist").train_x.shape == (30, 12)  # found in the cache, no data_dir
    assert sorted(p.name for p in cache_dir("mnist").iterdir()) == sorted(sums)  # no leftovers


def test_second_fetch_downloads_nothing_unless_forced(
    tmp_path: Path, mirror: tuple[str, dict[str, str]]
) -> None:
    url, sums = mirror
    fetch_dataset("fashion-mnist", tmp_path / "data", mirrors=[url], checksums=sums)
    again = fetch_dataset("fashion-mnist", tmp_path / "data", mirrors=[url], checksums=sums)
    assert all(f.url is None for f in again)
    forced = fetch_dataset(
        "fashion-mnist", tmp_path / "data", mirrors=[url], checksums=sums, force=True
    )
    assert all(f.url is not None for f in forced)
    assert load_dataset("fashion-mnist", tmp_path / "data").test_x.shape == (10, 12)


def test_a_corrupt_local_copy_is_replaced(
    tmp_path: Path, mirror: tuple[str, dict[str, str]]
) -> None:
    url, sums = mirror
    target = tmp_path / "data" / "mnist" / "train-labels-idx1-ubyte.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"half a download")
    files = fetch_dataset("mnist", tmp_path / "data", mirrors=[url], checksums=sums)
    assert {f.path.name for f in files if f.url is not None} == set(sums)
    assert load_dataset("mnist", tmp_path / "data").train_y.shape == (30,)


def test_md5_checksums_work_too(tmp_path: Path, mirror: tuple[str, dict[str, str]]) -> None:
    url, _ = mirror
    md5 = {
        path.name: "md5:" + hashlib.md5(path.read_bytes()).hexdigest()
        for path in (tmp_path / "served").glob("*.gz")
    }
    assert len(fetch_dataset("mnist", tmp_path / "d", mirrors=[url], checksums=md5)) == 4


def test_checksum_mismatch_leaves_nothing_behind(
    tmp_path: Path, mirror: tuple[str, dict[str, str]]
) -> None:
    url, sums = mirror
    sums["t10k-images-idx3-ubyte.gz"] = "sha256:" + "0" * 64
    with pytest.raises(DatasetFetchError) as info:
        fetch_dataset("mnist", tmp_path / "data", mirrors=[url], checksums=sums)
    message = str(info.value)
    assert isinstance(info.value, InputError)
    assert "checksum mismatch" in message and url + "t10k-images-idx3-ubyte.gz" in message
    left = {p.name for p in (tmp_path / "data" / "mnist").iterdir()}
    assert "t10k-images-idx3-ubyte.gz" not in left
    assert not [name for name in left if name.endswith(".part")]


def test_falls_back_to_the_next_mirror(
    tmp_path: Path, mirror: tuple[str, dict[str, str]], dead_url: str
) -> None:
    url, sums = mirror
    empty = tmp_path / "empty"
    empty.mkdir()
    with serve(empty) as missing_files_url:
        mirrors = [dead_url, missing_files_url, url]
        files = fetch_dataset("mnist", tmp_path / "data", mirrors=mirrors, checksums=sums)
    assert all(f.url is not None and f.url.startswith(url) for f in files)


def test_network_failure_names_every_url(tmp_path: Path, dead_url: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with serve(empty) as not_found_url:
        with pytest.raises(DatasetFetchError) as info:
            fetch_dataset(
                "mnist", tmp_path / "data", mirrors=[dead_url, not_found_url], timeout=5
            )
    message = str(info.value)
    assert dead_url + "train-images-idx3-ubyte.gz" in message
    assert "404" in message and "--mirror" in message


def test_unknown_and_bundled_datasets(tmp_path: Path) -> None:
    with pytest.raises(DatasetFetchError, match="unknown dataset"):
        fetch_dataset("cifar10")
    assert fetch_dataset("digits") == []
    with pytest.raises(DatasetFetchError, match="checksum algorithm"):
        fetch_dataset(
            "mnist", tmp_path, checksums={stem + ".gz": "crc32:00" for stem in IDX_FILES.values()}
        )


def test_default_checksums_cover_every_file() -> None:
    from sim._fetch import CHECKSUMS, MIRRORS

    for name in ("mnist", "fashion-mnist"):
        assert set(CHECKSUMS[name]) == {stem + ".gz" for stem in IDX_FILES.values()}
        assert all(len(spec) == len("md5:") + 32 for spec in CHECKSUMS[name].values())
        assert MIRRORS[name] and all(base.startswith("http") for base in MIRRORS[name])
    assert np.unique([s for sums in CHECKSUMS.values() for s in sums.values()]).size == 8

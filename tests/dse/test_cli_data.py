"""`dse data list` and `dse data fetch` through `dse.cli.main([...])` (returns the exit code)."""

import json
from pathlib import Path

import pytest

from dse.cli import main
from sim import _fetch
from tests.sim.test_datasets import isolate_dataset_lookup, write_fake_mnist
from tests.sim.test_fetch import serve, sha256_sums


@pytest.fixture(autouse=True)
def isolated_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_dataset_lookup(tmp_path, monkeypatch)


def test_list_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_fake_mnist(tmp_path / "data" / "mnist", n_train=25, n_test=5)
    assert main(["data", "list", "--json", "--data-dir", str(tmp_path / "data")]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert list(rows) == ["digits", "mnist", "fashion-mnist"]
    assert rows["digits"]["available"] and rows["digits"]["location"] == "embedded"
    assert rows["mnist"]["available"] and rows["mnist"]["location"] == str(
        tmp_path / "data" / "mnist"
    )
    assert (rows["mnist"]["train_samples"], rows["mnist"]["test_samples"]) == (25, 5)
    assert rows["mnist"]["size_bytes"] > 0
    assert not rows["fashion-mnist"]["available"]
    assert "dse data fetch fashion-mnist" in rows["fashion-mnist"]["problem"]
    assert str(tmp_path / "system" / "fashion-mnist") in rows["fashion-mnist"]["searched"]


def test_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "list"]) == 0
    captured = capsys.readouterr()
    for name in ("digits", "mnist", "fashion-mnist", "embedded", "1352", "445"):
        assert name in captured.out
    assert "dse data fetch mnist" in captured.err  # why mnist is unavailable


def test_fetch_then_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = tmp_path / "served"
    write_fake_mnist(served, gz=True)
    monkeypatch.setitem(_fetch.CHECKSUMS, "fashion-mnist", sha256_sums(served))
    data = tmp_path / "data"
    with serve(served) as url:
        args = ["data", "fetch", "fashion-mnist", "--data-dir", str(data), "--mirror", url]
        assert main(args) == 0
        assert "4 downloaded" in capsys.readouterr().out
        assert main(args) == 0
        assert "0 downloaded, 4 already present" in capsys.readouterr().out
    assert main(["data", "list", "--json", "--data-dir", str(data)]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["fashion-mnist"]["location"] == str(data / "fashion-mnist")


def test_fetch_checksum_mismatch_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served = tmp_path / "served"
    write_fake_mnist(served, gz=True)
    wrong = {name: "sha256:" + "1" * 64 for name in sha256_sums(served)}
    monkeypatch.setitem(_fetch.CHECKSUMS, "mnist", wrong)
    with serve(served) as url:
        assert main(["data", "fetch", "mnist", "--mirror", url]) == 2
    err = capsys.readouterr().err
    assert "checksum mismatch" in err and "Traceback" not in err


def test_fetch_bad_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "cifar10"]) == 2
    assert "unknown dataset" in capsys.readouterr().err
    assert main(["data", "fetch", "digits"]) == 0
    assert "embedded in snn-dse" in capsys.readouterr().out

"""The run's result store and the shared evaluation cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dse import EvaluationCache, ResultStore, cache_key, canonical_candidate, load_run
from dse._cache import code_version, default_cache_path
from snn_dse.errors import InputError

KEY_ARGS = {"profile_fingerprint": "p", "simulator": {"train_samples": 10},
            "dataset_fingerprint": "d", "seed": 1, "code_version": "0.1.0"}


def _record(index: int, key: str | None = None) -> dict:
    return {"index": index, "profile": "p", "cache_key": key or f"k{index}", "objectives": {},
            "feasible": index > 0, "prescreened": index == 0, "cache_hit": False,
            "error": None}


def test_store_keeps_records_by_index_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = ResultStore(path, "run")
    store.begin({"seed": 0}, b"")
    for index in (2, 0, 1):
        assert store.put(_record(index))
    store.set_info({"complete": False})
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again = ResultStore(path, "run", create=False)
    assert [r["index"] for r in again.records()] == [0, 1, 2]
    assert again.get(1) == _record(1) and again.get(7) is None
    assert len(again) == 3
    again.close()
    run, records = load_run(tmp_path)
    assert run["complete"] is False and len(records) == 3
    assert run["counts"] == {"evaluated": 3, "feasible": 2, "prescreened": 1, "cache_hits": 0,
                             "failed": 0}


def test_a_second_write_of_a_design_changes_nothing(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "store.sqlite", "run")
    store.begin({}, b"")
    assert store.put(_record(0))
    assert not store.put({**_record(0), "feasible": True})  # same design again
    assert not store.put(_record(0, key="other"))  # another design at a taken index
    assert store.records() == [_record(0)]
    other = ResultStore(tmp_path / "store.sqlite", "other-run")
    other.begin({}, b"")
    assert other.put(_record(0))  # runs are independent
    assert len(store) == 1 and len(other) == 1


def test_a_store_with_several_runs_needs_the_run_name(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    for name in ("a", "b"):
        ResultStore(path, name).begin({}, b"")
    with pytest.raises(InputError, match="--run: name the run.*a, b"):
        load_run(store=str(path))
    with pytest.raises(InputError, match="no run 'c'"):
        load_run(store=str(path), run_name="c")
    assert load_run(store=str(path), run_name="a")[1] == []


def test_load_run_refuses_a_directory_without_a_store(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no result store"):
        load_run(tmp_path)


def test_cache_round_trip_and_first_entry_kept(tmp_path: Path) -> None:
    cache = EvaluationCache(tmp_path / "sub" / "cache.sqlite")
    assert cache.get("k") is None
    cache.put("k", {"a": 1})
    cache.put("k", {"a": 2})
    assert cache.get("k") == {"a": 1} and len(cache) == 1
    cache.close()


def test_an_unusable_cache_path_names_the_option(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match="--cache"):
        EvaluationCache(blocker / "cache.sqlite")


def test_default_cache_lives_in_the_user_cache_dir() -> None:
    assert default_cache_path().parent.name == "snn-dse"


def test_code_version_is_the_package_version_and_a_source_hash() -> None:
    version, _, digest = code_version().partition("+")
    assert version and len(digest) == 12


def test_key_ignores_key_order_and_numpy_scalars() -> None:
    plain = {"neurons": 100, "weight_bits": 8, "inhibition_strength": 17.5}
    numpy = {"inhibition_strength": np.float64(17.5), "weight_bits": np.int64(8),
             "neurons": np.int32(100)}
    assert cache_key(canonical_candidate(plain), **KEY_ARGS) == cache_key(
        canonical_candidate(numpy), **KEY_ARGS)


@given(st.floats(min_value=1.0, max_value=1000.0))
def test_reals_within_rounding_share_a_key(value: float) -> None:
    # Rounding to REAL_DIGITS significant digits has bucket edges (e.g. 1.203125 rounds down,
    # 1.203125 * (1 + 1e-9) up), so the property holds inside one bucket: any value within
    # 1e-9 (relative) of a bucket's centre shares the centre's key.
    centre = canonical_candidate({"inhibition_strength": value})["inhibition_strength"]
    key = cache_key({"inhibition_strength": centre}, **KEY_ARGS)
    for nearby in (centre * (1 + 1e-9), centre * (1 - 1e-9)):
        assert cache_key(canonical_candidate({"inhibition_strength": nearby}), **KEY_ARGS) == key


def test_reals_in_different_rounding_buckets_get_different_keys() -> None:
    a = canonical_candidate({"inhibition_strength": 1.20312})
    b = canonical_candidate({"inhibition_strength": 1.20313})
    assert cache_key(a, **KEY_ARGS) != cache_key(b, **KEY_ARGS)


@pytest.mark.parametrize(
    "change",
    [{"profile_fingerprint": "q"}, {"simulator": {"train_samples": 11}},
     {"dataset_fingerprint": "e"}, {"seed": 2}, {"code_version": "0.2.0"}],
)
def test_every_dependency_changes_the_key(change: dict) -> None:
    candidate = {"neurons": 100}
    assert cache_key(candidate, **KEY_ARGS) != cache_key(candidate, **(KEY_ARGS | change))


def test_the_cache_opens_a_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team-cache.sqlite'}"
    EvaluationCache(url).put("k", {"a": 1})
    assert EvaluationCache(url).get("k") == {"a": 1}
    assert (tmp_path / "team-cache.sqlite").is_file()

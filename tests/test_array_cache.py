"""Arrays kept in the cache directory: built once, read back equal, mapped read-only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from observatory.read.array_cache import cached_arrays


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OBSERVATORY_CACHE", str(tmp_path))
    return tmp_path


def _arrays() -> dict[str, np.ndarray]:
    return {"ids": np.arange(5, dtype=np.int32), "names": np.array(["al", "bab", ""]), "blob": np.array("text")}


def test_arrays_are_built_once_and_read_back_equal(cache: Path) -> None:
    builds = []

    def build() -> dict[str, np.ndarray]:
        builds.append(1)
        return _arrays()

    first = cached_arrays("test-1", build)
    again = cached_arrays("test-1", build)
    assert len(builds) == 1
    for read in (first, again):
        assert set(read) == set(_arrays())
        for name, expected in _arrays().items():
            assert read[name].dtype == expected.dtype
            assert np.array_equal(read[name], expected)
    assert not again["ids"].flags.writeable
    assert [p.name for p in cache.iterdir()] == ["test-1"]  # no staging directory left behind

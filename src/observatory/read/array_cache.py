"""Arrays derived from bundled data (the language model unpacked), kept between runs in
the cache directory as one .npy file per array and mapped into memory when read: reading them is then
a matter of milliseconds, however large they are."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from observatory.config import cache_dir


def cached_arrays(name: str, build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays kept under ``name`` in the cache directory (read-only memory maps), first built with
    ``build`` and written there when missing. ``name`` must change whenever what ``build`` returns would:
    callers name the arrays by a hash of their sources."""
    target = cache_dir() / name
    if not target.is_dir():
        _write(target, build())
    return {path.stem: np.load(path, mmap_mode="r", allow_pickle=False) for path in sorted(target.glob("*.npy"))}


def _write(target: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write the arrays to a fresh directory beside ``target``, then move it into place in one step, so
    that a reader never sees half of them; a process that lost the race to another keeps the other's."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    for key, array in arrays.items():
        np.save(staging / f"{key}.npy", array, allow_pickle=False)
    try:
        os.replace(staging, target)
    except OSError:  # another process wrote it first
        shutil.rmtree(staging, ignore_errors=True)

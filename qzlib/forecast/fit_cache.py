"""Fitted trend paths kept on disk, so that a series is fitted once, not once per brief.

A batch fits the same reference series (浙江省, 全国) in every brief of every scenario and
language, and each fit is the brief's dearest arithmetic after its charts (statsmodels' ETS
and Theta, and their import). The family paths of ``models.family_paths`` are a pure
function of the years, the values, the forecast years, the families asked for and the code
that fits them, so the key is a SHA-256 over exactly those: the source of ``models.py``,
the versions of numpy, scipy, statsmodels and statsforecast, and the arrays' bytes. A change to any of them
is a new key, never a stale answer.

Where: ``.cache/fits/`` in the project (not in git), or ``$QZ_FIT_CACHE``; ``QZ_FIT_CACHE=off``
turns it off. One small ``.npz`` per key, written by rename (two processes may race to write
the same key; both write the same numbers). A file that cannot be read is a miss.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from qzlib.atomic import atomic_file
from qzlib.hashing import file_sha256
from qzlib.paths import ROOT

ENV = "QZ_FIT_CACHE"
LIBRARIES = ("numpy", "scipy", "statsmodels", "statsforecast")   # what models.py fits with
OFF = ("0", "off", "no", "false")


def folder() -> Path | None:
    """Where the fits are kept (None: caching is off)."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in OFF:
        return None
    return Path(value) if value else ROOT / ".cache" / "fits"


@lru_cache(maxsize=1)
def _code() -> bytes:
    """What the numbers depend on besides the data: the fitting code and the libraries."""
    from qzlib.forecast import models

    h = hashlib.sha256(file_sha256(models.__file__).encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=none".encode())
    return h.digest()


def key(t, y, tf, families) -> str:
    """The key of one ``family_paths`` call.

    >>> k = key([2020, 2021, 2022], [1.0, 2.0, 3.0], [2023], {"drift", "naive"})
    >>> k == key([2020, 2021, 2022], [1.0, 2.0, 3.0], [2023], {"naive", "drift"}), len(k)
    (True, 64)
    >>> k == key([2020, 2021, 2022], [1.0, 2.0, 3.5], [2023], {"drift", "naive"})
    False
    """
    h = hashlib.sha256(_code())
    for a in (t, y, tf):
        h.update(np.ascontiguousarray(a, dtype="<f8").tobytes() + b"|")
    h.update(json.dumps(sorted(families) if families is not None else None).encode())
    return h.hexdigest()


def get(k: str) -> tuple[dict[str, np.ndarray], dict[str, str]] | None:
    """The paths and the failures stored under ``k``, or None."""
    base = folder()
    if base is None:
        return None
    try:
        with np.load(base / k[:2] / f"{k}.npz", allow_pickle=False) as z:
            failures = json.loads(str(z["__failures__"]))
            return {n: z[n] for n in z.files if n != "__failures__"}, failures
    except (OSError, ValueError, KeyError):
        return None


def put(k: str, paths: dict[str, np.ndarray], failures: dict[str, str]) -> None:
    """Keep one result (quietly skipped where the folder cannot be written)."""
    base = folder()
    if base is None:
        return
    try:
        with atomic_file(base / k[:2] / f"{k}.npz", "wb") as fh:
            np.savez(fh, __failures__=np.array(json.dumps(failures, ensure_ascii=False)), **paths)
    except OSError:
        return


def family_paths(t, y, tf, families=None, failures: dict | None = None) -> dict[str, np.ndarray]:
    """``models.family_paths`` through the cache: the same answer, fitted at most once."""
    from qzlib.forecast import models

    k = key(t, y, tf, families)
    hit = get(k)
    if hit is not None:
        paths, failed = hit
    else:
        failed = {}
        paths = models.family_paths(t, y, tf, families=families, failures=failed)
        put(k, paths, failed)
    if failures is not None:
        failures.update(failed)
    return paths

"""Write-then-rename helpers, so a failed run never leaves half a file or folder.

Readers never see a partly written CSV, and a failed ingest or brief leaves the
previous outputs exactly as they were (byte-identical).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pandas as pd


def umask() -> int:
    """The process umask (read without changing it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; give the file ordinary permissions
    try:
        kw = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with open(tmp, mode, **kw) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """UTF-8 CSV, no index, written atomically."""
    with atomic_file(path) as fh:
        df.to_csv(fh, index=False)
    return Path(path)


@contextlib.contextmanager
def staged_dir(target: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success, move each file in it into ``target``.

    Files in ``target`` that the run did not write are left alone. If the block raises,
    ``target`` is untouched and the staging folder is removed.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging.", dir=target.parent))
    try:
        yield stage
        target.mkdir(parents=True, exist_ok=True)
        for item in sorted(stage.rglob("*")):
            if item.is_file():
                dest = target / item.relative_to(stage)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(item, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def replace_dir(stage: str | Path, target: str | Path) -> None:
    """Swap a completed folder into place as a whole (old one removed only after)."""
    stage, target = Path(stage), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old.{os.getpid()}")
        os.replace(target, old)
    os.replace(stage, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

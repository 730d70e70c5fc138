"""Write-then-rename helpers and versioned folders, so a reader never sees half a file or folder.

Files (``atomic_file``, ``write_csv``) are written beside their target and renamed over it.

Folders that are read as a whole (a brief, ``data/processed``) are *published*: each
run writes a complete new folder under ``<parent>/.versions/<name>/<stamp>/<name>``, and
the public path ``<parent>/<name>`` is a relative symlink that one ``rename(2)`` swaps to
the new folder. A reader sees the complete old folder or the complete new one, never a
mix and never nothing. Old versions are removed after the swap (unless a reader still
holds them, see ``reading``). One lock per destination (``filelock``) serialises
writers; a run that fails or is killed before the swap leaves the previous folder as it
was, and its leftovers are removed by the next run that takes the lock.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from filelock import FileLock, ReadWriteLock, Timeout

from qzlib.errors import QzError

if TYPE_CHECKING:   # a type only: the command line starts without pandas
    import pandas as pd

VERSIONS = ".versions"  # <parent>/.versions/<name>/ holds a published folder's versions
STAGING = ".staging-"   # a version being written (inside the versions folder)
LINK = ".link-"         # a new symlink before it is renamed over the public path
LOCK = ".lock"          # writers of one destination (filelock.FileLock)
READERS = ".readers"    # readers of one destination (filelock.ReadWriteLock, read mode)
FAULT_ENV = "QZ_FAULT"  # tests only: name of a publish step at which the process kills itself


class BusyError(QzError):
    """Another run holds a destination's lock for longer than the caller would wait."""


def umask() -> int:
    """The process umask, read without changing it.

    Linux reports it in /proc/self/status; setting and restoring it (``os.umask``) would
    leave other threads of a Jupyter kernel creating files with umask 0 for a moment.
    Elsewhere the common default 022 is assumed (explicit modes 0644/0755).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def file_mode() -> int:
    """The mode ``open()`` would give a new file (0644 under umask 022)."""
    return 0o666 & ~umask()


def dir_mode() -> int:
    """The mode ``mkdir`` would give a new folder (0755 under umask 022)."""
    return 0o777 & ~umask()


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, file_mode())  # mkstemp makes 0600; give the file ordinary permissions
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


# --------------------------------------------------------------------------- versioned folders
def _abs(target: str | Path) -> Path:
    """Absolute path without following the last symlink (that link is what gets swapped)."""
    return Path(os.path.abspath(os.fspath(target)))


def versions_dir(target: str | Path) -> Path:
    target = _abs(target)
    return target.parent / VERSIONS / target.name


def is_versioned(target: str | Path) -> bool:
    """True when ``target`` is a symlink into its own versions folder (published before)."""
    target = _abs(target)
    return target.is_symlink() and os.readlink(target).startswith(f"{VERSIONS}/{target.name}/")


def _fault(step: str) -> None:
    """Test hook: die here, as SIGKILL would, when QZ_FAULT names this step."""
    if os.environ.get(FAULT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _clean_leftovers(target: Path) -> None:
    """Remove staging folders and unswapped links of runs that died (caller holds the lock)."""
    vdir = versions_dir(target)
    if not vdir.is_dir():
        return
    for p in vdir.iterdir():
        if p.name.startswith(STAGING) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(LINK):  # a link, or a plain folder an exchange left there
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()


@contextlib.contextmanager
def locked(target: str | Path, timeout: float | None = None,
           on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the writers' lock of ``target`` (re-entrant in one thread).

    If another process holds it, ``on_wait`` is told once and the call waits (for
    ``timeout`` seconds at most, then BusyError). On first entry, leftovers of runs that
    died holding the lock are removed: no live run has a staging folder without the lock.
    """
    target = _abs(target)
    vdir = versions_dir(target)
    vdir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(vdir / LOCK), is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait(f"{target} is being written by another run (lock {vdir / LOCK}); waiting for it to finish …")
        try:
            lock.acquire(timeout=-1 if timeout is None else timeout)
        except Timeout:
            raise BusyError(f"{target} is still being written by another run after {timeout:.0f} s "
                            f"(lock {vdir / LOCK}); try again when it has finished") from None
    try:
        if lock.lock_counter == 1:
            _clean_leftovers(target)
        yield
    finally:
        lock.release()


def new_stage(target: str | Path) -> Path:
    """A fresh, empty folder named like ``target`` in which to write its next version.

    Call with ``locked(target)`` held; ``publish`` makes it current, ``discard`` drops it.
    """
    target = _abs(target)
    vdir = versions_dir(target)
    vdir.mkdir(parents=True, exist_ok=True)
    box = Path(tempfile.mkdtemp(prefix=STAGING, dir=vdir))
    os.chmod(box, dir_mode())  # mkdtemp makes 0700; a published folder gets ordinary permissions
    stage = box / target.name
    stage.mkdir()
    return stage


def discard(stage: str | Path) -> None:
    """Remove a stage made by ``new_stage`` (nothing is published)."""
    box = Path(stage).parent
    if box.name.startswith(STAGING):
        shutil.rmtree(box, ignore_errors=True)


def _libc_renameat2():
    name = ctypes.util.find_library("c")
    try:
        fn = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    fn = _libc_renameat2()
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _swap(link: Path, target: Path, vdir: Path, stamp: str) -> None:
    """Put ``link`` at ``target`` in one step. A plain folder left by an older version of
    the suite is exchanged with the link (or, where the kernel cannot, renamed away first
    and put back on failure) and kept as an old version."""
    if target.is_symlink() or not target.exists():
        os.replace(link, target)
        return
    if not target.is_dir():
        raise QzError(f"{target} is a file, expected a folder to publish into")
    legacy = vdir / f"0-plain-{stamp}"
    if _exchange(link, target):
        with contextlib.suppress(OSError):  # else removed as a leftover by the next run
            os.rename(link, legacy)  # ``link`` now names the old plain folder
        return
    os.rename(target, legacy)
    try:
        os.replace(link, target)
    except BaseException:
        os.rename(legacy, target)
        raise


def _stamp() -> str:
    t = time.time()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z-{os.getpid()}"


def current(target: str | Path) -> Path | None:
    """The version folder ``target`` points at (None if not published)."""
    target = _abs(target)
    return Path(os.path.realpath(target)) if is_versioned(target) else None


def publish(stage: str | Path, target: str | Path, keep: int = 1) -> Path:
    """Make the completed ``stage`` (from ``new_stage``) the folder at ``target``.

    Call with ``locked(target)`` held. The stage becomes a version, a new symlink to it is
    renamed over ``target`` (atomic), then old versions beyond ``keep`` are removed. If
    anything fails before the swap, the new version is removed and ``target`` is as before.
    """
    stage, target = Path(stage), _abs(target)
    vdir = versions_dir(target)
    stamp = _stamp()
    version = vdir / stamp
    os.rename(stage.parent, version)
    link = vdir / f"{LINK}{stamp}"
    try:
        os.symlink(f"{VERSIONS}/{target.name}/{stamp}/{target.name}", link)
        _fault("before-swap")
        _swap(link, target, vdir, stamp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        if current(target) != (version / target.name).resolve():
            shutil.rmtree(version, ignore_errors=True)
        raise
    _fault("after-swap")
    prune(target, keep)
    return target


def prune(target: str | Path, keep: int = 1) -> list[Path]:
    """Remove versions other than the current one and the ``keep - 1`` newest before it.

    Skipped (left for a later publish) while a reader holds the folder (``reading``).
    """
    target = _abs(target)
    vdir = versions_dir(target)
    now = current(target)
    if now is None:
        return []
    rw = ReadWriteLock(str(vdir / READERS), is_singleton=False)
    removed: list[Path] = []
    try:
        with rw.write_lock(timeout=0, blocking=False):
            old = sorted((p for p in vdir.iterdir() if p.is_dir() and not p.name.startswith(".")
                          and p != now.parent), key=lambda p: p.name, reverse=True)
            for p in old[max(keep - 1, 0):]:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    except Timeout:
        pass
    finally:
        rw.close()
    return removed


@contextlib.contextmanager
def reading(folder: str | Path) -> Iterator[Path]:
    """Pin the current version of a published folder while reading it.

    Yields the version's own path, so every file is read from one version even if a new
    one is published meanwhile; that version is not removed until the block ends. A plain
    folder is yielded as it is.
    """
    folder = _abs(folder)
    if not is_versioned(folder):
        yield Path(os.path.realpath(folder))
        return
    rw = ReadWriteLock(str(versions_dir(folder) / READERS), is_singleton=False)
    try:
        with rw.read_lock():
            yield Path(os.path.realpath(folder))
    finally:
        rw.close()


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _carry_over(target: Path, stage: Path) -> None:
    """Bring what the run did not write from the current version into the stage."""
    src = Path(os.path.realpath(target))
    if not src.is_dir():
        return
    for item in src.iterdir():
        dest = stage / item.name
        if dest.exists() or dest.is_symlink():
            continue
        if item.is_dir() and not item.is_symlink():
            shutil.copytree(item, dest, symlinks=True, copy_function=_link_or_copy)
        elif item.is_symlink():
            os.symlink(os.readlink(item), dest)
        else:
            _link_or_copy(str(item), str(dest))


@contextlib.contextmanager
def staged_dir(target: str | Path, versioned: bool | None = None, keep: int = 1,
               on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success, its files join ``target``.

    Files in ``target`` that the run did not write are kept. If the block raises, ``target``
    is untouched and the staging folder is removed.

    A published folder (``versioned``; by default when ``target`` already is one) gets a
    whole new version in one swap, under its lock. Any other folder (a private staging
    folder, a scenario's output folder) gets the stage's files moved in one by one.
    """
    target = _abs(target)
    if versioned is None:
        versioned = is_versioned(target)
    if versioned:
        with locked(target, on_wait=on_wait):
            stage = new_stage(target)
            try:
                yield stage
                _carry_over(target, stage)
                publish(stage, target, keep=keep)
            except BaseException:
                discard(stage)
                raise
        return
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

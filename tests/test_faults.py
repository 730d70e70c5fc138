"""Fault injection for publishing: concurrent runs, SIGKILL mid-publish, stale tables, batch order.

Runnable alone: ``pytest tests/test_faults.py`` (add ``-m "not slow"`` for the quick half).
Kills are deterministic: ``QZ_FAULT=before-swap`` (or ``after-swap``) makes the process
SIGKILL itself at that step of ``qzlib.atomic.publish``. Everything runs in tmp folders.
"""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import toy_brief
from qzlib import paths
from qzlib.atomic import (BusyError, current, locked, new_stage, publish, reading, staged_dir,
                          versions_dir)
from qzlib.pipeline import MANIFEST, ensure_fresh, run_ingest

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- helpers
def _snapshot(folder: Path) -> dict[str, str]:
    """name → SHA-256 of every file in a folder (read through the public path)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).iterdir())
            if p.is_file()}


def _versions(target: Path) -> list[str]:
    return sorted(p.name for p in versions_dir(target).iterdir() if not p.name.startswith("."))


def _python(code: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    full = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=full, capture_output=True,
                          text=True, timeout=300, **kw)


def _publish_script(target: Path, content: str) -> str:
    """A process that writes a folder of two files and publishes it at ``target``."""
    return f"""
        from pathlib import Path
        from qzlib.atomic import locked, new_stage, publish
        target = Path({str(target)!r})
        with locked(target):
            stage = new_stage(target)
            (stage / "brief.pdf").write_text("pdf {content}")
            (stage / "data.csv").write_text("csv {content}")
            publish(stage, target)
    """


def _raw_copy(tmp_path: Path) -> Path:
    """A copy of data/raw (plan + statistics) that a test may change."""
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    return raw


def _change_first_value(csv_path: Path) -> str:
    """Add 1 to the first row's value (a synthetic change of a shipped figure); the new value."""
    rows = list(csv.reader(csv_path.open(encoding="utf-8", newline="")))
    col = rows[0].index("value")
    rows[1][col] = f"{float(rows[1][col]) + 1:g}"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return rows[1][col]


def _toy_project(tmp_path: Path) -> dict:
    """A tiny brief notebook (one data file; with $QZ_TEST_GATE set it waits until that file
    exists), one scenario, placeholder tables."""
    return toy_brief.make(tmp_path, [
        "import os, time\n"
        "gate = os.environ.get('QZ_TEST_GATE')\n"
        "while gate and not os.path.exists(gate):\n    time.sleep(0.05)",
        "from pathlib import Path\nPath(output_dir, 'data.csv').write_text(f'year\\n{year}\\n')"], scenarios=("a",))


def _brief_script(proj: dict, year: int = 2025) -> str:
    args = ", ".join(f"{k}=Path({str(v)!r})" for k, v in proj.items())
    return f"""
        import sys
        from pathlib import Path
        from qzlib.report.runner import BriefRequest, run_brief
        r = run_brief(BriefRequest(year={year}, scenario="a", {args}),
                      on_wait=lambda m: print("WAIT", m, file=sys.stderr, flush=True))
        print("OK" if r.ok else "FAIL " + r.failed_cell, flush=True)
        sys.exit(0 if r.ok else 1)
    """


def _wait_for_lock(target: Path, seconds: float = 60) -> None:
    """Return once another process holds ``target``'s lock (polled, no fixed sleep)."""
    from filelock import FileLock, Timeout

    lock = versions_dir(target) / ".lock"
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if lock.exists():
            probe = FileLock(str(lock), is_singleton=False)
            try:
                probe.acquire(timeout=0)
                probe.release()
            except Timeout:
                return
        time.sleep(0.05)
    raise AssertionError(f"nobody took {lock}")


def _first_line_starting(stream, prefix: str, seconds: float = 120) -> str:
    """The first line of a child's output that starts with ``prefix`` ('' at its end or after ``seconds``)."""
    import queue
    import threading

    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in iter(stream.readline, "")] + [lines.put("")],
                     daemon=True).start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            line = lines.get(timeout=max(end - time.monotonic(), 0.01))
        except queue.Empty:
            break
        if line == "" or line.startswith(prefix):
            return line
    return ""


# --------------------------------------------------------------------------- publishing a folder
def test_publish_swaps_a_link_and_keeps_only_the_current_version(tmp_path):
    target = tmp_path / "out" / "2025" / "a"
    for n in (1, 2, 3):
        with locked(target):
            stage = new_stage(target)
            (stage / "brief.pdf").write_text(f"v{n}")
            publish(stage, target)
    assert target.is_symlink() and os.readlink(target).startswith(".versions/a/")
    assert (target / "brief.pdf").read_text() == "v3"
    assert current(target).name == "a"  # the version folder keeps the public name
    assert len(_versions(target)) == 1 and toy_brief.leftovers(target) == []


def test_a_plain_folder_from_before_is_replaced_in_one_step_and_kept_files_carry_over(tmp_path):
    target = tmp_path / "processed"
    target.mkdir()
    (target / ".gitkeep").write_text("")
    (target / "observations.csv").write_text("old")
    with staged_dir(target, versioned=True) as stage:
        (stage / "observations.csv").write_text("new")
    assert target.is_symlink()
    assert _snapshot(target) == _snapshot_of({".gitkeep": "", "observations.csv": "new"}, tmp_path)
    assert len(_versions(target)) == 1 and toy_brief.leftovers(target) == []


def test_without_an_atomic_exchange_a_plain_folder_is_put_back_if_the_swap_fails(tmp_path, monkeypatch):
    """Kernels without renameat2: rename the plain folder away, link in; on failure, rename it back."""
    from qzlib import atomic

    target = tmp_path / "a"
    target.mkdir()
    (target / "brief.pdf").write_text("old")
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == target:
            raise OSError("disk trouble")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with locked(target):
        stage = new_stage(target)
        (stage / "brief.pdf").write_text("new")
        with pytest.raises(OSError, match="disk trouble"):
            publish(stage, target)
    assert not target.is_symlink() and (target / "brief.pdf").read_text() == "old"
    assert _versions(target) == [] and toy_brief.leftovers(target) == []
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    with staged_dir(target, versioned=True) as stage:
        (stage / "brief.pdf").write_text("new")
    assert target.is_symlink() and (target / "brief.pdf").read_text() == "new" and len(_versions(target)) == 1


def _snapshot_of(files: dict[str, str], tmp_path: Path) -> dict[str, str]:
    d = tmp_path / "expected"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text)
    return _snapshot(d)


def test_a_failing_run_changes_nothing_and_leaves_no_stage(tmp_path):
    target = tmp_path / "processed"
    with staged_dir(target, versioned=True) as stage:
        (stage / "a.csv").write_text("good")
    before = os.readlink(target)
    with pytest.raises(RuntimeError):
        with staged_dir(target) as stage:  # already published: versioned by default
            (stage / "a.csv").write_text("half")
            raise RuntimeError("step two failed")
    assert os.readlink(target) == before and (target / "a.csv").read_text() == "good"
    assert toy_brief.leftovers(target) == [] and len(_versions(target)) == 1


def test_a_reader_keeps_its_version_while_a_new_one_is_published(tmp_path):
    """A brief that starts mid-ingest reads one version throughout; it is removed only after."""
    target = tmp_path / "processed"
    with staged_dir(target, versioned=True) as stage:
        (stage / "indicators.csv").write_text("old")
        (stage / "observations.csv").write_text("old")
    with reading(target) as pinned:
        with staged_dir(target) as stage:
            (stage / "indicators.csv").write_text("new")
            (stage / "observations.csv").write_text("new")
        assert (target / "indicators.csv").read_text() == "new"
        assert (pinned / "indicators.csv").read_text() == "old"
        assert (pinned / "observations.csv").read_text() == "old"
        assert len(_versions(target)) == 2  # not pruned under the reader
    with staged_dir(target) as stage:
        (stage / "observations.csv").write_text("newer")
    assert not pinned.exists() and len(_versions(target)) == 1


def test_a_second_writer_is_told_and_times_out_with_a_clear_message(tmp_path):
    target = tmp_path / "out" / "2025" / "a"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from qzlib.atomic import locked
        with locked({str(target)!r}):
            print("held", flush=True)
            sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        told = []
        with pytest.raises(BusyError, match=r"still being written by another run after 0 s"):
            with locked(target, timeout=0.2, on_wait=told.append):
                pass
        assert told and "being written by another run" in told[0] and "waiting" in told[0]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.mark.parametrize("step, expect", [("before-swap", "old"), ("after-swap", "new")])
def test_a_publish_killed_at_the_swap_leaves_one_complete_folder(tmp_path, step, expect):
    target = tmp_path / "out" / "2025" / "a"
    assert _python(_publish_script(target, "old")).returncode == 0
    old = _snapshot(target)
    killed = _python(_publish_script(target, "new"), env={"QZ_FAULT": step})
    assert killed.returncode == -signal.SIGKILL
    assert {n: (target / n).read_text() for n in old} == {"brief.pdf": f"pdf {expect}", "data.csv": f"csv {expect}"}
    if expect == "old":
        assert _snapshot(target) == old
    # the next run cleans up what the killed one left
    assert _python(_publish_script(target, "next")).returncode == 0
    assert (target / "brief.pdf").read_text() == "pdf next"
    assert toy_brief.leftovers(target) == [] and len(_versions(target)) == 1


# --------------------------------------------------------------------------- data/processed
@pytest.mark.slow
@pytest.mark.parametrize("step", ["before-swap", "after-swap"])
def test_an_ingest_killed_mid_publish_leaves_processed_all_old_or_all_new(tmp_path, step):
    raw = _raw_copy(tmp_path)
    plan, stats = raw / "plan" / paths.PLAN_FILE.name, raw / "statistics"
    processed, fresh = tmp_path / "processed", tmp_path / "fresh"
    run_ingest(plan, processed, stats, quiet=True)
    old = _snapshot(processed)
    _change_first_value(stats / "reference_statistics.csv")
    run_ingest(plan, fresh, stats, quiet=True)  # what a complete new ingest writes
    new = _snapshot(fresh)
    assert old["observations.csv"] != new["observations.csv"]
    killed = _python(f"""
        from qzlib.pipeline import run_ingest
        run_ingest({str(plan)!r}, {str(processed)!r}, {str(stats)!r}, quiet=True)
    """, env={"QZ_FAULT": step})
    assert killed.returncode == -signal.SIGKILL
    now = _snapshot(processed)
    tables = [n for n in old if n != MANIFEST]
    if step == "before-swap":
        assert now == old
    else:
        assert {n: now[n] for n in tables} == {n: new[n] for n in tables}
    run_ingest(plan, processed, stats, quiet=True)
    assert toy_brief.leftovers(processed) == [] and len(_versions(processed)) == 1


def test_stale_processed_tables_are_re_ingested_and_the_user_is_told(tmp_path):
    raw = _raw_copy(tmp_path)
    plan, stats = raw / "plan" / paths.PLAN_FILE.name, raw / "statistics"
    processed = tmp_path / "processed"
    run_ingest(plan, processed, stats, quiet=True)
    said: list[str] = []
    assert ensure_fresh(processed, echo=said.append) is False and said == []
    value = _change_first_value(stats / "reference_statistics.csv")
    assert ensure_fresh(processed, echo=said.append) is True
    assert "data/raw changed since the last ingest" in said[0]
    assert f"{stats / 'reference_statistics.csv'} changed" in said[0] and "re-ingesting" in said[0]
    obs = list(csv.DictReader((processed / "observations.csv").open(encoding="utf-8")))
    changed = [r for r in obs if r["file"] == "statistics/reference_statistics.csv" and r["row"] == "2"]
    assert [float(r["value_published"]) for r in changed] == [float(value)]  # the new figure is in
    assert ensure_fresh(processed, echo=said.append) is False and len(said) == 2  # fresh again, quiet
    # a hand-edited table is noticed, and so are a new file and a table rewritten together
    (processed / "coverage.csv").write_text("edited\n")
    said.clear()
    assert ensure_fresh(processed, echo=said.append) is True
    assert said[0].startswith(f"处理后数据被改动：{processed} changed since the last ingest (coverage.csv in "
                              "processed rewritten outside `qz ingest`): re-ingesting")
    shutil.copy(stats / "reference_statistics.csv", stats / "second.csv")
    (processed / "coverage.csv").write_text("edited\n")
    said.clear()
    assert ensure_fresh(processed, echo=said.append) is True
    assert said[0].startswith("原始数据已变化：data/raw changed since the last ingest")
    assert f"{stats / 'second.csv'} is new" in said[0]
    assert "coverage.csv in processed rewritten outside `qz ingest`" in said[0]


def test_a_folder_not_written_by_ingest_is_used_with_a_note(tmp_path):
    folder = tmp_path / "hand-made"
    folder.mkdir()
    said: list[str] = []
    assert ensure_fresh(folder, echo=said.append) is False
    assert said == [f"note: {folder} has no manifest.json (not written by `qz ingest`), so it cannot be "
                    "checked against data/raw; using it as it is"]


@pytest.mark.slow
def test_qz_brief_says_it_re_ingests_before_it_builds(tmp_path, capsys):
    """The CLI wiring: the stale check runs before the brief (a bad year stops it before any kernel)."""
    from qzlib.cli import main

    raw = _raw_copy(tmp_path)
    plan, stats = raw / "plan" / paths.PLAN_FILE.name, raw / "statistics"
    processed = tmp_path / "processed"
    run_ingest(plan, processed, stats, quiet=True)
    _change_first_value(stats / "reference_statistics.csv")
    with pytest.raises(SystemExit) as done:
        main(["brief", "--year", "1999", "--processed", str(processed), "--out", str(tmp_path / "out")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "re-ingesting" in err and "reference_statistics.csv changed" in err and "1999" in err


# --------------------------------------------------------------------------- whole briefs
@pytest.mark.slow
def test_two_briefs_for_one_destination_both_finish_one_after_the_other(tmp_path):
    """The first brief holds its destination until the second has said it waits (a gate file)."""
    proj = _toy_project(tmp_path)
    dest, gate = proj["outputs_dir"] / "2025" / "a", tmp_path / "gate"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    first = subprocess.Popen([sys.executable, "-c", textwrap.dedent(_brief_script(proj))], text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**env, "QZ_TEST_GATE": str(gate)})
    try:
        _wait_for_lock(dest)
        second = subprocess.Popen([sys.executable, "-c", textwrap.dedent(_brief_script(proj))], text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        waited = _first_line_starting(second.stderr, "WAIT")  # the second run says it waits
    finally:
        gate.write_text("go")
    out1, err1 = first.communicate(timeout=300)
    second.wait(timeout=300)  # its stderr belongs to the reader thread
    out2 = second.stdout.read()
    assert (first.returncode, second.returncode) == (0, 0), err1
    assert out1.strip() == "OK" and out2.strip() == "OK"
    assert waited.startswith("WAIT") and f"{dest} is being written by another run" in waited
    assert "WAIT" not in err1
    assert sorted(p.name for p in dest.iterdir()) == ["01_brief.ipynb", "brief.docx", "brief.html", "brief.pdf",
                                                     "data.csv", "inputs.json", "results.xlsx"]
    assert (dest / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert toy_brief.leftovers(dest) == [] and len(_versions(dest)) == 1


@pytest.mark.slow
def test_a_brief_killed_during_publish_leaves_the_previous_brief_intact(tmp_path):
    proj = _toy_project(tmp_path)
    dest = proj["outputs_dir"] / "2025" / "a"
    assert _python(_brief_script(proj)).returncode == 0
    before = _snapshot(dest)
    assert set(before) == {"01_brief.ipynb", "brief.docx", "brief.html", "brief.pdf", "data.csv", "inputs.json",
                           "results.xlsx"}
    killed = _python(_brief_script(proj), env={"QZ_FAULT": "before-swap"})
    assert killed.returncode == -signal.SIGKILL
    assert _snapshot(dest) == before
    assert (dest / "brief.pdf").read_bytes().startswith(b"%PDF")

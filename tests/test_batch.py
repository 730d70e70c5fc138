"""qz batch on Dask distributed: a local cluster, failure isolation, request order, skipping
briefs whose inputs have not changed, and several plans side by side."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import toy_brief
from qzlib import i18n, paths
from qzlib.report.batch import expand, run_batch, summary
from qzlib.report.inputs import INPUTS, recorded
from qzlib.report.runner import REQUIRED_TABLES


def summary_en(results) -> str:
    """The batch summary as `qz batch --lang en` prints it."""
    with i18n.using("en"):
        return summary(results)


def _toy_project(tmp_path: Path, late_year: int = 0, failing_year: int = 0) -> dict:
    """A tiny brief notebook (synthetic): writes data.csv; ``failing_year`` raises; ``late_year``
    waits (up to 2 min) until the brief of the year after it is published, so it finishes after
    that one whatever order the cluster starts them in."""
    gate = tmp_path / "out" / str(late_year + 1) / "a" / "data.csv"
    return toy_brief.make(tmp_path, [
        f"import time\nfrom pathlib import Path\nt0 = time.monotonic()\n"
        f"while year == {late_year} and not Path({str(gate)!r}).exists() and time.monotonic() - t0 < 120:\n"
        f"    time.sleep(0.05)",
        f"if year == {failing_year}:\n    raise ValueError('no data for this year')",
        "from pathlib import Path\nPath(output_dir, 'data.csv').write_text(f'year\\n{year}\\n')"])


@pytest.fixture
def fixed_code(monkeypatch):
    """qzlib's own hash held still: others edit this working tree while the tests run, and a
    changed qzlib rightly rebuilds everything (covered by the recorded-inputs test)."""
    monkeypatch.setattr("qzlib.report.batch.code_hash", lambda: "0" * 64)


def _versions(dest: Path) -> str:
    """The version the public brief folder points at (changes on every publish)."""
    return os.readlink(dest)


@pytest.mark.slow
def test_a_local_cluster_of_two_isolates_a_failing_brief_and_keeps_request_order(tmp_path):
    proj = _toy_project(tmp_path, late_year=2023, failing_year=2025)
    results = run_batch(expand([2023, 2024, 2025], ["a"], **proj), jobs=2, progress=False)
    assert [r.request.year for r in results] == [2023, 2024, 2025]
    assert [r.ok for r in results] == [True, True, False]
    published = [os.stat(r.pdf.parent / "data.csv").st_mtime_ns for r in results[:2]]
    assert published[0] > published[1]  # 2023 finished (and was published) after 2024, yet comes first
    assert "cell 4 of 01_brief.ipynb" in results[2].failed_cell and "no data for this year" in results[2].failed_cell
    for r in results[:2]:  # the worker's files arrived and were published by the client
        folder = r.pdf.parent
        assert (folder / "data.csv").read_text() == f"year\n{r.request.year}\n"
        assert r.pdf.read_bytes().startswith(b"%PDF")
        assert recorded(folder)["request"]["year"] == r.request.year
    assert not (proj["outputs_dir"] / "2025" / "a").exists()
    for r in results:   # no staging folder or half-swapped link left, built or failed
        assert toy_brief.leftovers(r.request.destination) == []
    assert summary_en(results).splitlines()[0] == "3 briefs: 2 built, 0 up to date (skipped), 1 failed; " \
        + summary_en(results).splitlines()[0].split("; ")[1]


def test_unchanged_briefs_are_skipped_a_changed_scenario_is_rebuilt_and_force_rebuilds_all(tmp_path, fixed_code):
    proj = _toy_project(tmp_path)
    requests = expand([2024], ["a", "b"], **proj)
    first = run_batch(requests, jobs=1, progress=False)
    assert [(r.ok, r.skipped) for r in first] == [(True, False), (True, False)]
    links = [_versions(r.request.destination) for r in first]

    again = run_batch(requests, jobs=1, progress=False)
    assert [(r.ok, r.skipped) for r in again] == [(True, True), (True, True)]
    assert [_versions(r.request.destination) for r in again] == links  # nothing was published
    text = summary_en(again)
    assert text.splitlines()[0] == "2 briefs: 0 built, 2 up to date (skipped), 0 failed"
    assert "  skip  2024/a" in text

    (proj["scenarios_dir"] / "b.yml").write_text("name: b\ndescription: changed\n", encoding="utf-8")
    changed = run_batch(requests, jobs=1, progress=False)
    assert [r.skipped for r in changed] == [True, False]
    assert _versions(changed[0].request.destination) == links[0]
    assert _versions(changed[1].request.destination) != links[1]

    forced = run_batch(requests, jobs=1, progress=False, force=True)
    assert [r.skipped for r in forced] == [False, False]
    assert summary_en(forced).startswith("2 briefs: 2 built, 0 up to date (skipped), 0 failed")


def test_the_recorded_inputs_name_tables_scenario_notebook_and_qzlib(tmp_path):
    proj = _toy_project(tmp_path)
    [r] = run_batch(expand([2024], ["a"], **proj), jobs=1, progress=False)
    rec = recorded(r.pdf.parent)
    assert sorted(rec) == ["notebook", "other_plans", "qzlib", "request", "scenarios", "tables"]
    assert sorted(rec["tables"]) == sorted(REQUIRED_TABLES)
    assert list(rec["scenarios"]) == ["a"] and len(rec["notebook"]) == 64
    assert rec["qzlib"]["version"] and len(rec["qzlib"]["code"]) == 64
    assert (r.pdf.parent / INPUTS).is_file()


@pytest.mark.slow
def test_a_changed_statistics_file_rebuilds_only_the_briefs_of_that_plan(tmp_path, fixed_code):
    """Two plan workspaces ingested for real (copies of the shipped plan); a synthetic change to
    one plan's statistics re-ingests it and rebuilds only its briefs."""
    from qzlib.pipeline import ensure_fresh, run_ingest
    from tests.test_faults import _change_first_value

    proj = _toy_project(tmp_path)
    requests = []
    for name in ("one", "two"):
        raw = tmp_path / name / "raw"
        shutil.copytree(paths.RAW, raw)
        processed = tmp_path / name / "processed"
        run_ingest(raw / "plan" / paths.PLAN_FILE.name, processed, raw / "statistics", quiet=True)
        requests += expand([2024, 2025], ["a"], **{**proj, "processed_dir": processed,
                                                   "outputs_dir": tmp_path / name / "out"}, plan=name)
    assert all(r.ok and not r.skipped for r in run_batch(requests, jobs=1, progress=False))
    assert all(r.skipped for r in run_batch(requests, jobs=1, progress=False))  # nothing changed

    _change_first_value(tmp_path / "one" / "raw" / "statistics" / "reference_statistics.csv")
    said = []
    assert ensure_fresh(tmp_path / "one" / "processed", echo=said.append)
    assert not ensure_fresh(tmp_path / "two" / "processed", echo=said.append)
    results = run_batch(requests, jobs=1, progress=False)
    assert [(r.request.label, r.skipped) for r in results] == [
        ("one/2024/a", False), ("one/2025/a", False), ("two/2024/a", True), ("two/2025/a", True)]
    assert summary_en(results).startswith("4 briefs: 2 built, 2 up to date (skipped), 0 failed")

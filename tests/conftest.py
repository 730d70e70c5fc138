"""Shared fixtures: the real plan and statistics ingested once into a temporary folder, and one
brief per data state.

`make test` runs on two pytest-xdist workers; each expensive fixture is built once for the
whole run, not once per worker: the first worker to ask builds it under a file lock in the
run's shared temporary folder, the other waits and reads the same folder (:func:`shared`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from filelock import FileLock

os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parent.parent


# The fixtures that build briefs or import files: every test file using one runs on the same
# xdist worker, so no worker idles waiting for another's build.
HEAVY = {"bureau_briefs": "bureau", "bureau_processed": "bureau", "counties_processed": "counties",
         "shipped_brief": "shipped"}


# Handed out first (then the rest by their number of tests): the units that take longest.
FIRST = {*HEAVY.values(), "tests/test_browser.py", "tests/test_faults.py", "tests/test_batch.py"}


def group_of(test_file: str) -> str:
    """The work unit of a test file: the heavy fixture's group when the file uses one, else the file.

    Read from the file's text (the controller does not collect), so a fixture that merely names
    a heavy one in a comment also joins its group; that costs balance, never correctness."""
    try:
        text = (ROOT / test_file).read_text(encoding="utf-8")
    except OSError:
        return test_file
    return next((g for f, g in HEAVY.items() if f in text), test_file)


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`: one unit per test file or heavy group (:func:`group_of`), tests in
    their file's order, the slowest units (FIRST) handed out first. xdist's own loadgroup reads
    ``xdist_group`` marks through a node id pytest 9 no longer lets it change, so it would
    scatter a file's tests over both workers."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid.split("::")[0])

        def _assign_work_unit(self, node):
            if self.workqueue and not getattr(self, "_sorted", False):
                units = sorted(self.workqueue.items(), key=lambda kv: (kv[0] not in FIRST, -len(kv[1])))
                self.workqueue.clear()
                self.workqueue.update(units)
                self._sorted = True
            return super()._assign_work_unit(node)

    return ByGroup(config, log)


@pytest.fixture(scope="session", autouse=True)
def fit_cache_of_the_run(tmp_path_factory):
    """The shared fixtures' briefs keep their trend fits in one folder of this run (not the
    project's .cache/): a reference series is fitted once for all of them."""
    base = tmp_path_factory.getbasetemp()
    base = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    os.environ["QZ_FIT_CACHE"] = str(base / "fits")
    yield


@pytest.fixture(scope="session", autouse=True)
def charts_in_the_kernel():
    """Briefs draw their charts in their kernel, as in a batch: the suite's two workers keep both
    cores busy, where a helper process would only add its start (the shipped brief, built as a
    user builds it, is the exception)."""
    from qzlib.office import painter

    os.environ[painter.ENV] = "0"
    yield


@pytest.fixture(autouse=True)
def no_fit_cache_in_a_test(monkeypatch):
    """Inside a test every fit is computed (a test may break a family on purpose)."""
    monkeypatch.setenv("QZ_FIT_CACHE", "off")


def shared(tmp_path_factory, name: str, build) -> Path:
    """The folder ``build(folder)`` fills, built once per test run across xdist workers.

    ``build`` may return a JSON-able value, kept beside the folder and returned with it as
    ``(folder, value)``; a failed build leaves no mark, so the next asker fails the same way."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent                       # the run's folder all workers share
    folder = base / f"shared-{name}"
    done = base / f"shared-{name}.json"
    with FileLock(str(base / f"shared-{name}.lock")):
        if not done.is_file():
            folder.mkdir(exist_ok=True)
            done.write_text(json.dumps(build(folder)), encoding="utf-8")
    return folder, json.loads(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def processed_dir(tmp_path_factory) -> Path:
    """data/raw → a temporary data/processed, exactly as `qz ingest` builds it."""
    from qzlib.pipeline import run_ingest

    def build(folder):
        run_ingest(plan=None, out=folder / "processed", quiet=True)

    return shared(tmp_path_factory, "processed", build)[0] / "processed"


@pytest.fixture(scope="session")
def shipped_brief(processed_dir, tmp_path_factory) -> Path:
    """The folder of the 2025 plan_path brief built once from the shipped data (several test files
    read it), with the comparison page of every other shipped scenario (so each of them runs)."""
    from qzlib.office import painter
    from qzlib.report.runner import BriefRequest, available_scenarios, run_brief

    def build(out):
        others = tuple(n for n in available_scenarios() if n != "plan_path")
        os.environ.pop(painter.ENV)          # as `qz brief` runs: charts drawn beside the kernel
        try:
            result = run_brief(BriefRequest(year=2025, scenario="plan_path", compare=others,
                                            processed_dir=processed_dir, outputs_dir=out))
        finally:
            os.environ[painter.ENV] = "0"
        assert result.ok, result.failed_cell or result.error
        return str(result.pdf.parent)

    return Path(shared(tmp_path_factory, "shipped_brief", build)[1])


BUREAU_FIXTURE = ROOT / "tests" / "fixtures" / "bureau" / "synthetic_bureau_quzhou_2023_2025.csv"


def zhejiang_workbook(tmp: Path, raw: Path) -> Path:
    """A real published figure (浙江 2020 亩均增加值 136 万元/亩, from reference_statistics.csv) typed
    into the data-entry template as a researcher would."""
    import csv

    import openpyxl

    from qzlib.stats.template import write_template

    with open(raw / "statistics" / "reference_statistics.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["indicator_code"] == "mu_va_10k_yuan_per_mu")
    book = write_template(tmp / "entry.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["浙江省"]
    for cells in ws.iter_rows(min_row=2):
        if cells[0].value == "per_mu_value_added" and cells[2].value == int(row["year"]):
            cells[3].value, cells[5].value, cells[7].value = float(row["value"]), row["source_title"], row["quote"]
            cells[10].value = "非官方转载"
            break
    wb.save(book)
    return book


@pytest.fixture(scope="session")
def bureau_processed(tmp_path_factory) -> Path:
    """data/processed after importing the SYNTHETIC bureau file (tests/fixtures/bureau) as 测试
    into a temporary copy of data/raw: the verdict cases of issue #20, figures 2023–2025; and
    one real 浙江 figure typed into the template."""
    import shutil

    from qzlib import paths
    from qzlib.pipeline import run_ingest
    from qzlib.stats.importer import import_file

    def build(tmp):
        raw = tmp / "raw"
        shutil.copytree(paths.RAW, raw)
        import_file(BUREAU_FIXTURE, raw_dir=raw)
        import_file(zhejiang_workbook(tmp, raw), raw_dir=raw)
        run_ingest(plan=raw / "plan" / paths.PLAN_FILE.name, out=tmp / "processed", statistics=raw / "statistics",
                   quiet=True)

    return shared(tmp_path_factory, "bureau", build)[0] / "processed"


@pytest.fixture(scope="session")
def bureau_briefs(bureau_processed, tmp_path_factory) -> dict:
    """The recent_pace briefs on the synthetic bureau file, built once: {2024: folder, 2023:
    folder} in Chinese, then the 2024 brief in English into the same folder; "zh_files" holds
    the SHA-256 of each Chinese file of 2024 taken before the English one was built."""
    from qzlib.hashing import file_sha256
    from qzlib.report.runner import BriefRequest, run_brief

    def build(out):
        folders: dict = {}
        for year in (2024, 2023):
            res = run_brief(BriefRequest(year=year, scenario="recent_pace", processed_dir=bureau_processed,
                                         outputs_dir=out))
            assert res.ok, res.failed_cell or res.error
            folders[year] = str(res.pdf.parent)
        folders["zh_files"] = {p.name: file_sha256(p) for p in Path(folders[2024]).rglob("*") if p.is_file()}
        res = run_brief(BriefRequest(year=2024, scenario="recent_pace", lang="en", processed_dir=bureau_processed,
                                     outputs_dir=out))
        assert res.ok, res.failed_cell or res.error
        folders["en"] = str(res.pdf.parent)
        return folders

    built = shared(tmp_path_factory, "bureau_briefs", build)[1]
    return {2024: Path(built["2024"]), 2023: Path(built["2023"]), "en": Path(built["en"]),
            "zh_files": built["zh_files"]}


COUNTIES_FIXTURE = ROOT / "tests" / "fixtures" / "counties" / "synthetic_counties_quzhou_2022_2025.csv"


@pytest.fixture(scope="session")
def counties_processed(tmp_path_factory) -> Path:
    """data/processed after importing, as 测试, the SYNTHETIC bureau file (the city's figures) and
    the SYNTHETIC county file (tests/fixtures/counties: figures for some counties and not
    others) into a temporary copy of data/raw."""
    import shutil

    from qzlib import paths
    from qzlib.pipeline import run_ingest
    from qzlib.stats.importer import import_file

    def build(tmp):
        raw = tmp / "raw"
        shutil.copytree(paths.RAW, raw)
        import_file(BUREAU_FIXTURE, raw_dir=raw)
        import_file(COUNTIES_FIXTURE, raw_dir=raw)
        run_ingest(plan=raw / "plan" / paths.PLAN_FILE.name, out=tmp / "processed", statistics=raw / "statistics",
                   quiet=True)

    return shared(tmp_path_factory, "counties", build)[0] / "processed"

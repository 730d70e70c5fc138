"""The brief runner: parameter checks before any kernel, isolation of failures, atomic publish."""
from __future__ import annotations

from pathlib import Path

import pytest

import toy_brief
from qzlib import i18n
from qzlib.errors import InputError
from qzlib.report.batch import expand, run_batch, summary
from qzlib.report.runner import BriefRequest, parse_years, run_brief, validate


def _toy_project(tmp_path: Path) -> dict:
    """A tiny brief notebook that fails for year 2026, two scenarios, placeholder tables."""
    return toy_brief.make(tmp_path, [
        "from pathlib import Path\nimport qzlib\nPath(output_dir, 'data.csv').write_text(f'year\\n{year}\\n')",
        "if year == 2026:\n    raise ValueError('2026 has no data')"], title="# 测试简报", tail=["正文：衢州市亩均增加值"])


def test_parse_years_accepts_ranges_and_lists_and_rejects_words():
    assert parse_years("2023-2027") == [2023, 2024, 2025, 2026, 2027]
    assert parse_years("2026,2024") == [2024, 2026]
    with pytest.raises(InputError, match="expected a year"):
        parse_years("next year")
    with pytest.raises(InputError, match="low to high"):
        parse_years("2027-2023")


def test_bad_parameters_are_all_reported_before_any_kernel_starts(tmp_path, monkeypatch):
    proj = _toy_project(tmp_path)
    import papermill

    def boom(*a, **k):  # a kernel start would be a failure of this test
        raise AssertionError("a notebook was executed")

    monkeypatch.setattr(papermill, "execute_notebook", boom)
    with pytest.raises(InputError) as err:
        run_brief(BriefRequest(year=1999, scenario="nope", lang="fr", **proj))
    text = str(err.value)
    assert "year" in text and "1999" in text and "2023" in text
    assert "'nope'" in text and "a, b" in text
    assert "lang" in text


def test_missing_ingest_tables_are_named(tmp_path):
    proj = _toy_project(tmp_path)
    (proj["processed_dir"] / "audit.csv").unlink()
    with pytest.raises(InputError, match=r"audit\.csv.*qz ingest"):
        validate(BriefRequest(year=2025, scenario="a", **proj))


def test_failing_brief_leaves_others_complete_and_previous_pdf_untouched(tmp_path):
    proj = _toy_project(tmp_path)
    old = proj["outputs_dir"] / "2026" / "a"
    old.mkdir(parents=True)
    (old / "brief.pdf").write_bytes(b"%PDF-previous good brief")
    results = run_batch(expand([2025, 2026], ["a"], **proj), jobs=1, progress=False)  # cluster: test_batch.py
    by_year = {r.request.year: r for r in results}
    assert by_year[2025].ok and by_year[2025].pdf.is_file()
    assert (proj["outputs_dir"] / "2025" / "a" / "data.csv").read_text() == "year\n2025\n"
    assert (proj["outputs_dir"] / "2025" / "a" / "brief.html").is_file()
    assert not by_year[2026].ok
    assert "cell 4 of 01_brief.ipynb" in by_year[2026].failed_cell
    assert "if year == 2026" in by_year[2026].failed_cell and "2026 has no data" in by_year[2026].failed_cell
    assert (old / "brief.pdf").read_bytes() == b"%PDF-previous good brief"
    assert sorted(p.name for p in old.iterdir()) == ["brief.pdf"]
    assert summary(results).startswith("2 份简报：新生成 1，已是最新（跳过）0，失败 1")   # qz batch speaks --lang
    with i18n.using("en"):
        text = summary(results)
    assert "2 briefs: 1 built, 0 up to date (skipped), 1 failed" in text and "FAIL  2026/a" in text
    # no staging folders left behind: beside the brief only its versions folder, holding the lock
    assert [p.name for p in (proj["outputs_dir"] / "2026").iterdir() if p.name.startswith(".")] == [".versions"]
    assert sorted(p.name for p in (proj["outputs_dir"] / "2026" / ".versions" / "a").iterdir()) == [".lock"]


def test_brief_accepts_a_scenario_file_anywhere(tmp_path, monkeypatch):
    from qzlib.report import cli

    f = tmp_path / "my_case.yml"
    f.write_text("name: my_case\n", encoding="utf-8")
    assert cli._scenario_place(str(f)) == ("my_case", tmp_path)
    assert cli._scenario_place("stress")[0] == "stress"


def test_published_brief_folder_is_readable_by_others(tmp_path):
    import os
    import stat

    proj = _toy_project(tmp_path)
    old = os.umask(0o022)
    try:
        result = run_brief(BriefRequest(year=2025, scenario="a", **proj))
    finally:
        os.umask(old)
    assert result.ok
    assert stat.S_IMODE(result.pdf.parent.stat().st_mode) == 0o755


def test_scenario_listing_takes_yml_and_yaml_in_one_place(tmp_path):
    from qzlib.report.runner import available_scenarios
    from qzlib.scenarios.files import list_files

    for name in ("b.yaml", "a.yml", "notes.txt", "c.YML.bak"):
        (tmp_path / name).write_text("name: x\n", encoding="utf-8")
    (tmp_path / "d.yml").mkdir()  # a folder is not a scenario file
    assert [p.name for p in list_files(tmp_path)] == ["a.yml", "b.yaml"]
    assert available_scenarios(tmp_path) == ["a", "b"]
    assert list_files(tmp_path / "missing") == []


def test_a_yaml_scenario_passes_the_brief_check(tmp_path):
    proj = _toy_project(tmp_path)
    (proj["scenarios_dir"] / "c.yaml").write_text("name: c\n", encoding="utf-8")
    validate(BriefRequest(year=2025, scenario="c", **proj))  # raised "one of … a, b" before
    with pytest.raises(InputError, match=r"a, b, c"):
        validate(BriefRequest(year=2025, scenario="d", **proj))

"""Every notebook runs top to bottom under papermill, and the brief becomes a Chinese PDF."""
from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from pypdf import PdfReader

from qzlib import catalogue

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb") if p.name != "01_brief.ipynb")


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_under_papermill(name, processed_dir, tmp_path):
    out = tmp_path / "out"
    pm.execute_notebook(
        str(ROOT / "notebooks" / name), str(tmp_path / name),
        parameters={"year": 2025, "scenario": "plan_path", "lang": "zh", "processed_dir": str(processed_dir),
                    "output_dir": str(out)},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
    )
    executed = nbformat.read(tmp_path / name, as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    assert out.is_dir() and any(out.iterdir()), "the notebook wrote no result files"
    committed = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    assert all(not c.get("outputs") for c in committed.cells if c.cell_type == "code"), "commit without outputs"
    assert sum("parameters" in c.metadata.get("tags", []) for c in committed.cells) == 1
    READERS.get(name, lambda *_: None)(executed, out)


def _outputs(nb, mime):
    """Every output of type ``mime`` in cell order (text joined)."""
    found = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            data = o.get("data", {})
            if mime in data:
                v = data[mime]
                found.append("".join(v) if isinstance(v, list) else v)
    return found


def _read_02(nb, out):
    html = "\n".join(_outputs(nb, "text/html"))
    assert "119 万元/亩" in html and "1190000" not in html  # the plan's units, not the register's base units
    for english in (">raw_2022<", ">number<", ">detail<", "body states"):
        assert english not in html, english
    assert "其余 11 个单位" in html  # 21 departments: ten shown, the rest summed, the full table in a file
    assert (out / "responsibility_counts.csv").read_text(encoding="utf-8").count("\n") == 22


def _read_03(nb, out):
    kinds = [("png" if "image/png" in o.get("data", {}) else "table") for c in nb.cells for o in c.get("outputs", [])
             if "image/png" in o.get("data", {}) or "<table" in "".join(o.get("data", {}).get("text/html", ""))]
    assert kinds[0] == "png"  # the coverage chart comes before any table
    html = "\n".join(_outputs(nb, "text/html"))
    assert ">missing<" not in html and ">present<" not in html and "…" not in html
    assert "官方来源优先于非官方" in html and "85620" in html
    assert len((out / "coverage.csv").read_text(encoding="utf-8").splitlines()) == 1 + 16 * 13


def _read_04(nb, out):
    assert len(_outputs(nb, "image/png")) == 1  # one fan chart (R&D/GDP, related), shown once
    html = "\n".join(_outputs(nb, "text/html") + _outputs(nb, "text/markdown"))
    assert "浙江省：R&D经费投入强度（与GDP之比）（%），相关口径" in html
    assert "浙江省 rd_gdp_pct" not in html and "rd_gdp_pct" not in "".join(_outputs(nb, "text/html"))  # names, not codes


def _read_06(nb, out):
    table = (out / "plans_side_by_side.csv").read_text(encoding="utf-8")
    assert len(table.splitlines()) == 1 + 16 and "2022年 17.6" in table    # one plan: its 16 indicators
    assert "1 份规划（衢州市），共有指标 16 项" in "".join(_outputs(nb, "text/plain")) or \
        any("1 份规划（衢州市），共有指标 16 项" in "".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", []))


READERS = {"02_plan.ipynb": _read_02, "03_statistics.ipynb": _read_03, "04_trends.ipynb": _read_04,
           "06_plans.ipynb": _read_06}


@pytest.fixture(scope="module")
def brief(shipped_brief):
    return shipped_brief


@pytest.mark.slow
def test_brief_pdf_has_pages_chinese_text_and_an_embedded_cjk_font(brief):
    pdf = brief / "brief.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 6
    text = "".join(page.extract_text() for page in reader.pages)
    assert "2025年度监测简报" in text.replace(" ", "").replace("\n", "")
    flat = text.replace("\n", "").replace(" ", "")
    for name in ["规上工业亩均增加值", "数字经济核心产业增加值", "六大标志性产业链规上企业营业收入"]:
        assert name in flat, name
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert cjk and all(" yes yes yes " in line for line in cjk)  # embedded, subset, unicode map


@pytest.mark.slow
def test_brief_hides_code_and_parameters(brief):
    html = (brief / "brief.html").read_text(encoding="utf-8")
    assert "load_context" not in html and "processed_dir" not in html
    for leak in ("injected-parameters", "input_path", "default_parameters", "output_dir ="):
        assert leak not in html, leak
    executed = nbformat.read(brief / "01_brief.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)


@pytest.mark.slow
def test_brief_writes_the_tables_it_shows(brief):
    folder = brief
    overview = (folder / "indicators_overview.csv").read_text(encoding="utf-8")
    assert "规上工业亩均增加值" in overview and "119" in overview and "195" in overview
    assert len(catalogue.indicators()) == 16


@pytest.mark.slow
def test_every_shipped_scenario_runs_on_the_comparison_page(shipped_brief):
    """The shipped brief compares every shipped scenario (the batch itself: tests/test_batch.py)."""
    from qzlib.report.runner import available_scenarios
    from qzlib.scenarios import load

    names = available_scenarios()
    assert {"plan_path", "recent_pace", "stress"} <= set(names)
    comparison = (shipped_brief / "scenario_comparison.csv").read_text(encoding="utf-8-sig")
    labels = [load(n).said("label") for n in names]                  # a column per scenario, by its name
    assert all(label in comparison.splitlines()[0] for label in labels), comparison.splitlines()[0]
    attainment = (shipped_brief / "scenario_attainment.csv").read_text(encoding="utf-8-sig")
    assert "规上工业亩均增加值" in attainment

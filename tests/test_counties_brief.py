"""The county section in built briefs: one brief on the SYNTHETIC county file (tests/fixtures/counties;
the only brief built for it) and the shipped brief, whose counties have no figure of a plan indicator."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(folder) -> str:
    html = (folder / "brief.html").read_text(encoding="utf-8")
    start = html.index("<h3>各县（市、区）对照</h3>")
    return html[start: html.index("三、进展评估", start)]


@pytest.fixture(scope="module")
def county_brief(counties_processed, tmp_path_factory):
    """The 2024 plan_path brief on the synthetic county file (figures of 2025 held, not shown)."""
    from qzlib.report.runner import BriefRequest, run_brief

    res = run_brief(BriefRequest(year=2024, scenario="plan_path", processed_dir=counties_processed,
                                 outputs_dir=tmp_path_factory.mktemp("county_brief")))
    assert res.ok, res.failed_cell or res.error
    return res.pdf.parent


@pytest.mark.slow
def test_the_brief_has_the_county_section_between_sections_two_and_three(county_brief):
    html = (county_brief / "brief.html").read_text(encoding="utf-8")
    assert html.index("二、实际值与规划路径") < html.index("<h3>各县（市、区）对照</h3>") < html.index("三、进展评估")
    section = _section(county_brief)
    text = _text(section)
    assert '<div class="page-break"></div><h3>各县（市、区）对照</h3>' in html
    assert "衢州市下辖 6 个县（市、区）中，6 个有2022—2024年的规划指标数据，涉及 5 项指标" in text
    assert section.count("<table") == 5 + 2            # five indicators, the sums, the requests
    assert "170" not in text                          # 柯城区's 2025 figure: after the brief's year
    for name in ("分县_各指标与规划路径.png", "分县_示意图.png"):
        assert (county_brief / "charts" / name).is_file(), name


@pytest.mark.slow
def test_counties_csv_and_the_section_tables_are_beside_the_brief_and_in_the_workbook(county_brief):
    import openpyxl

    df = pd.read_csv(county_brief / "counties.csv", encoding="utf-8-sig")
    assert len(df) == 38 and df["年份"].max() == 2024 and set(df["来源类型"]) == {"测试数据"}
    table = pd.read_csv(county_brief / "county_table.csv", encoding="utf-8-sig")
    assert len(table) == 30 and table.groupby("code").size().eq(6).all()
    sums = pd.read_csv(county_brief / "county_sums.csv", encoding="utf-8-sig")
    assert set(sums["code"]) == {"six_chains_revenue", "digital_core_va"}
    package = json.loads((county_brief / "datapackage.json").read_text(encoding="utf-8"))
    assert {"counties.csv", "county_table.csv", "county_sums.csv", "county_requests.csv"} <= \
        {r["path"] for r in package["resources"]}
    sheets = openpyxl.load_workbook(county_brief / "results.xlsx", read_only=True).sheetnames
    assert "各县（市、区）数据" in sheets and "分县数据需求" in sheets


@pytest.mark.slow
def test_the_shipped_brief_says_no_county_has_figures_and_asks_for_them(shipped_brief):
    folder = shipped_brief
    section = _section(folder)
    text = _text(section)
    assert '<div class="page-break"></div><h3>各县（市、区）对照</h3>' not in (folder / "brief.html").read_text(encoding="utf-8")
    assert "都还没有2023—2025年的规划指标数据" in text and "<table" not in section and "<img" not in section
    assert "柯城区、衢江区、江山市、常山县、开化县、龙游县各缺全部 16 项规划指标（2024、2025年）的数据" in text
    assert len(pd.read_csv(folder / "counties.csv", encoding="utf-8-sig")) == 0


@pytest.mark.slow
def test_notebook_04_picks_a_county_with_figures(counties_processed, tmp_path):
    import nbformat
    import papermill as pm

    from qzlib.paths import ROOT

    out = tmp_path / "out"
    pm.execute_notebook(str(ROOT / "notebooks" / "04_trends.ipynb"), str(tmp_path / "04.ipynb"),
                        parameters={"year": 2024, "processed_dir": str(counties_processed), "output_dir": str(out),
                                    "indicator": "per_mu_value_added", "region": "衢州市", "county": "柯城区"},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    nb = nbformat.read(tmp_path / "04.ipynb", as_version=4)
    md = "".join("".join(o.get("data", {}).get("text/markdown", "")) for c in nb.cells for o in c.get("outputs", []))
    assert "柯城区规上工业亩均增加值：2024年 158万元/亩（共 2 个年度值）；2023—2024年每年 +5.33%" in md
    assert "- **开化县**：六大标志性产业链规上企业营业收入" in md
    table = pd.read_csv(out / "county_柯城区_per_mu_value_added.csv")
    assert list(table.columns) == ["年份", "柯城区", "衢州市规划路径"] and 170 not in set(table["柯城区"])
    assert (out / "county_柯城区_per_mu_value_added.png").is_file()

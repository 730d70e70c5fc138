"""The plan's 附件1 numbers as an indicator-points frame, built by hand for tests.

Same columns as qzlib.plan.tables.indicator_points(); values read from
data/raw/plan/quzhou-415x-plan-2023.txt (附件1), "/" and qualitative targets kept as such.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# code: (name_zh, unit, 2022 raw, 2025 raw, 2027 raw)
TABLE = {
    "mfg_va_share_gdp": ("制造业增加值占全市生产总值比重", "%", "26.7", "30.0", "1/3左右"),
    "six_chains_revenue": ("六大标志性产业链规上企业营业收入", "亿元", "1953", "3500", "5000"),
    "firms_output_over_10bn": ("累计百亿元企业", "家", "4", "7", "10"),
    "mfg_labour_productivity": ("规上制造业全员劳动生产率", "万元/人", "32.17", "35", "38"),
    "per_mu_value_added": ("规上工业亩均增加值", "万元/亩", "119", "160", "195"),
    "per_mu_tax": ("规上工业亩均税收", "万元/亩", "17.6", "28", "32"),
    "rd_intensity": ("规上制造业企业研发费用占营业收入的比重", "%", "2.7", "3.0", "3.4"),
    "innovation_platforms": ("省级及以上产业创新平台数量", "个", "1", "2", "3"),
    "high_value_patents_per_10k": ("每万人口高价值发明专利授权量", "件/万人", "4.06", "6.5", "9"),
    "high_tech_mfg_share": ("高技术制造业增加值占规上工业增加值比重", "%", "/", "19", "20.5"),
    "high_new_tech_share": ("高新技术产业增加值占规上工业增加值比重", "%", "56.16", "65", "76"),
    "digital_core_va": ("数字经济核心产业增加值", "亿元", "81.6", "200", "500"),
    "zhejiang_made_standards": ("累计制修订“浙江制造”标准", "项", "10", "25", "40"),
    "pinzibiao_brand_firms": ("累计培育“品字标浙江制造”品牌企业", "家", "36", "66", "86"),
    "energy_intensity_decline": ("规上工业单位增加值能耗降幅", "%", "3.2%", "完成省下达任务", "完成省下达任务"),
    "co2_intensity_decline": ("规上工业单位增加值二氧化碳排放降幅", "%", "/", "完成省下达任务", "完成省下达任务"),
}


def _parse(raw: str, year: int):
    if raw == "/":
        return np.nan, "missing", ""
    if raw == "1/3左右":
        return 100 / 3, "approx", "≈"
    try:
        return float(raw.rstrip("%")), "exact", "" if year == 2022 else "≥"
    except ValueError:
        return np.nan, "qualitative", ""


def plan_points() -> pd.DataFrame:
    from qzlib import catalogue

    rows = []
    for number, (code, (name, unit, *raws)) in enumerate(TABLE.items(), start=1):
        ind = catalogue.get(code)
        for year, raw in zip((2022, 2025, 2027), raws):
            value, qual, comp = _parse(raw, year)
            rows.append({"code": code, "number": number, "name_zh": name, "name_en": ind.name_en,
                         "unit": unit, "kind": ind.kind, "year": year,
                         "role": "baseline" if year == 2022 else "target", "value": value, "raw": raw,
                         "qualifier": qual, "comparator": comp})
    return pd.DataFrame(rows)


def test_every_hand_typed_figure_is_in_the_plan_table():
    """The fixture must not drift from the document: each raw cell occurs in 附件1."""
    from qzlib.paths import PLAN_FILE

    text = PLAN_FILE.read_text(encoding="utf-8")
    table = text[text.index("附件1"):text.index("附件2")]
    cells = {line.strip() for line in table.splitlines()}
    for code, (name, unit, *raws) in TABLE.items():
        assert f"{name}（{unit}）" in cells, code
        for raw in raws:
            assert raw in cells, (code, raw)


def test_fixture_has_the_columns_of_indicator_points():
    df = plan_points()
    assert list(df.columns) == ["code", "number", "name_zh", "name_en", "unit", "kind", "year", "role",
                                "value", "raw", "qualifier", "comparator"]
    assert len(df) == 48
    assert df.loc[(df.code == "per_mu_value_added") & (df.year == 2027), "value"].item() == 195

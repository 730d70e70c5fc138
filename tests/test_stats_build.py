"""The processed observations built from the shipped statistics and the plan's baseline.

Values asserted here were read by hand from data/raw/statistics/reference_statistics.csv
(row numbers as a spreadsheet shows them) and from 附件1 of the plan.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from qzlib.errors import InputError
from qzlib.paths import ROOT
from qzlib.stats import build_into, load_observations, series
from qzlib.stats import mapping
from qzlib.stats.build import collect, plan_observations
from qzlib.stats.schema import OBS_COLUMNS

FIX = Path(__file__).parent / "fixtures" / "stats"
SHIPPED = ROOT / "data" / "raw" / "statistics"
REF = "statistics/reference_statistics.csv"


def indicators_frame() -> pd.DataFrame:
    return pd.read_csv(FIX / "indicators.csv", dtype={"raw_2022": str, "qualifier_2022": str})


def test_the_fixture_slice_matches_the_plan_text():
    """The hand-built frame is 附件1 as printed: check its numbers against the text itself."""
    lines = (ROOT / "data" / "raw" / "plan" / "quzhou-415x-plan-2023.txt").read_text(encoding="utf-8").splitlines()
    for rec in indicators_frame().itertuples():
        block = [t.strip() for t in lines[rec.line - 1:rec.line + 9]]
        assert block[0] == str(rec.number)
        at = block.index(f"{rec.name_zh}（{rec.unit}）")
        assert block[at + 1:at + 4] == [rec.raw_2022, rec.raw_2025, rec.raw_2027]


@pytest.fixture(scope="module")
def built():
    return collect(indicators_frame(), SHIPPED)


def pick(obs, region, indicator, year):
    return obs[(obs.region == region) & (obs.indicator == indicator) & (obs.year == year)]


def test_every_shipped_row_and_the_plan_baseline_become_observations(built):
    obs, _ = built
    assert list(obs.columns) == OBS_COLUMNS
    shipped = obs[obs.file == REF]
    assert len(shipped) == 228 and sorted(shipped.row) == list(range(2, 230))
    plan = obs[obs.source_kind == "plan"]
    # 高技术制造业占比 is "/" in 附件1: missing stays missing, no row is invented.
    assert sorted(plan.indicator) == ["energy_intensity_decline", "per_mu_value_added", "rd_intensity"]
    assert set(obs.source_kind) == {"plan", "official", "yearbook", "unofficial"}


def test_plan_baseline_rows_carry_their_provenance(built):
    obs, _ = built
    row = pick(obs, "衢州市", "per_mu_value_added", 2022).iloc[0]
    assert (row.value, row.unit, row.source_kind, row.comparability) == (119.0, "万元/亩", "plan", "comparable")
    assert row.source.startswith("衢政办发〔2023〕22号") and row.vintage == "2023-04-29"
    assert row.quote == "规上工业亩均增加值（万元/亩）2022年：119" and row.row == 164  # plan text line
    assert row.file == "plan/quzhou-415x-plan-2023.txt" and row.caveat == ""
    energy = pick(obs, "衢州市", "energy_intensity_decline", 2022).iloc[0]
    assert energy.value == 3.2 and energy.value_published == "3.2"


def test_units_are_normalised_to_one_unit_per_series(built):
    obs, _ = built
    changshan = pick(obs, "常山县", "gdp", 2022).iloc[0]  # row 18: 2006008 万元
    assert changshan.value == pytest.approx(200.6008) and changshan.unit == "亿元"
    assert (changshan.value_published, changshan.unit_published, changshan.source_code) == \
        ("2006008", "万元", "gdp_10k_yuan")
    national_mfg = pick(obs, "全国", "mfg_va", 2021).iloc[0]  # row 176: 31.4 万亿元
    assert national_mfg.value == pytest.approx(314000.0)
    patents = pick(obs, "全国", "domestic_valid_invention_patents", 2023).iloc[0]  # row 132: 401.5 万件
    assert patents.value == pytest.approx(4015000.0) and patents.unit == "件"
    assert obs.groupby("indicator")["unit"].nunique().max() == 1


def test_comparable_and_related_mappings(built):
    obs, _ = built
    zj = pick(obs, "浙江省", "per_mu_value_added", 2020).iloc[0]  # row 32
    assert (zj.value, zj.comparability, zj.source_code) == (136.0, "comparable", "mu_va_10k_yuan_per_mu")
    assert pick(obs, "浙江省", "high_new_tech_share", 2023).iloc[0].value == 67.1  # 高新技术产业, row 74
    assert pick(obs, "全国", "high_tech_mfg_share", 2023).iloc[0].value == 15.7  # 高技术制造业, row 141
    rd = pick(obs, "浙江省", "rd_gdp_pct", 2022).iloc[0]  # R&D/GDP is not the plan's R&D/revenue
    assert (rd.plan_code, rd.comparability) == ("rd_intensity", "related")
    assert "GDP" in rd.comparability_note and "营业收入" in rd.comparability_note
    patents = pick(obs, "全国", "high_value_invention_patents_per_10k", 2022).iloc[0]
    assert (patents.value, patents.comparability) == (9.4, "related") and "拥有量" in patents.comparability_note
    six = pick(obs, "衢州市", "six_chains_output", 2024).iloc[0]
    assert (six.value, six.plan_code, six.comparability) == (2061.0, "six_chains_revenue", "related")
    gdp = pick(obs, "浙江省", "gdp", 2024).iloc[0]
    assert (gdp.plan_code, gdp.comparability) == ("", "")


def test_every_mapping_names_its_reason():
    for s in set(mapping.series_table().values()):
        if s.comparability == "related":
            assert s.plan_code and s.note, s.code
    assert mapping.resolve("mfg_rd_to_revenue_pct").code == "rd_intensity"
    assert mapping.resolve("high_tech_mfg_va_share_pct").code == "high_tech_mfg_share"
    assert mapping.resolve("hightech_industry_va_share_pct").code == "high_new_tech_share"


def test_conflicts_are_kept_listed_and_resolved_by_rule(built):
    obs, groups = built
    conflicts = groups[groups.status == "conflict"].set_index(["region", "indicator", "year"])
    assert sorted(conflicts.index) == [("全国", "rd_gdp_pct", 2014), ("浙江省", "gdp", 2023)]
    # 浙江 2023 GDP: official preliminary 82553 (row 47) vs census-revised 85620 on an unofficial copy (row 57)
    zj = pick(obs, "浙江省", "gdp", 2023)
    assert sorted(zj.value) == [82553.0, 85620.0]
    assert zj[zj.selected].iloc[0].row == 47
    assert conflicts.loc[("浙江省", "gdp", 2023), "rule"] == "official over unofficial"
    # 全国 R&D/GDP 2014: book 2.09 (row 200) vs yearbook 2.05 (row 201)
    assert pick(obs, "全国", "rd_gdp_pct", 2014).query("selected").iloc[0].value == 2.05
    rounding = groups[groups.status == "rounding"].iloc[0]
    assert (rounding.region, rounding.indicator, rounding.year, rounding.selected_value, rounding.rule) == \
        ("全国", "industrial_va_all", 2024, 405442.0, "more precise")
    assert len(obs[obs.selected].drop_duplicates(["region", "indicator", "year"])) == obs.selected.sum()


def test_a_pin_overrides_the_rule(tmp_path):
    stats = tmp_path / "statistics"
    shutil.copytree(SHIPPED, stats)
    (stats / "pins.csv").write_text("region,indicator,year,value,reason\n浙江省,gdp,2023,85620,五经普修订后口径\n",
                                    encoding="utf-8")
    obs, groups = collect(None, stats)
    assert pick(obs, "浙江省", "gdp", 2023).query("selected").iloc[0].value == 85620.0
    g = groups.set_index(["region", "indicator", "year"]).loc[("浙江省", "gdp", 2023)]
    assert g.rule == "pin"
    (stats / "pins.csv").write_text("region,indicator,year,value\n浙江省,gdp,2023,85000\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        collect(None, stats)
    p = err.value.problems[0]
    assert (p.where, p.field, p.value) == ("row 2", "value", 85000.0) and "82553, 85620" in p.expected


def test_a_pins_file_with_only_its_header_pins_nothing(tmp_path):
    stats = tmp_path / "statistics"
    shutil.copytree(SHIPPED, stats)
    (stats / "pins.csv").write_text("region,indicator,year,value,reason\r\n", encoding="utf-8")
    obs, _ = collect(None, stats)
    assert pick(obs, "浙江省", "gdp", 2023).query("selected").iloc[0].value == 82553.0


def test_series_gives_selected_values_by_year_without_inventing(built):
    obs, _ = built
    s = series(obs, "gdp", "浙江省")
    assert list(s.index) == [2014, 2017, 2021, 2022, 2023, 2024]
    assert list(s) == [40154.0, 51768.0, 73516.0, 77715.0, 82553.0, 90131.0]
    assert s.dtype == float
    assert list(series(obs, "rd_intensity", "衢州市").items()) == [(2022, 2.7)]
    assert list(series(obs, "mu_va_10k_yuan_per_mu", "浙江省").items()) == [(2020, 136.0)]
    assert series(obs, "high_tech_mfg_share", "衢州市").empty


def test_build_into_writes_four_files_and_loads_back(tmp_path):
    summary = build_into(tmp_path, indicators_frame(), SHIPPED)
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["conflicts.csv", "coverage.csv", "data_requests.csv", "observations.csv"]
    assert "231 observations" in summary and "2 with different values" in summary
    obs = load_observations(tmp_path)
    assert list(obs.columns) == OBS_COLUMNS and len(obs) == 231
    assert obs.selected.dtype == bool and obs.year.dtype.kind == "i" and obs.value.dtype == float
    row = pick(obs, "衢州市", "gdp", 2013).iloc[0]  # row 2
    assert (row.value, row.file, row.row, row.source_kind) == (1056.57, REF, 2, "unofficial")
    assert row.quote == "9 衢州 1056.57 9.1"


def test_build_without_the_plan_table(tmp_path):
    summary = build_into(tmp_path, None, SHIPPED)
    assert "plan baseline not included" in summary
    assert "plan" not in set(load_observations(tmp_path).source_kind)


def _tree(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_a_failed_build_leaves_processed_byte_identical(tmp_path):
    stats = tmp_path / "raw" / "statistics"
    shutil.copytree(SHIPPED, stats)
    out = tmp_path / "processed"
    build_into(out, indicators_frame(), stats)
    before = _tree(out)
    text = (stats / "reference_statistics.csv").read_text(encoding="utf-8")
    (stats / "reference_statistics.csv").write_text(text.replace(",2125.2,", ",约2125,", 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        build_into(out, indicators_frame(), stats)
    p = err.value.problems[0]
    assert (p.file, p.where, p.field, p.value) == (REF, "row 4", "value", "约2125")
    assert _tree(out) == before


def test_bad_plan_table_is_named():
    frame = indicators_frame()
    frame.loc[0, "unit"] = "亿元"
    with pytest.raises(InputError) as err:
        plan_observations(frame)
    p = err.value.problems[0]
    assert (p.where, p.field, p.value) == ("indicator 5", "unit", "亿元")


def test_the_plan_travels_with_the_observations_without_being_copied(built):
    """pandas deep-copies ``attrs`` on every operation: the immutable Plan is shared, not copied
    (copying it cost a brief most of a second), and a filtered frame still knows its plan."""
    import copy

    obs, _ = built
    p = obs.attrs["plan"]
    assert copy.deepcopy(p) is p
    part = obs[obs["region"] == p.region]
    assert part.attrs["plan"] is p and part.attrs["plan"].region == "衢州市"

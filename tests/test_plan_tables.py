"""附件1/2/3 of 衢政办发〔2023〕22号 read into tables, checked by hand against the document."""
import math

import pandas as pd
import pytest

from qzlib import paths
from qzlib.plan.ingest import build, ingest
from qzlib.plan.responsibility import counts, split_owners
from qzlib.plan.tables import indicator_points, load_indicators, load_plan_meta, load_table

NOTE = "以下各项工作均需各县（市、区）政府落实，不再列出"
NAN = float("nan")

# number, category, name_zh, unit, code, 2022, 2025, 2027 (raw text), owners — read off 附件1 by hand
ANNEX1 = [
    (1, "发展质效", "制造业增加值占全市生产总值比重", "%", "mfg_va_share_gdp", "26.7", "30.0", "1/3左右", "市经信局"),
    (2, "发展质效", "六大标志性产业链规上企业营业收入", "亿元", "six_chains_revenue", "1953", "3500", "5000", "市经信局"),
    (3, "发展质效", "累计百亿元企业", "家", "firms_output_over_10bn", "4", "7", "10", "市经信局"),
    (4, "发展质效", "规上制造业全员劳动生产率", "万元/人", "mfg_labour_productivity", "32.17", "35", "38", "市经信局"),
    (5, "发展质效", "规上工业亩均增加值", "万元/亩", "per_mu_value_added", "119", "160", "195", "市经信局"),
    (6, "发展质效", "规上工业亩均税收", "万元/亩", "per_mu_tax", "17.6", "28", "32", "市经信局"),
    (7, "创新动能", "规上制造业企业研发费用占营业收入的比重", "%", "rd_intensity", "2.7", "3.0", "3.4", "市科技局"),
    (8, "创新动能", "省级及以上产业创新平台数量", "个", "innovation_platforms", "1", "2", "3",
     "市科技局、市发改委、市经信局"),
    (9, "创新动能", "每万人口高价值发明专利授权量", "件/万人", "high_value_patents_per_10k", "4.06", "6.5", "9",
     "市市场监管局"),
    (10, "产业结构", "高技术制造业增加值占规上工业增加值比重", "%", "high_tech_mfg_share", "/", "19", "20.5",
     "市发改委、市经信局"),
    (11, "产业结构", "高新技术产业增加值占规上工业增加值比重", "%", "high_new_tech_share", "56.16", "65", "76", "市科技局"),
    (12, "产业结构", "数字经济核心产业增加值", "亿元", "digital_core_va", "81.6", "200", "500", "市经信局"),
    (13, "质量品牌", "累计制修订“浙江制造”标准", "项", "zhejiang_made_standards", "10", "25", "40", "市市场监管局"),
    (14, "质量品牌", "累计培育“品字标浙江制造”品牌企业", "家", "pinzibiao_brand_firms", "36", "66", "86", "市市场监管局"),
    (15, "绿色发展", "规上工业单位增加值能耗降幅", "%", "energy_intensity_decline", "3.2%", "完成省下达任务", "完成省下达任务",
     "市经信局、市发改委"),
    (16, "绿色发展", "规上工业单位增加值二氧化碳排放降幅", "%", "co2_intensity_decline", "/", "完成省下达任务",
     "完成省下达任务", "市经信局、市生态环境局"),
]
VALUE = {"1/3左右": 100 / 3, "3.2%": 3.2, "/": NAN, "完成省下达任务": NAN}
QUAL = {"1/3左右": "approx", "/": "missing", "完成省下达任务": "qualitative"}


@pytest.fixture(scope="module")
def result():
    return build(paths.PLAN_FILE)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    ingest(paths.PLAN_FILE, out)
    return out


def test_sixteen_indicators_field_by_field(result):
    df = result.indicators
    assert len(df) == 16
    for row, (num, cat, name, unit, code, r22, r25, r27, owners) in zip(df.to_dict("records"), ANNEX1):
        assert (row["number"], row["category"], row["name_zh"], row["unit"], row["code"]) == (num, cat, name, unit, code)
        assert row["owners"] == owners and row["note"] == NOTE
        assert row["baseline_year"] == 2022
        assert row["direction"] == ("decline_is_good" if "降幅" in name else "higher_is_better")
        for year, raw in ((2022, r22), (2025, r25), (2027, r27)):
            assert row[f"raw_{year}"] == raw
            expected = VALUE.get(raw, float(raw) if raw not in VALUE else NAN)
            got = row[f"value_{year}"]
            assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected), (num, year)
            assert row[f"qualifier_{year}"] == QUAL.get(raw, "exact")
            if year == 2022 or raw in ("/", "完成省下达任务"):
                assert row[f"comparator_{year}"] == ""
            else:
                assert row[f"comparator_{year}"] == ("≈" if raw == "1/3左右" else "≥")


def test_catalogue_fields(result):
    df = result.indicators.set_index("number")
    assert df.loc[7, "kind"] == "share" and df.loc[7, "name_en"].startswith("R&D spending")
    assert df.loc[3, "kind"] == "count" and df.loc[15, "kind"] == "decline"
    assert result.warnings == []


def test_tasks_46_rows_six_actions_heading_carried_down(result):
    t = result.tasks
    assert len(t) == 46 and list(t["number"]) == list(range(1, 47))
    assert list(t["action"].unique()) == ["实施空间腾换行动", "实施招大引强行动", "实施培大育强行动",
                                           "实施品质提升行动", "实施数字赋能行动", "实施创新强工行动"]
    r = t.set_index("number")
    assert r.loc[1, "action_full"] == "（一）实施空间腾换行动，优化产业发展空间。"
    assert r.loc[2, "heading"] == "整治低效工业用地"  # empty cell carried down
    assert r.loc[6, "heading"] == "打造高能级产业平台" and r.loc[6, "content"] == "五星级小微企业园实现“零突破”。"
    assert r.loc[3, "owners"] == "市经信局、市发改委、市招商中心、市商务局、智造新城"
    assert r.loc[46, "action"] == "实施创新强工行动" and r.loc[46, "heading"] == "推进重大创新载体建设"
    assert r.loc[16, "content"].startswith("围绕优质中小企业梯度培育工程，培育一批单项冠军、专精特新企业")


def test_measures_23_rows_nine_groups_broken_cells_joined(result):
    m = result.measures
    assert len(m) == 23 and m["group"].nunique() == 9
    r = m.set_index("number")
    assert r.loc[1, "group"] == "全力推动“五链”深度融合"
    assert r.loc[2, "heading"] == "完善产业政策体系"  # "完善产业政策\n\n体系"
    assert r.loc[10, "heading"] == "加强工业熟地供应"
    assert r.loc[18, "heading"] == "加强人才科技支撑"  # carried down
    assert r.loc[2, "owners"].split("、") == ["市经信局", "市发改委", "市科技局", "市市场监管局", "市应急局",
                                             "市金融办", "市财政局"]
    assert r.loc[23, "group"] == "建立健全工作体系"
    assert not m["content"].str.contains("抄送").any()  # the footer is not a row


def test_written_files_load_back_with_types(written):
    assert sorted(p.name for p in written.iterdir()) == sorted(
        f"{n}.csv" for n in ("plan", "indicators", "tasks", "measures", "targets", "audit", "responsibility"))
    meta = load_plan_meta(written)   # read from the plan's own header, not from code
    assert (meta.region, meta.doc_number, meta.issued) == ("衢州市", "衢政办发〔2023〕22号", "2023年4月29日")
    assert (meta.period_start, meta.period_end) == (2023, 2027) and meta.title.endswith("实施方案（2023—2027年）")
    ind = load_indicators(written)
    assert ind["value_2025"].dtype == float and ind.loc[2, "code"] == "firms_output_over_10bn"
    assert ind.loc[9, "raw_2022"] == "/" and math.isnan(ind.loc[9, "value_2022"])
    pts = indicator_points(ind)
    assert list(pts.columns) == ["code", "number", "name_zh", "name_en", "unit", "kind", "shape", "year", "role",
                                 "value", "raw", "qualifier", "comparator"]
    shapes = pts.drop_duplicates("code").set_index("code")["shape"]   # declared in the catalogue
    assert (shapes["pinzibiao_brand_firms"], shapes["rd_intensity"], shapes["per_mu_tax"]) == \
        ("additions", "points", "growth")
    assert len(pts) == 48
    rd = pts[(pts.code == "rd_intensity")].set_index("year")
    assert rd.loc[2022, "role"] == "baseline" and rd.loc[2027, "role"] == "target"
    assert list(rd["value"]) == [2.7, 3.0, 3.4] and rd.loc[2025, "comparator"] == "≥"
    assert len(load_table("tasks", written)) == 46 and len(load_table("measures", written)) == 23


def test_responsibility_one_row_per_department(result):
    links = result.responsibility
    c = counts(links).set_index("department")
    assert c.loc["市统计局"].tolist() == [0, 0, 1, 1]
    # 市科技局: 附件1 rows 7, 8, 11; 附件2 rows 5,17,19,38-41,43-46; 附件3 rows 1, 2 (counted by hand)
    assert c.loc["市科技局"].tolist() == [3, 11, 2, 16]
    assert (c["total"] == c[["indicators", "tasks", "measures"]].sum(axis=1)).all()
    assert not any("以下" in d or "（" in d for d in c.index)
    assert set(links["item_type"]) == {"indicator", "task", "measure"}


def test_split_owners_merges_aliases_and_widths():
    owners, note = split_owners("市发展和改革委员会、 市经信局 ，以下各项工作均需各县（市、区）政府落实")
    assert owners == ["市发改委", "市经信局"] and note.startswith("以下")
    assert split_owners("市经信局、市经信局")[0] == ["市经信局"]


def test_split_owners_keeps_bracketed_and_quoted_names_whole():
    # 、 inside （…) of mixed width or inside “…” belongs to the name (qzlib.text is the one rule)
    assert split_owners("市经信局、各县（市、区)政府")[0] == ["市经信局", "各县（市、区）政府"]
    assert split_owners("市经信局、“链长制、链主制”工作专班")[0] == ["市经信局", "“链长制、链主制”工作专班"]


def test_responsibility_links_keep_a_bracketed_department_whole():
    from qzlib.plan.responsibility import build as links_of

    cell = "市经信局、各县（市、区）政府"
    owners = "、".join(split_owners(cell)[0])
    ind = pd.DataFrame([{"number": 1, "name_zh": "指标甲", "owners": owners}])
    none = pd.DataFrame(columns=["number", "heading", "owners"])
    links = links_of(ind, none, none)
    assert links["department"].tolist() == ["市经信局", "各县（市、区）政府"]

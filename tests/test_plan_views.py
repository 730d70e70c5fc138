"""The plan notebook's questions, answered on the real plan."""
from qzlib.plan.tables import load_table
from qzlib.plan.views import (as_written, audit_table, department_items, department_summary, indicators_table,
                              search_targets, targets_overview, targets_table)
from qzlib.plan.responsibility import counts


def test_search_targets_by_keyword_and_department(processed_dir):
    t = load_table("targets", processed_dir)
    land = search_targets(t, keyword="低效工业用地改造开发")
    assert set(land["value"]) == {1.5} and set(land["unit"]) == {"万亩"}   # as the plan writes it
    assert {"正文 二（一）1", "附件2 第1行"} <= set(land["location"])
    robots = search_targets(t, keyword="工业机器人", department="市经信局")
    assert list(robots["value"]) == [500.0] and list(robots["period"]) == ["per_year"]
    assert search_targets(t, keyword="工业机器人", department="市商务局").empty


def test_targets_overview_adds_up_to_the_register(processed_dir):
    t = load_table("targets", processed_dir)
    ov = targets_overview(t)
    assert int(ov.loc[ov["位置"] == "合计", "合计"].iloc[0]) == len(t)


def test_department_items_lists_what_the_finance_office_owns(processed_dir):
    r, tasks, measures = (load_table(n, processed_dir) for n in ("responsibility", "tasks", "measures"))
    items = department_items(r, tasks, measures, "市金融办")
    # 附件2 第14行 (企业上市“3030”行动), 附件3 第2行 (产业政策体系) and 金融 measures
    assert (items["类型"] == "任务").sum() == 1 and items.loc[items["类型"] == "任务", "序号"].tolist() == [14]
    assert "上市企业达30家以上" in items.loc[items["类型"] == "任务", "内容"].iloc[0]
    assert (items["类型"] == "政策措施").sum() >= 2


def test_targets_read_in_the_plan_s_units(processed_dir):
    t = load_table("targets", processed_dir)
    pmva = targets_table(search_targets(t, keyword="亩均增加值"))
    # the body and the annex write 160 / 119 / 160 / 195 万元/亩 (亩均 implies per 亩)
    assert list(pmva["目标"]) == ["达到 160 万元/亩", "119 万元/亩", "不低于 160 万元/亩", "不低于 195 万元/亩"]
    assert not pmva["目标"].str.contains("0000").any()
    assert list(pmva.columns) == ["编号", "对象", "目标", "原文", "期限", "位置", "责任单位"]
    assert as_written(350000.0, "元/人") == "35 万元/人" and as_written(32.17, "万元/人") == "32.17 万元/人"


def test_indicator_table_has_chinese_headers_and_the_cells_as_written(processed_dir):
    from qzlib.plan.tables import load_indicators

    ind = indicators_table(load_indicators(processed_dir))
    assert list(ind.columns) == ["序号", "类别", "指标", "单位", "2022年（基期）", "2025年目标", "2027年目标", "责任单位"]
    row = ind.set_index("指标").loc["制造业增加值占全市生产总值比重"]
    assert row["2027年目标"] == "1/3左右" and row["2022年（基期）"] == "26.7"
    assert "indicator" in indicators_table(load_indicators(processed_dir), lang="en").columns


def test_department_summary_is_short_and_adds_up(processed_dir):
    c = counts(load_table("responsibility", processed_dir))
    s = department_summary(c, top=10)
    assert len(s) == 11 and s.iloc[-1]["责任单位"] == f"其余 {len(c) - 10} 个单位"
    assert s["合计"].sum() == c["total"].sum() and s.iloc[0]["责任单位"] == "市经信局"


def test_audit_table_speaks_chinese(processed_dir):
    a = audit_table(load_table("audit", processed_dir))
    assert set(a["类型"]) <= {"表述不同", "累计数与年均数", "单位不同", "数值不同", "约数与确数不一", "同一文件两种引法"}
    assert {"约数与确数不一", "同一文件两种引法"} <= set(a["类型"])
    assert a["说明"].str.contains("正文").any() and not a["说明"].str.contains("body states").any()


def test_views_follow_any_plans_years(tmp_path):
    """A county plan of the family with a 2023 baseline and 2026/2028 targets (tests/county_plan.py)
    reads with its own years: no 2022/2025/2027 column is assumed."""
    import county_plan
    from qzlib.plan.ingest import build

    county = build(county_plan.write(tmp_path))
    ind = indicators_table(county.indicators)
    assert [c for c in ind.columns if "年" in c] == ["2023年（基期）", "2026年目标", "2028年目标"]
    assert ind.set_index("指标").loc["规上工业亩均税收", "2026年目标"] == "24"
    t = targets_table(county.targets)
    assert not t["期限"].str.contains("by_|baseline_").any() and t["期限"].str.contains("到2026年").any()

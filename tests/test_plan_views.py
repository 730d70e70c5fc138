"""The plan notebook's questions, answered on the real plan."""
from qzlib.plan.tables import load_table
from qzlib.plan.views import department_items, find_targets, targets_overview


def test_find_targets_by_keyword_and_department(processed_dir):
    t = load_table("targets", processed_dir)
    land = find_targets(t, keyword="低效工业用地改造开发")
    assert set(land["value"]) == {15000.0} and set(land["unit"]) == {"亩"}
    assert {"正文 二（一）1", "附件2 第1行"} <= set(land["location"])
    robots = find_targets(t, keyword="工业机器人", department="市经信局")
    assert list(robots["value"]) == [500.0] and list(robots["period"]) == ["per_year"]
    assert find_targets(t, keyword="工业机器人", department="市商务局").empty


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

"""Questions researchers ask of the plan's tables, as small pure functions.

The plan notebook (02_plan.ipynb) calls these; keeping them here keeps the notebook
free of logic and the answers under test.
"""
from __future__ import annotations

import pandas as pd

PERIOD_ZH = {"per_year": "每年", "by_2025": "到2025年", "by_2027": "到2027年", "cumulative": "累计",
             "plan_period": "规划期内", "baseline_2022": "2022年基期"}


def find_targets(targets: pd.DataFrame, keyword: str = "", department: str = "") -> pd.DataFrame:
    """Targets whose subject contains ``keyword`` and whose owners include ``department``.

    The subject, not the sentence, is searched: one sentence often states several targets.
    """
    t = targets
    if keyword:
        t = t[t["subject"].astype(str).str.contains(keyword, regex=False)]
    if department:
        t = t[t["owners"].fillna("").astype(str).str.contains(department, regex=False)]
    return t.reset_index(drop=True)


def targets_overview(targets: pd.DataFrame) -> pd.DataFrame:
    """How many targets the register holds, by where they stand and by period (Chinese labels)."""
    where = targets["location"].astype(str).str.extract(r"^(正文|附件\d)")[0].fillna("其他")
    df = pd.crosstab(where.rename("位置"), targets["period"].map(PERIOD_ZH).fillna(targets["period"]).rename("期限"),
                     margins=True, margins_name="合计")
    return df.reset_index()


def department_items(responsibility: pd.DataFrame, tasks: pd.DataFrame, measures: pd.DataFrame,
                     department: str) -> pd.DataFrame:
    """Everything one department answers for, with the text of each task or measure."""
    r = responsibility[responsibility["department"] == department].copy()
    text = {("task", int(n)): c for n, c in zip(tasks["number"], tasks["content"])}
    text.update({("measure", int(n)): c for n, c in zip(measures["number"], measures["content"])})
    kind_zh = {"indicator": "指标", "task": "任务", "measure": "政策措施"}
    r["内容"] = [text.get((k, int(n)), "") for k, n in zip(r["item_type"], r["item_number"])]
    out = pd.DataFrame({"类型": r["item_type"].map(kind_zh), "序号": r["item_number"].astype(int),
                        "事项": r["item_label"], "内容": r["内容"]})
    return out.reset_index(drop=True)

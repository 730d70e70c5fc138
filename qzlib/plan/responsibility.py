"""Who answers for what: one row per department and plan item, and counts per department.

Department names are normalised so that one department is one row: spaces removed,
half-width brackets turned full-width, and a few long or older names merged into the
short form the plan itself uses (ALIASES; "市发改委" stays "市发改委"). In 衢政办发〔2023〕22号
every name is already written in its short form, so no alias fires there; the list is
for the other plans of the family.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

from qzlib.text import split_outside_brackets

# long or older name -> the short form used in the plans
ALIASES = {
    "市发展改革委": "市发改委",
    "市发展和改革委员会": "市发改委",
    "市经济和信息化局": "市经信局",
    "市科学技术局": "市科技局",
    "市市场监督管理局": "市市场监管局",
    "市自然资源和规划局": "市资源规划局",
    "市自然资源规划局": "市资源规划局",
    "市人力资源和社会保障局": "市人力社保局",
    "市生态环境保护局": "市生态环境局",
    "市人民银行": "市人行",
    "人行衢州市中心支行": "市人行",
    "衢州银保监分局": "市银保监局",
    "市地方金融监管局": "市金融办",
    "工业强市办": "市工业强市办",
    "市投资促进中心": "市招商中心",
}

_SPLIT_CLAUSE = "，,；;"
_NOTE_WORDS = ("以下", "均需", "不再列出", "落实", "负责", "配合")


def normalise_department(name: str) -> str:
    """One spelling per department (width, spaces, brackets, known aliases)."""
    t = unicodedata.normalize("NFKC", name)  # full-width letters/digits -> half-width
    t = t.replace("(", "（").replace(")", "）")  # Chinese brackets, as the plans write them
    t = re.sub(r"\s+", "", t).strip("。．.，,、；;：:")
    return ALIASES.get(t, t)


def split_owners(cell: str) -> tuple[list[str], str]:
    """Departments named in a 责任单位 cell, and any note written in it.

    >>> split_owners("市经信局，以下各项工作均需各县（市、区）政府落实，不再列出")
    (['市经信局'], '以下各项工作均需各县（市、区）政府落实，不再列出')
    >>> split_owners("市科技局、市发改委、市经信局")[0]
    ['市科技局', '市发改委', '市经信局']
    """
    clauses = split_outside_brackets(cell, _SPLIT_CLAUSE)
    owners: list[str] = []
    note: list[str] = []
    for clause in clauses:
        # A note is a sentence, not a list of names: note words, or a long clause with no 、
        if note or any(w in clause for w in _NOTE_WORDS) or ("、" not in clause and len(clause) > 15):
            note.append(clause)
            continue
        for name in split_outside_brackets(clause, "、"):
            dept = normalise_department(name)
            if dept and dept not in owners:
                owners.append(dept)
    return owners, "，".join(note)


def build(indicators: pd.DataFrame, tasks: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Long table: department, item_type, item_number, item_label."""
    rows = []
    for item_type, df, label in (("indicator", indicators, "name_zh"), ("task", tasks, "heading"),
                                 ("measure", measures, "heading")):
        for rec in df.itertuples(index=False):
            rec = rec._asdict()
            # owners were joined with 、 by split_owners; a name may hold one inside brackets
            for dept in split_outside_brackets(str(rec["owners"]), "、"):
                rows.append({"department": dept, "item_type": item_type,
                             "item_number": int(rec["number"]), "item_label": rec[label]})
    return pd.DataFrame(rows, columns=["department", "item_type", "item_number", "item_label"])


def counts(df: pd.DataFrame) -> pd.DataFrame:
    """Per department: how many indicators, tasks and measures it answers for.

    Columns department, indicators, tasks, measures, total; most loaded first.
    """
    if df.empty:
        return pd.DataFrame(columns=["department", "indicators", "tasks", "measures", "total"])
    table = (df.pivot_table(index="department", columns="item_type", values="item_number",
                            aggfunc="count", fill_value=0)
             .reindex(columns=["indicator", "task", "measure"], fill_value=0)
             .rename(columns={"indicator": "indicators", "task": "tasks", "measure": "measures"}))
    table["total"] = table.sum(axis=1)
    table = table.reset_index().sort_values(["total", "department"], ascending=[False, True])
    table.columns.name = None
    return table.reset_index(drop=True)[["department", "indicators", "tasks", "measures", "total"]]

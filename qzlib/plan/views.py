"""Questions researchers ask of the plan's tables, and the tables they read, as small pure functions.

The plan notebook (02_plan.ipynb) calls these; keeping them here keeps the notebook free of
logic and the answers under test. Tables come with Chinese headers (English with
``lang="en"``) and numbers in the units the plan writes (119 万元/亩, not 1190000 元/亩).
"""
from __future__ import annotations

import math
import re

import pandas as pd

from qzlib.i18n import N_, T, localized

PERIOD_ZH = {"per_year": "每年", "cumulative": "累计", "plan_period": "规划期内"}
PERIOD_EN = {"per_year": "per year", "cumulative": "cumulative", "plan_period": "plan period"}
AUDIT_KIND_ZH = {"wording_differs": N_("表述不同"), "cumulative_vs_rate": N_("累计数与年均数"), "unit_differs": N_("单位不同"),
                 "number_differs": N_("数值不同"), "approx_vs_exact": N_("约数与确数不一"), "same_document": N_("同一文件两种引法")}
AUDIT_STATUS_ZH = {"differs": "不一致", "ambiguous": "有歧义", "consistent": "一致"}
COMPARATOR_ZH = {"≥": "不低于", ">": "超过", "≈": "左右", "≤": "不高于", "=": "达到", "": ""}


@localized
def period_text(period: str, lang: str = "zh") -> str:
    """A register period in words, for any plan's years: 'by_2026' → '到2026年', 'baseline_2023' → '2023年基期'.

    >>> period_text("by_2026"), period_text("baseline_2023"), period_text("per_year"), period_text("by_2028", "en")
    ('到2026年', '2023年基期', '每年', 'by 2028')
    """
    words = PERIOD_EN if lang == "en" else PERIOD_ZH
    if period in words:
        return words[period]
    m = re.fullmatch(r"(by|baseline)_(\d{4})", str(period))
    if not m:
        return str(period)
    if m.group(1) == "by":
        return T("到{year}年", year=m.group(2))
    return T("{year}年基期", year=m.group(2))


def search_targets(targets: pd.DataFrame, keyword: str = "", department: str = "") -> pd.DataFrame:
    """Register rows whose subject contains ``keyword`` and whose owners include ``department``.

    The subject, not the sentence, is searched: one sentence often states several targets.
    (Not to be confused with :func:`qzlib.plan.targets.find_targets`, which reads targets out of text.)
    """
    t = targets
    if keyword:
        t = t[t["subject"].astype(str).str.contains(keyword, regex=False)]
    if department:
        t = t[t["owners"].fillna("").astype(str).str.contains(department, regex=False)]
    return t.reset_index(drop=True)


def as_written(value: float, unit: str) -> str:
    """A register value in the unit the plan writes: money and counts of 10 000 and more go back to 万.

    >>> as_written(1190000.0, "元/亩"), as_written(15000.0, "亩"), as_written(5000.0, "亿元"), as_written(3.4, "%")
    ('119 万元/亩', '1.5 万亩', '5000 亿元', '3.4%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v, u = float(value), str(unit or "")
    if abs(v) >= 1e4 and not u.startswith(("万", "亿")) and "%" not in u:
        v, u = v / 1e4, "万" + u
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return f"{text}%" if u == "%" else f"{text} {u}".strip()


@localized
def indicators_table(indicators: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Annex 1's indicators as the annex prints them (cells as written: 1/3左右, “/”, 完成省下达任务),
    with the plan's own baseline and target years (any plan of the family)."""
    years = sorted(int(c[4:]) for c in indicators.columns if re.fullmatch(r"raw_\d{4}", c))
    base = int(indicators["baseline_year"].mode().iloc[0]) if "baseline_year" in indicators and len(indicators) \
        else (years[0] if years else None)
    cols = {"number": T("序号"), "category": T("类别"),
            "name_zh": T("指标"), "unit": T("单位"),
            **{f"raw_{y}": T("{year}年（基期）", year=y) if y == base else T("{year}年目标", year=y) for y in years},
            "owners": T("责任单位")}
    cols = {k: v for k, v in cols.items() if k in indicators.columns}
    out = indicators[list(cols)].rename(columns=cols)
    if lang == "en" and "name_en" in indicators:
        out.insert(3, "indicator (English)", indicators["name_en"])
    return out.fillna("")


@localized
def targets_table(found: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Register rows for reading: the target as the plan writes it, period and place in Chinese."""
    return pd.DataFrame({
        T("编号"): found["target_id"],
        T("对象"): found["subject"],
        T("目标"): [
            (f"{'' if str(p).startswith('baseline_') else COMPARATOR_ZH.get(c, c) if lang != 'en' else c} "
             f"{as_written(v, u)}").strip()
            for v, u, c, p in zip(found["value"], found["unit"], found["comparator"].fillna(""), found["period"])],
        T("原文"): found["raw"],
        T("期限"): [period_text(p, lang) for p in found["period"]],
        T("位置"): found["location"],
        T("责任单位"): found["owners"].fillna(""),
    })


@localized
def targets_overview(targets: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """How many targets the register holds, by where they stand and by period."""
    where = targets["location"].astype(str).str.extract(r"^(正文|附件\d)")[0].fillna("其他")
    total = T("合计")
    df = pd.crosstab(where.rename(T("位置")),
                     targets["period"].map(lambda p: period_text(p, lang)).rename(T("期限")),
                     margins=True, margins_name=total)
    df.columns.name = None
    return df.reset_index()


@localized
def department_summary(counts: pd.DataFrame, top: int = 10, lang: str = "zh") -> pd.DataFrame:
    """The ``top`` departments by items owned, plus one row adding up the others (the full
    table goes to a file)."""
    cols = {"department": T("责任单位"), "indicators": T("指标"),
            "tasks": T("任务"), "measures": T("政策措施"),
            "total": T("合计")}
    head = counts.head(top)
    rest = counts.iloc[top:]
    if len(rest):
        other = {"department": T("其余 {n} 个单位", n=len(rest)),
                 **{k: int(rest[k].sum()) for k in ("indicators", "tasks", "measures", "total")}}
        head = pd.concat([head, pd.DataFrame([other])], ignore_index=True)
    return head.rename(columns=cols)


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


@localized
def audit_table(audit: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The body-vs-annex findings with Chinese kinds, statuses and explanations."""
    kind = (lambda s: s) if lang == "en" else (lambda s: AUDIT_KIND_ZH.get(s, s))
    status = (lambda s: s) if lang == "en" else (lambda s: AUDIT_STATUS_ZH.get(s, s))
    detail = audit["detail"] if lang == "en" or "detail_zh" not in audit else audit["detail_zh"].fillna(audit["detail"])
    return pd.DataFrame({
        T("编号"): audit["finding_id"], T("类型"): audit["kind"].map(kind),
        T("结论"): audit["status"].map(status), T("对象"): audit["subject"],
        T("正文位置"): audit["body_location"].fillna(""),
        T("附件位置"): audit["annex_location"].fillna(""),
        T("说明"): detail,
    })


@localized
def audit_summary(audit: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Findings counted by kind and status (the full list follows it and goes to a file)."""
    t = audit_table(audit, lang)
    k, s = T("类型"), T("结论")
    df = pd.crosstab(t[k], t[s], margins=True, margins_name=T("合计"))
    df.columns.name = None
    return df.reset_index()

"""Questions researchers ask of the plan's tables, and the tables they read, as small pure functions.

The plan notebook (02_plan.ipynb) calls these; keeping them here keeps the notebook free of
logic and the answers under test. Tables come with Chinese headers (English with
``lang="en"``) and numbers in the units the plan writes (119 万元/亩, not 1190000 元/亩).
"""
from __future__ import annotations

import math
import re

import pandas as pd

PERIOD_ZH = {"per_year": "每年", "cumulative": "累计", "plan_period": "规划期内"}
PERIOD_EN = {"per_year": "per year", "cumulative": "cumulative", "plan_period": "plan period"}
AUDIT_KIND_ZH = {"wording_differs": "表述不同", "cumulative_vs_rate": "累计数与年均数", "unit_differs": "单位不同",
                 "number_differs": "数值不同", "approx_vs_exact": "约数与确数不一", "same_document": "同一文件两种引法"}
AUDIT_STATUS_ZH = {"differs": "不一致", "ambiguous": "有歧义", "consistent": "一致"}
COMPARATOR_ZH = {"≥": "不低于", ">": "超过", "≈": "左右", "≤": "不高于", "=": "达到", "": ""}


def _h(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


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
        return _h(lang, f"到{m.group(2)}年", f"by {m.group(2)}")
    return _h(lang, f"{m.group(2)}年基期", f"{m.group(2)} baseline")


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


def indicators_table(indicators: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Annex 1's indicators as the annex prints them (cells as written: 1/3左右, “/”, 完成省下达任务),
    with the plan's own baseline and target years (any plan of the family)."""
    years = sorted(int(c[4:]) for c in indicators.columns if re.fullmatch(r"raw_\d{4}", c))
    base = int(indicators["baseline_year"].mode().iloc[0]) if "baseline_year" in indicators and len(indicators) \
        else (years[0] if years else None)
    cols = {"number": _h(lang, "序号", "No."), "category": _h(lang, "类别", "group"),
            "name_zh": _h(lang, "指标", "indicator"), "unit": _h(lang, "单位", "unit"),
            **{f"raw_{y}": (_h(lang, f"{y}年（基期）", f"{y} (baseline)") if y == base
                            else _h(lang, f"{y}年目标", f"{y} target")) for y in years},
            "owners": _h(lang, "责任单位", "owners")}
    cols = {k: v for k, v in cols.items() if k in indicators.columns}
    out = indicators[list(cols)].rename(columns=cols)
    if lang == "en" and "name_en" in indicators:
        out.insert(3, "indicator (English)", indicators["name_en"])
    return out.fillna("")


def targets_table(found: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Register rows for reading: the target as the plan writes it, period and place in Chinese."""
    return pd.DataFrame({
        _h(lang, "编号", "id"): found["target_id"],
        _h(lang, "对象", "subject"): found["subject"],
        _h(lang, "目标", "target"): [
            (f"{'' if str(p).startswith('baseline_') else COMPARATOR_ZH.get(c, c) if lang != 'en' else c} "
             f"{as_written(v, u)}").strip()
            for v, u, c, p in zip(found["value"], found["unit"], found["comparator"].fillna(""), found["period"])],
        _h(lang, "原文", "as written"): found["raw"],
        _h(lang, "期限", "period"): [period_text(p, lang) for p in found["period"]],
        _h(lang, "位置", "where"): found["location"],
        _h(lang, "责任单位", "owners"): found["owners"].fillna(""),
    })


def targets_overview(targets: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """How many targets the register holds, by where they stand and by period."""
    where = targets["location"].astype(str).str.extract(r"^(正文|附件\d)")[0].fillna("其他")
    total = _h(lang, "合计", "total")
    df = pd.crosstab(where.rename(_h(lang, "位置", "where")),
                     targets["period"].map(lambda p: period_text(p, lang)).rename(_h(lang, "期限", "period")),
                     margins=True, margins_name=total)
    df.columns.name = None
    return df.reset_index()


def department_summary(counts: pd.DataFrame, top: int = 10, lang: str = "zh") -> pd.DataFrame:
    """The ``top`` departments by items owned, plus one row adding up the others (the full
    table goes to a file)."""
    cols = {"department": _h(lang, "责任单位", "department"), "indicators": _h(lang, "指标", "indicators"),
            "tasks": _h(lang, "任务", "tasks"), "measures": _h(lang, "政策措施", "measures"),
            "total": _h(lang, "合计", "total")}
    head = counts.head(top)
    rest = counts.iloc[top:]
    if len(rest):
        other = {"department": _h(lang, f"其余 {len(rest)} 个单位", f"{len(rest)} others"),
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


def audit_table(audit: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The body-vs-annex findings with Chinese kinds, statuses and explanations."""
    kind = (lambda s: s) if lang == "en" else (lambda s: AUDIT_KIND_ZH.get(s, s))
    status = (lambda s: s) if lang == "en" else (lambda s: AUDIT_STATUS_ZH.get(s, s))
    detail = audit["detail"] if lang == "en" or "detail_zh" not in audit else audit["detail_zh"].fillna(audit["detail"])
    return pd.DataFrame({
        _h(lang, "编号", "id"): audit["finding_id"], _h(lang, "类型", "kind"): audit["kind"].map(kind),
        _h(lang, "结论", "status"): audit["status"].map(status), _h(lang, "对象", "subject"): audit["subject"],
        _h(lang, "正文位置", "body"): audit["body_location"].fillna(""),
        _h(lang, "附件位置", "annex"): audit["annex_location"].fillna(""),
        _h(lang, "说明", "detail"): detail,
    })


def audit_summary(audit: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Findings counted by kind and status (the full list follows it and goes to a file)."""
    t = audit_table(audit, lang)
    k, s = _h(lang, "类型", "kind"), _h(lang, "结论", "status")
    df = pd.crosstab(t[k], t[s], margins=True, margins_name=_h(lang, "合计", "total"))
    df.columns.name = None
    return df.reset_index()

"""Chinese words for the brief's machine names: the defaults a table gets when its section
passes no spec to ``ctx.save``.

A section's own spec always wins (``ctx.save(name, df, title=…, headers=…)``); these
words only stand in for sections that name their tables and columns in code, so that
the workbook, the CSV headers and the data package speak Chinese all the same.
"""
from __future__ import annotations

import re

from qzlib import i18n, rules
from qzlib.i18n import N_, T

# Tables whose column names an issue fixes for machines: their CSV keeps the names, the
# workbook and the data package give the Chinese titles.
MACHINE_TABLES = frozenset({"verdicts"})
# Columns that keep their machine name in every CSV (their Chinese title goes to the workbook).
MACHINE_COLUMNS = frozenset({"code"})

TABLE_TITLES = {
    "indicators_overview": N_("主要目标与规划路径"),
    "actual_vs_plan": N_("实际值与规划路径"),
    "progress": N_("进展评估"),
    "verdicts": N_("指标判断"),
    "data_requests": N_("数据需求清单"),
    "researcher_figures": N_("研究人员录入的数值"),
    "conflicts": N_("来源数值不一致"),
    "scenario_assumptions": N_("情景假设"),
    "scenario_attainment": N_("情景下的目标达成"),
    "scenario_comparison": N_("情景对照"),
    "plans_side_by_side": N_("多份规划对照"),
    "responsibility_counts": N_("责任分工"),
    "audit_findings": N_("规划文本一致性核查"),
    "provenance_files": N_("输入文件"),
    "indicator_shapes": N_("各指标的路径形态"),
    "revisions": N_("数值修订"),
}
TABLE_PREFIXES = {"figures_": N_("{}已收集的数值")}

FIELD_TITLES = {
    "code": N_("指标代码"), "number": N_("序号"), "name_zh": N_("指标"), "name_en": N_("指标（英文）"), "unit": N_("单位"),
    "kind": N_("指标类型"), "region": N_("地区"), "indicator": N_("指标代码"), "year": N_("年份"), "value": N_("数值"),
    "source": N_("来源"), "source_kind": N_("来源类型"), "note": N_("说明"), "reason": N_("理由"), "status": N_("状态"),
    "target_year": N_("目标年"), "target_value": N_("目标值"), "target_raw": N_("目标原文"), "comparator": N_("比较关系"),
    "qualifier": N_("目标性质"), "base_year": N_("基期年"), "base_value": N_("基期值"),
    "latest_year": N_("最新年份"), "latest_value": N_("最新值"), "n_obs": N_("观测值个数"),
    "time_progress": N_("时间进度"), "completion": N_("完成度"),
    "cagr_obs": N_("实际年均增速"), "cagr_req": N_("所需年均增速"), "r_growth": N_("实际/所需增速之比R"),
    "projected": N_("外推至目标年的值"), "ratio_extrap": N_("外推值与目标之比"), "prob": N_("达标概率"),
    "forecast_method": N_("预测方法"), "forecast_mean": N_("预测均值"),
    "segment_from_year": N_("当前目标段起始年"), "segment_pts_per_year": N_("当前目标段年均所需（百分点）"),
    "segment_cagr": N_("当前目标段年均所需增速"), "required_pts_per_year": N_("仍需年均（百分点）"),
    "required_cagr": N_("仍需年均增速"), "plan_path_value": N_("规划路径值"),
    "headline_lens": N_("主视角"), "headline_label": N_("主视角判断"), "headline_colour": N_("主视角颜色"),
    "verdict": N_("判断"), "verdict_zh": N_("判断（中文）"), "target": N_("目标"), "required_pace": N_("所需年均速度"),
    "observed_pace": N_("实际年均速度"), "plan_pace": N_("规划要求的年均速度"), "shape": N_("路径形态"),
    "headline": N_("是否为主判断"), "start_year": N_("起点年"), "start_value": N_("起点值"),
    "path_progress": N_("沿规划路径的进度"), "met_year": N_("达到年份"), "support": N_("各视角的不同意见"),
    "later": N_("后续目标"), "label": N_("判断"), "colour": N_("颜色"), "disagree": N_("与判断不一致的视角"),
    "SHA-256": N_("SHA-256 校验值"),
}
LENS_NAMES = {"1": N_("①完成度/时间"), "2": N_("②实际/所需增速"), "3": N_("③外推"), "4": N_("④达标概率")}
_LENS = re.compile(r"^l(\d)_(label|colour)$")

# Fractions the brief prints as per cent, and how many decimals of the per cent it prints:
# shares whole (``rules.SHARE_DIGITS`` decimals of the fraction, "67%"), growth rates to one
# decimal (``fmt.pct``, "+10.4%").
SHARE_COLUMNS = frozenset({"completion", "time_progress", "prob", "完成度", "时间进度", "达标概率"})
GROWTH = re.compile(r"cagr|增速$")
SHARE_PERCENT_DIGITS = rules.SHARE_DIGITS - 2
GROWTH_PERCENT_DIGITS = 1
YEAR = re.compile(r"year|年份$|年$", re.I)
# A pace is points a year (printed at 2 decimals) or a growth rate (a fraction printed as per
# cent at 1 decimal: 3 decimals of the fraction); a column of either, row by row, keeps 3.
PACE = re.compile(r"pace|速度")
PACE_DIGITS = 3


def table_title(name: str) -> str:
    """The Chinese title of a saved table when its section gave none.

    >>> table_title("progress"), table_title("figures_衢州市"), table_title("新表")
    ('进展评估', '衢州市已收集的数值', '新表')
    """
    if name in TABLE_TITLES:
        return T(TABLE_TITLES[name])
    for prefix, pattern in TABLE_PREFIXES.items():
        if name.startswith(prefix):
            return T(pattern).format(name[len(prefix):])
    return name


def field_title(name: str) -> str:
    """The Chinese title of a column (a Chinese name is its own title).

    >>> field_title("target_year"), field_title("l2_colour"), field_title("实际值")
    ('目标年', '②实际/所需增速 颜色', '实际值')
    >>> with i18n.using("en"):
    ...     field_title("target_year"), field_title("indicator")
    ('target year', 'indicator')
    """
    if i18n.is_said(name):   # already a header in the language in use ('indicator' in an English table)
        return name
    if name in FIELD_TITLES:
        return T(FIELD_TITLES[name])
    m = _LENS.match(name)
    if m and m.group(1) in LENS_NAMES:
        said = T("{lens} 判断") if m.group(2) == "label" else T("{lens} 颜色")
        return said.format(lens=T(LENS_NAMES[m.group(1)]))
    return T(name)


def percent_digits(name: str) -> int | None:
    """Decimals of the per cent the brief prints a fraction column with (None: not a fraction).

    >>> percent_digits("completion"), percent_digits("required_cagr"), percent_digits("较上年增速"), percent_digits("实际值")
    (0, 1, 1, None)
    """
    if name in SHARE_COLUMNS:
        return SHARE_PERCENT_DIGITS
    if GROWTH.search(name):
        return GROWTH_PERCENT_DIGITS
    return None


def digits(name: str) -> int:
    """Decimals a number column is written with when its section said none.

    >>> digits("required_pace"), digits("仍需速度"), digits("实际值"), digits("completion")
    (3, 3, 2, 2)
    """
    pct = percent_digits(name)
    if pct is not None:
        return pct + 2
    return PACE_DIGITS if PACE.search(name) else rules.VALUE_DIGITS


def is_year(name: str) -> bool:
    """A column of years by its name (written as whole numbers).

    >>> is_year("target_year"), is_year("年份"), is_year("下一目标年"), is_year("2025年目标")
    (True, True, True, False)
    """
    return bool(YEAR.search(name))

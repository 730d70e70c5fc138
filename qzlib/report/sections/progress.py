"""Section 三: progress to every numeric target through the four lenses, on a compact page.

One row per target; each lens a coloured chip with a short label and, on a second line
of the same cell, the number it was judged on, printed with the rounding the rule
compared (:mod:`qzlib.rules`).
"""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from qzlib import rules
from qzlib.forecast import progress as P
from qzlib import fmt
from qzlib.report.sections.context import BriefContext

LENSES = (("l1", "① 完成度/时间"), ("l2", "② 实际/所需增速"), ("l3", "③ 外推"), ("l4", "④ 达标概率"))
SHORT = {"目标年实际值已达到目标": "已达到", "目标年实际值未达到目标": "未达到", P.FLOOR_MISSED: "未达底线",
         "目标等于基期值，不适用": "不适用", "可如期实现": "可如期"}
COLOUR_ORDER = {P.RED: 0, P.AMBER: 1, P.GREEN: 2}
WORDS = {P.RED: "偏离目标或进展有限", P.AMBER: "需要加快", P.GREEN: "进度正常或已达到"}


def table(ctx: BriefContext) -> pd.DataFrame:
    """The four lenses for every indicator and target year (computed once per brief, saved)."""
    def compute():
        obs = ctx.observations if ctx.has_obs else pd.DataFrame(
            columns=["region", "indicator", "year", "value", "selected"])
        t = P.progress_table(ctx.points, obs, ctx.year, ctx.region)
        ctx.save("progress", t)
        return t
    return ctx.once("progress", compute)


def numbers(r, key: str) -> str:
    """The number a lens was judged on, as the rule rounded it ('' when it has none)."""
    def v(f):
        return pd.to_numeric(r.get(f), errors="coerce")
    if key == "l1" and not pd.isna(v("completion")) and not pd.isna(v("time_progress")):
        return (f"完成{rules.text(v('completion'), rules.SHARE_DIGITS, percent=True)}"
                f"·时间{rules.text(v('time_progress'), rules.SHARE_DIGITS, percent=True)}")
    if key == "l2" and not pd.isna(v("r_growth")):
        return f"R={rules.text(v('r_growth'), rules.RATIO_DIGITS)}"
    if key == "l3" and not pd.isna(v("ratio_extrap")):
        return f"比值{rules.text(v('ratio_extrap'), rules.RATIO_DIGITS)}"
    if key == "l4" and not pd.isna(v("prob")):
        return f"P={rules.text(v('prob'), rules.SHARE_DIGITS, percent=True)}"
    return ""


def short_label(r, key: str) -> str:
    """A verdict in a few characters; '—' when the lens cannot judge (its reason goes to 说明)."""
    if r[f"{key}_colour"] == P.GREY or not r[f"{key}_label"]:
        return fmt.MISSING
    label = str(r[f"{key}_label"])
    return SHORT.get(label, label)


def _chip(r, key: str) -> str:
    colour = str(r[f"{key}_colour"])
    nums = numbers(r, key)
    second = f'<br><span class="nums">{html.escape(nums)}</span>' if nums and colour != P.GREY else ""
    return f'<span class="chip rag-{colour}">{html.escape(short_label(r, key))}</span>{second}'


def page(ctx: BriefContext) -> HTML:
    """One row per indicator × target year; grey reasons said once above the table when shared."""
    t = table(ctx)
    df = pd.DataFrame({
        "指标": [f'{html.escape(str(n))}<br><span class="nums">{html.escape(str(u))}</span>'
                 for n, u in zip(t["name_zh"], t["unit"])],
        "目标": [f'{int(y)}年<br>{html.escape(_target_text(r))}' for y, (_, r) in zip(t["target_year"], t.iterrows())],
        "最新值": [fmt.MISSING if pd.isna(v) else f"{fmt.num(v)}<br>（{int(y)}）"
                   for v, y in zip(t["latest_value"], t["latest_year"])],
        "年均所需": [html.escape(fmt.pace(r.get("required_pts_per_year"), r.get("required_cagr"), r["unit"]))
                     for _, r in t.iterrows()],
    })
    for key, label in LENSES:
        df[label] = [_chip(r, key) for _, r in t.iterrows()]
    all_grey = (t[[f"{k}_colour" for k, _ in LENSES]] == P.GREY).all(axis=1)
    notes = [fmt.clip(n, 40) for n in t["note"].fillna("")]
    df["说明"] = notes
    common = pd.Series([n for n, g in zip(notes, all_grey) if g and n]).value_counts()
    lead = ""
    if len(common) and common.iloc[0] > 3:
        lead = (f"<p class='note'>“—”表示该视角无法判断。{common.iloc[0]} 个目标的情况相同："
                f"{html.escape(common.index[0])}（表中记为“同上”）。</p>")
        df.loc[df["说明"] == common.index[0], "说明"] = "同上"
    df["说明"] = df["说明"].map(html.escape)
    widths = {"指标": "19%", "目标": "8%", "最新值": "8%", "年均所需": "9%", "说明": "16%",
              **{label: "10%" for _, label in LENSES}}
    return HTML(lead + fmt.table(df, numeric=("最新值", "年均所需"), classes="progress", widths=widths,
                                 html_cols=tuple(df.columns)))


def _target_text(r) -> str:
    if r["qualifier"] in ("qualitative",) or pd.isna(r["target_value"]):
        return fmt.clip(r["target_raw"], 8)
    comp = str(r.get("comparator") or "")
    sign = {"≥": "≥", "≈": "≈", ">": ">", "≤": "≤", "<": "<"}.get(comp, "")
    return f"{sign}{fmt.num(r['target_value'])}"


def by_indicator(ctx: BriefContext) -> pd.DataFrame:
    """The headline verdict per indicator: its worst judged target (red < amber < green), with
    that target's row; indicators with no judged target are left out."""
    t = table(ctx)
    judged = t[t["headline_colour"].isin(list(COLOUR_ORDER))].copy()
    if judged.empty:
        return judged
    judged["_rank"] = judged["headline_colour"].map(COLOUR_ORDER)
    judged = judged.sort_values(["_rank", "target_year"])
    return judged.drop_duplicates("code").sort_values(["_rank", "number"]).drop(columns="_rank")


def evidence(r) -> str:
    """'名称 最新值（年）/ 目标（年），判断的数' for one progress row."""
    num = numbers(r, r["headline_lens"]) if r["headline_lens"] else ""
    return (f"{r['name_zh']}（{fmt.num(r['latest_value'])}，{int(r['latest_year'])}年；"
            f"{int(r['target_year'])}年目标 {_target_text(r)}"
            + (f"；{num}" if num else "") + f"；{short_label(r, r['headline_lens'])}）")


def headline(ctx: BriefContext) -> list[str]:
    """Summary sentences: which indicators are off track, at risk and on track, with their numbers."""
    t = table(ctx)
    per = by_indicator(ctx)
    n_ind = ctx.n_indicators
    if per.empty:
        return [f"进展：截至{ctx.year}年，{html.escape(ctx.region)}尚无{ctx.base_year}年基期以后的规划指标数据，四种进展视角"
                f"均无法给出判断；第一部分列出达到各目标所需的年均增速，第四部分列出向统计部门提出的数据需求。"]
    out = []
    for colour in (P.RED, P.AMBER, P.GREEN):
        g = per[per["headline_colour"] == colour]
        if len(g):
            out.append(f"<b>{WORDS[colour]}（{len(g)} 项指标）</b>：" + "；".join(html.escape(evidence(r))
                                                                          for _, r in g.iterrows()) + "。")
    not_judged = n_ind - len(per)
    out.append(f"以上按主视角（实际/所需增速之比，不可用时依次用完成度、外推、概率）判断，每项指标取其各目标年中最不利的一项；"
               f"共判断 {len(per)} 项指标、{int(t['headline_colour'].isin(list(COLOUR_ORDER)).sum())} 个指标年度目标；"
               f"其余 {not_judged} 项指标因缺少基期以后的数据或目标为定性表述未作判断。")
    return out

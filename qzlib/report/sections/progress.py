"""Section 三: one verdict per indicator and milestone, with the four lenses beside it.

Every row comes from the verdict table (:func:`qzlib.forecast.verdicts.verdict_table`, saved
as ``verdicts.csv``): the verdict (the plan path decides, :func:`qzlib.rules.judge`), the
figure it rests on, the pace still needed, and a coloured chip per supporting lens with
the number it was judged on. Where a lens disagrees with the verdict, the row says so in
words. The summary reads the same table (:func:`headline`).
"""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from qzlib import fmt, rules
from qzlib.forecast import progress as P
from qzlib.forecast.verdicts import PACE_MEASURE_ZH, headlines, verdict_table
from qzlib.report.sections.context import BriefContext

LENSES = (("l1", "① 完成度/时间"), ("l2", "② 实际/所需速度"), ("l3", "③ 外推"), ("l4", "④ 达标概率"))
SHORT = {"目标年实际值已达到目标": "已达到", "目标年实际值未达到目标": "未达到", P.FLOOR_MISSED: "未达底线",
         "目标等于基期值，不适用": "不适用", "目标等于起点值，不适用": "不适用", "可如期实现": "可如期"}
VERDICT_HEADERS_ZH = {
    "code": "指标代码", "number": "序号", "name_zh": "指标", "unit": "单位", "kind": "类别", "shape": "路径形态",
    "target_year": "目标年", "target_value": "目标值", "comparator": "比较符", "target_raw": "目标原文",
    "verdict": "结论代码", "verdict_zh": "结论", "headline": "是否主结论", "latest_year": "据以判断的年份",
    "latest_value": "据以判断的数值", "start_year": "起点年", "start_value": "起点值", "plan_path_value": "规划路径值",
    "path_progress": "规划路径进度", "required_pace": "仍需速度", "observed_pace": "实际速度", "plan_pace": "规划要求速度",
    "met_year": "达到目标之年", "reason": "理由", "support": "辅助视角说明", "disagree": "不一致的辅助视角",
    "later": "其后目标年", "time_progress": "①时间进度", "completion": "①完成度", "l1_label": "①判断",
    "l1_colour": "①颜色", "r_growth": "②R", "l2_label": "②判断", "l2_colour": "②颜色", "projected": "③推算值",
    "ratio_extrap": "③比值", "l3_label": "③判断", "l3_colour": "③颜色", "prob": "④概率", "forecast_method": "④模型",
    "l4_label": "④判断", "l4_colour": "④颜色"}
GROUPS = (("off_track", "偏离"), ("at_risk", "有风险"), ("on_track", "进度正常"), ("met", "已达成"))


def table(ctx: BriefContext) -> pd.DataFrame:
    """The verdict table for the brief's year (computed once per brief, saved as verdicts.csv)."""
    def compute():
        t = verdict_table(ctx.points, ctx.observations if ctx.has_obs else None, ctx.year, ctx.region)
        ctx.save("verdicts", t, title="指标判断", keep_names=True, headers=VERDICT_HEADERS_ZH,
                 description="每项指标每个目标年一个结论（规划路径为准绳，规则见简报附录），及其理由、速度与四个辅助视角")
        return t
    return ctx.once("verdicts", compute)


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
    """A lens's verdict in a few characters; '—' when the lens cannot judge."""
    if r[f"{key}_colour"] == P.GREY or not isinstance(r[f"{key}_label"], str) or not r[f"{key}_label"]:
        return fmt.MISSING
    label = str(r[f"{key}_label"])
    return SHORT.get(label, label)


def _chip(label: str, colour: str, nums: str = "") -> str:
    second = f'<br><span class="nums">{html.escape(nums)}</span>' if nums and colour != P.GREY else ""
    return f'<span class="chip rag-{colour}">{html.escape(label)}</span>{second}'


def verdict_numbers(r) -> str:
    """The deciding number: the plan path value at the judged figure's year and the progress along it."""
    if r["verdict"] == "met" and pd.notna(r["met_year"]):
        return f"{int(r['met_year'])}年起"
    if pd.isna(r["plan_path_value"]) or r["verdict"] == "not_assessed":
        return ""
    progress = "" if pd.isna(r["path_progress"]) else f"·进度{rules.text(r['path_progress'], 2, percent=True)}"
    return f"路径{fmt.quantity(r['plan_path_value'], r['kind'])}{progress}"


def value_cell(r) -> str:
    if pd.isna(r["latest_value"]):
        return fmt.MISSING
    return f"{fmt.quantity(r['latest_value'], r['kind'])}<br>（{int(r['latest_year'])}）"


def needed(r) -> str:
    """Pace still needed, in the indicator's shape; '已达成' once met, '—' when none applies."""
    if r["verdict"] == "met":
        return "已达成"
    if pd.isna(r["required_pace"]):
        return fmt.MISSING
    return fmt.rate(r["required_pace"], r["shape"], r["unit"])


def target_text(r) -> str:
    if pd.isna(r["target_value"]):
        return fmt.clip(r["target_raw"], 8)
    comp = str(r.get("comparator") or "")
    sign = {"≥": "≥", "≈": "≈", ">": ">", "≤": "≤", "<": "<"}.get(comp, "")
    return f"{sign}{fmt.quantity(r['target_value'], r['kind'])}"


def page(ctx: BriefContext) -> HTML:
    """One row per indicator × milestone: the verdict first, then the lenses, then the reasons."""
    t = table(ctx)
    df = pd.DataFrame({
        "指标": [f'{html.escape(str(n))}<br><span class="nums">{html.escape(str(u))}</span>'
                 for n, u in zip(t["name_zh"], t["unit"])],
        "目标": [f'{int(r["target_year"])}年<br>{html.escape(target_text(r))}' for _, r in t.iterrows()],
        "最新值": [value_cell(r) for _, r in t.iterrows()],
        "结论": [_chip(r["verdict_zh"], rules.VERDICT_COLOUR[r["verdict"]], verdict_numbers(r)) for _, r in t.iterrows()],
        "仍需": [html.escape(needed(r)) for _, r in t.iterrows()],
    })
    for key, label in LENSES:
        df[label] = [_chip(short_label(r, key), str(r[f"{key}_colour"]), numbers(r, key)) for _, r in t.iterrows()]
    df["说明"] = [html.escape(n) for n in same_as_above([note(r) for _, r in t.iterrows()], list(t["code"]))]
    widths = {"指标": "17%", "目标": "7%", "最新值": "7%", "结论": "10%", "仍需": "9%", "说明": "22%",
              **{label: "7%" for _, label in LENSES}}
    lead = ("<p class='note'>“结论”按规划路径判断（规则与阈值见附录）；①—④为辅助视角，“—”表示该视角无法判断；"
            "辅助视角与结论不一致时，“说明”列注明。“仍需”为从最新值到目标每年仍需的速度。</p>")
    return HTML(lead + fmt.table(df, numeric=("最新值", "仍需"), classes="progress", widths=widths,
                                 html_cols=tuple(df.columns)))


def note(r) -> str:
    """What the row's cells do not already say: why it is met, not assessed or fell back, and
    which supporting lenses disagree with the verdict (the full sentence is in verdicts.csv)."""
    parts = []
    standard = r["verdict"] in ("on_track", "at_risk", "off_track") and not str(r["reason"]).startswith("曾于")
    if not standard and isinstance(r["reason"], str):
        parts.append(r["reason"])
    if isinstance(r.get("disagree"), str) and r["disagree"]:
        parts.append(f"{r['disagree']}与结论不同，以规划路径为准")
    return "；".join(parts)


def same_as_above(notes: list[str], codes: list[str]) -> list[str]:
    """'同上' for a note equal to the one in the row directly above it for the same indicator."""
    out = []
    for i, n in enumerate(notes):
        out.append("同上" if i and n and n == notes[i - 1] and codes[i] == codes[i - 1] else n)
    return out


def evidence(r, later: pd.DataFrame | None = None) -> str:
    """'名称（最新值，年；路径值；目标）' for one headline row, and what a later milestone asks when it
    asks for a faster pace or reads differently."""
    head = f"{r['name_zh']}（{fmt.quantity(r['latest_value'], r['kind'])}，{int(r['latest_year'])}年；"
    if r["verdict"] == "met":
        body = f"{int(r['target_year'])}年目标 {target_text(r)}，{int(r['met_year'])}年已达到"
    else:
        path = "" if pd.isna(r["plan_path_value"]) else f"规划路径值 {fmt.quantity(r['plan_path_value'], r['kind'])}，"
        body = f"{path}{int(r['target_year'])}年目标 {target_text(r)}"
    after = "" if later is None else "".join(f"；{x}" for x in (later_short(x, r) for _, x in later.iterrows()) if x)
    return head + body + after + "）"


def later_short(r, head) -> str:
    """'2027年需提速至每年 +0.20个百分点' (or '2027年目标：有风险') for a milestone after the headline
    one; '' when it says nothing the headline does not."""
    faster = (pd.notna(r["plan_pace"]) and pd.notna(head["plan_pace"])
              and (rules.shown(r["plan_pace"], 4) or 0) > (rules.shown(head["plan_pace"], 4) or 0))
    if r["verdict"] not in ("met", "not_assessed") and faster:
        return f"{int(r['target_year'])}年目标需提速至{pace_word(r['shape'])} {fmt.rate(r['plan_pace'], r['shape'], r['unit'])}"
    if r["verdict"] != head["verdict"] and r["verdict"] != "not_assessed":
        return f"{int(r['target_year'])}年目标：{r['verdict_zh']}"
    return ""


def headline(ctx: BriefContext) -> list[str]:
    """Summary sentences: each indicator's headline verdict (its next milestone), grouped."""
    t = table(ctx)
    per = headlines(t)
    judged = per[per["verdict"] != "not_assessed"]
    if judged.empty:
        with_figure = per[per["latest_year"].notna() & (per["latest_year"] > (ctx.base_year or 0))]
        lead = (f"进展：截至{ctx.year}年，{html.escape(ctx.region)}尚无{ctx.base_year}年基期以后的规划指标数据"
                if with_figure.empty else f"进展：截至{ctx.year}年，有数据的指标均无法作量化判断")
        return [lead + "，各项目标均为“无法评估”；第一部分列出达到各目标所需的速度，第四部分列出向统计部门提出的数据需求。"]
    out = []
    for code, word in GROUPS:
        g = per[per["verdict"] == code]
        if len(g):
            out.append(f"<b>{word}（{len(g)} 项指标）</b>：" + "；".join(
                html.escape(evidence(r, t[(t["code"] == r["code"]) & (t["target_year"] > r["target_year"])]))
                for _, r in g.iterrows()) + "。")
    rest = per[per["verdict"] == "not_assessed"]
    milestones = sorted(set(int(y) for y in per["target_year"]))
    out.append(f"以上按规划路径判断（阈值见附录），每项指标取其下一个尚未过去的目标年（{'、'.join(map(str, milestones))}年），"
               f"其后目标年的要求见第三部分；共判断 {len(judged)} 项指标"
               + (f"，其余 {len(rest)} 项无法评估（{html.escape(not_assessed_summary(rest))}）。" if len(rest) else "。"))
    return out


def not_assessed_summary(rows: pd.DataFrame) -> str:
    """'定性目标 2 项、尚无后续数据 1 项' for the indicators whose headline is not assessed."""
    kinds = {"定性": "目标为定性表述", "只有": "只有基期值", "仅有": "仅有一个数值", "尚未取得": "目标年数值尚未取得",
             "尚无观测值": "尚无数据"}
    counts: dict[str, int] = {}
    for reason in rows["reason"]:
        label = next((v for k, v in kinds.items() if k in str(reason)), "其他")
        counts[label] = counts.get(label, 0) + 1
    return "、".join(f"{k} {n} 项" for k, n in counts.items())


def later_milestones(ctx: BriefContext) -> list[str]:
    """'名称：2027年目标 …' for each headline row with later milestones (said beside the headline)."""
    per = headlines(table(ctx))
    return [f"{r['name_zh']}：{r['later']}" for _, r in per.iterrows() if isinstance(r["later"], str) and r["later"]
            and r["verdict"] != "not_assessed"]


def pace_word(shape: str) -> str:
    return PACE_MEASURE_ZH[shape]

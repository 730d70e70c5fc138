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

from qzlib import fmt, i18n, rules
from qzlib.forecast import progress as P
from qzlib.forecast.verdicts import headlines, pace_measure, verdict_table
from qzlib.i18n import N_, T
from qzlib.report.sections.context import BriefContext

LENSES = (("l1", N_("① 完成度/时间")), ("l2", N_("② 实际/所需速度")), ("l3", N_("③ 外推")), ("l4", N_("④ 达标概率")))
SHORT = {"目标年实际值已达到目标": N_("已达到"), "目标年实际值未达到目标": N_("未达到"), P.FLOOR_MISSED: N_("未达底线"),
         "目标等于基期值，不适用": N_("不适用"), "目标等于起点值，不适用": N_("不适用"), "可如期实现": N_("可如期")}
VERDICT_HEADERS_ZH = {
    "code": N_("指标代码"), "number": N_("序号"), "name_zh": N_("指标"), "name_en": N_("指标（英文）"), "unit": N_("单位"), "kind": N_("类别"), "shape": N_("路径形态"),
    "target_year": N_("目标年"), "target_value": N_("目标值"), "comparator": N_("比较符"), "target_raw": N_("目标原文"),
    "verdict": N_("结论代码"), "verdict_zh": N_("结论"), "headline": N_("是否主结论"), "latest_year": N_("据以判断的年份"),
    "latest_value": N_("据以判断的数值"), "start_year": N_("起点年"), "start_value": N_("起点值"), "plan_path_value": N_("规划路径值"),
    "path_progress": N_("规划路径进度"), "required_pace": N_("仍需速度"), "observed_pace": N_("实际速度"), "plan_pace": N_("规划要求速度"),
    "met_year": N_("达到目标之年"), "reason": N_("理由"), "basis": N_("判断依据"), "support": N_("辅助视角说明"), "disagree": N_("不一致的辅助视角"),
    "later": N_("其后目标年"), "time_progress": N_("①时间进度"), "completion": N_("①完成度"), "l1_label": N_("①判断"),
    "l1_colour": N_("①颜色"), "r_growth": N_("②R"), "l2_label": N_("②判断"), "l2_colour": N_("②颜色"), "projected": N_("③推算值"),
    "ratio_extrap": N_("③比值"), "l3_label": N_("③判断"), "l3_colour": N_("③颜色"), "prob": N_("④概率"), "forecast_method": N_("④模型"),
    "l4_label": N_("④判断"), "l4_colour": N_("④颜色")}
GROUPS = ("off_track", "at_risk", "on_track", "met")


def table(ctx: BriefContext) -> pd.DataFrame:
    """The verdict table for the brief's year (computed once per brief, saved as verdicts.csv)."""
    def compute():
        t = verdict_table(ctx.points, ctx.observations if ctx.has_obs else None, ctx.year, ctx.region)
        said = t.assign(**{c: t[c].map(lambda v: T(v) if isinstance(v, str) and v else v)   # words, not codes
                           for c in t.columns if c.endswith("_label")})
        ctx.save("verdicts", said, title=T("指标判断"), keep_names=True,
                 headers={k: T(v) for k, v in VERDICT_HEADERS_ZH.items()},
                 description=T("每项指标每个目标年一个结论（规划路径为准绳，规则见简报附录），及其理由、速度与四个辅助视角"))
        return t
    return ctx.once("verdicts", compute)


def numbers(r, key: str) -> str:
    """The number a lens was judged on, as the rule rounded it ('' when it has none)."""
    def v(f):
        return pd.to_numeric(r.get(f), errors="coerce")
    if key == "l1" and not pd.isna(v("completion")) and not pd.isna(v("time_progress")):
        return T("完成{done}·时间{time}", done=rules.text(v("completion"), rules.SHARE_DIGITS, percent=True),
                 time=rules.text(v("time_progress"), rules.SHARE_DIGITS, percent=True))
    if key == "l2" and not pd.isna(v("r_growth")):
        return f"R={rules.text(v('r_growth'), rules.RATIO_DIGITS)}"
    if key == "l3" and not pd.isna(v("ratio_extrap")):
        return T("比值{ratio}", ratio=rules.text(v("ratio_extrap"), rules.RATIO_DIGITS))
    if key == "l4" and not pd.isna(v("prob")):
        return f"P={rules.text(v('prob'), rules.SHARE_DIGITS, percent=True)}"
    return ""


def short_label(r, key: str) -> str:
    """A lens's verdict in a few characters; '—' when the lens cannot judge."""
    if r[f"{key}_colour"] == P.GREY or not isinstance(r[f"{key}_label"], str) or not r[f"{key}_label"]:
        return fmt.MISSING
    label = str(r[f"{key}_label"])
    return T(SHORT.get(label, label))


def _chip(label: str, colour: str, nums: str = "") -> str:
    second = f'<br><span class="nums">{html.escape(nums)}</span>' if nums and colour != P.GREY else ""
    return f'<span class="chip rag-{colour}">{html.escape(label)}</span>{second}'


def verdict_numbers(r) -> str:
    """The deciding number: the plan path value at the judged figure's year and the progress along it."""
    if r["verdict"] == "met" and pd.notna(r["met_year"]):
        return T("{year}年起", year=int(r["met_year"]))
    if pd.isna(r["plan_path_value"]) or r["verdict"] == "not_assessed":
        return ""
    progress = "" if pd.isna(r["path_progress"]) else T("·进度{share}", share=rules.text(r["path_progress"], 2, percent=True))
    return T("路径{value}", value=fmt.quantity(r["plan_path_value"], r["kind"])) + progress


def value_cell(r) -> str:
    if pd.isna(r["latest_value"]):
        return fmt.MISSING
    return fmt.quantity(r["latest_value"], r["kind"]) + "<br>" + T("（{year}）", year=int(r["latest_year"]))


def needed(r) -> str:
    """Pace still needed, in the indicator's shape; '已达成' once met, '—' when none applies."""
    if r["verdict"] == "met":
        return T("已达成")
    if pd.isna(r["required_pace"]):
        return fmt.MISSING
    return fmt.rate(r["required_pace"], r["shape"], r["unit"])


def target_text(r) -> str:
    if pd.isna(r["target_value"]):
        return fmt.clip(i18n.term("phrase", r["target_raw"]), 8)
    comp = str(r.get("comparator") or "")
    sign = {"≥": "≥", "≈": "≈", ">": ">", "≤": "≤", "<": "<"}.get(comp, "")
    return f"{sign}{fmt.quantity(r['target_value'], r['kind'])}"


def page(ctx: BriefContext) -> HTML:
    """One row per indicator × milestone: the verdict first, then the lenses, then the reasons."""
    t = table(ctx)
    cols = {k: T(k) for k in (N_("指标"), N_("目标"), N_("最新值"), N_("结论"), N_("仍需"), N_("说明"))}
    df = pd.DataFrame({
        cols["指标"]: [f'{html.escape(ctx.name(c))}<br><span class="nums">{html.escape(ctx.unit(c))}</span>'
                     for c in t["code"]],
        cols["目标"]: [T("{year}年", year=int(r["target_year"])) + f'<br>{html.escape(target_text(r))}'
                     for _, r in t.iterrows()],
        cols["最新值"]: [value_cell(r) for _, r in t.iterrows()],
        cols["结论"]: [_chip(T(r["verdict_zh"]), rules.VERDICT_COLOUR[r["verdict"]], verdict_numbers(r))
                     for _, r in t.iterrows()],
        cols["仍需"]: [html.escape(needed(r)) for _, r in t.iterrows()],
    })
    for key, label in LENSES:
        df[T(label)] = [_chip(short_label(r, key), str(r[f"{key}_colour"]), numbers(r, key)) for _, r in t.iterrows()]
    df[cols["说明"]] = [html.escape(n) for n in same_as_above([note(r) for _, r in t.iterrows()], list(t["code"]))]
    widths = {cols["指标"]: "17%", cols["目标"]: "7%", cols["最新值"]: "7%", cols["结论"]: "10%", cols["仍需"]: "9%",
              cols["说明"]: "22%", **{T(label): "7%" for _, label in LENSES}}
    lead = T("<p class='note'>“结论”按规划路径判断（规则与阈值见附录）；①—④为辅助视角，“—”表示该视角无法判断；"
             "辅助视角与结论不一致时，“说明”列注明。“仍需”为从最新值到目标每年仍需的速度。</p>")
    return HTML(lead + fmt.table(df, numeric=(cols["最新值"], cols["仍需"]), classes="progress", widths=widths,
                                 html_cols=tuple(df.columns)))


def note(r) -> str:
    """What the row's cells do not already say: why it is met, not assessed or fell back, and
    which supporting lenses disagree with the verdict (the full sentence is in verdicts.csv)."""
    parts = []
    standard = r["verdict"] in ("on_track", "at_risk", "off_track") and r.get("basis") != "fell_back"
    if not standard and isinstance(r["reason"], str):
        parts.append(r["reason"])
    if isinstance(r.get("disagree"), str) and r["disagree"]:
        parts.append(T("{lenses}与结论不同，以规划路径为准", lenses=r["disagree"]))
    return T("；").join(parts)


def same_as_above(notes: list[str], codes: list[str]) -> list[str]:
    """'同上' for a note equal to the one in the row directly above it for the same indicator."""
    out = []
    for i, n in enumerate(notes):
        out.append(T("同上") if i and n and n == notes[i - 1] and codes[i] == codes[i - 1] else n)
    return out


def evidence(r, later: pd.DataFrame | None = None) -> str:
    """'名称（最新值，年；路径值；目标）' for one headline row (a target met before and lost since
    says so: the verdict is the path's, the reader should not miss the fall), and what a later
    milestone asks when it asks for a faster pace or reads differently."""
    head = T("{name}（{value}，{year}年；", name=i18n.column_value(r, "name"),
             value=fmt.quantity(r["latest_value"], r["kind"]), year=int(r["latest_year"]))
    if r["verdict"] == "met":
        body = T("{year}年目标 {target}，{met}年已达到", year=int(r["target_year"]), target=target_text(r),
                 met=int(r["met_year"]))
    else:
        path = ("" if pd.isna(r["plan_path_value"])
                else T("规划路径值 {value}，", value=fmt.quantity(r["plan_path_value"], r["kind"])))
        lost = T("曾达到目标，其后回落；") if r.get("basis") == "fell_back" else ""
        body = lost + path + T("{year}年目标 {target}", year=int(r["target_year"]), target=target_text(r))
    after = "" if later is None else "".join(T("；") + x for x in (later_short(x, r) for _, x in later.iterrows()) if x)
    return head + body + after + T("）")


def later_short(r, head) -> str:
    """'2027年需提速至每年 +0.20个百分点' (or '2027年目标：有风险') for a milestone after the headline
    one; '' when it says nothing the headline does not."""
    faster = (pd.notna(r["plan_pace"]) and pd.notna(head["plan_pace"])
              and (rules.shown(r["plan_pace"], 4) or 0) > (rules.shown(head["plan_pace"], 4) or 0))
    if r["verdict"] not in ("met", "not_assessed") and faster:
        return T("{year}年目标需提速至{measure} {pace}", year=int(r["target_year"]), measure=pace_measure(r["shape"]),
                 pace=fmt.rate(r["plan_pace"], r["shape"], r["unit"]))
    if r["verdict"] != head["verdict"] and r["verdict"] != "not_assessed":
        return T("{year}年目标：{verdict}", year=int(r["target_year"]), verdict=T(r["verdict_zh"]))
    return ""


def headline(ctx: BriefContext) -> list[str]:
    """Summary sentences: each indicator's headline verdict (its next milestone), grouped."""
    t = table(ctx)
    per = headlines(t)
    judged = per[per["verdict"] != "not_assessed"]
    if judged.empty:
        with_figure = per[per["latest_year"].notna() & (per["latest_year"] > (ctx.base_year or 0))]
        lead = (T("进展：截至{year}年，{region}尚无{base}年基期以后的规划指标数据", year=ctx.year,
                  region=html.escape(ctx.place(ctx.region)), base=ctx.base_year)
                if with_figure.empty else T("进展：截至{year}年，有数据的指标均无法作量化判断", year=ctx.year))
        return [lead + T("，各项目标均为“无法评估”；第一部分列出达到各目标所需的速度，第四部分列出向统计部门提出的数据需求。")]
    out = []
    for code in GROUPS:
        g = per[per["verdict"] == code]
        if len(g):
            out.append(T("<b>{verdict}（{n} 项指标）</b>：", verdict=T(rules.VERDICT_ZH[code]), n=len(g)) + T("；").join(
                html.escape(evidence(r, t[(t["code"] == r["code"]) & (t["target_year"] > r["target_year"])]))
                for _, r in g.iterrows()) + T("。"))
    rest = per[per["verdict"] == "not_assessed"]
    milestones = sorted(set(int(y) for y in per["target_year"]))
    out.append(T("以上按规划路径判断（阈值见附录），每项指标取其下一个尚未过去的目标年（{years}年），"
                 "其后目标年的要求见第三部分；共判断 {n} 项指标", years=T("、").join(map(str, milestones)), n=len(judged))
               + (T("，其余 {n} 项无法评估（{why}）。", n=len(rest), why=html.escape(not_assessed_summary(rest)))
                  if len(rest) else T("。")))
    return out


def not_assessed_summary(rows: pd.DataFrame) -> str:
    """'目标为定性表述 2 项、只有基期值 1 项' for the indicators whose headline is not assessed."""
    words = {"qualitative": N_("目标为定性表述"), "only_base": N_("只有基期值"), "one_own": N_("仅有一个数值"),
             "pending": N_("目标年数值尚未取得"), "no_figure": N_("尚无数据")}
    counts: dict[str, int] = {}
    for basis in rows["basis"]:
        label = words.get(basis, N_("其他"))
        counts[label] = counts.get(label, 0) + 1
    return T("、").join(T("{what} {n} 项", what=T(k), n=n) for k, n in counts.items())


def later_milestones(ctx: BriefContext) -> list[str]:
    """'名称：2027年目标 …' for each headline row with later milestones (said beside the headline)."""
    per = headlines(table(ctx))
    return [T("{name}：{later}", name=i18n.column_value(r, "name"), later=r["later"]) for _, r in per.iterrows()
            if isinstance(r["later"], str) and r["later"] and r["verdict"] != "not_assessed"]

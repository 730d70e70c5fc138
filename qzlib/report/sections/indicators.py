"""Section 一: the plan's indicators, baseline, targets, implied path and the pace each target needs."""
from __future__ import annotations

import html

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML

from qzlib import fmt
from qzlib.fonts import use_cjk
from qzlib.i18n import T, term
from qzlib.plan.path import milestone_paces, plan_path
from qzlib.report.sections.context import BriefContext


def intro(ctx: BriefContext) -> HTML:
    years = T("、").join(T("{year}年", year=y) for y in ctx.target_years)
    return HTML("<p>" + T("附件1设定的 {n} 项主要目标：{base}年基期值、{years}目标值，以及“规划隐含路径”"
                          "（目标之间的等速路径，不是统计数据；水平值与比率按不变增速增长，累计数量每年等量增加，占比类每年等量变动百分点，"
                          "各指标的路径形态见附录）。“所需”为每段每年需要的速度：增速、每年增加量或每年变动的百分点。",
                          n=ctx.n_indicators, base=ctx.base_year, years=years) + "</p>")


def overview(ctx: BriefContext) -> pd.DataFrame:
    """Baseline, targets, the plan's implied value for the brief year and the pace each target needs."""
    rows = []
    for code, grp in ctx.points.groupby("code", sort=False):
        first = grp.iloc[0]
        base = grp[grp["role"] == "baseline"].iloc[0]
        row = {T("序号"): int(first["number"]), T("指标"): ctx.name(code), T("单位"): ctx.unit(code),
               T("{year}年基期", year=int(base["year"])): _cell(base)}
        for y in ctx.target_years:
            t = grp[(grp["role"] == "target") & (grp["year"] == y)]
            row[T("{year}年目标", year=y)] = _cell(t.iloc[0]) if len(t) else fmt.MISSING
        path = plan_path(ctx.points, code)
        row[T("{year}年规划路径值", year=ctx.year)] = (fmt.quantity(path.get(ctx.year), first["kind"]) if len(path)
                                                   else fmt.MISSING)
        for seg in milestone_paces(ctx.points, code):
            row[T("{y0}→{y1}每年所需", y0=seg["from_year"], y1=seg["to_year"])] = fmt.rate(seg["pace"], seg["shape"],
                                                                                         first["unit"])
        rows.append(row)
    df = pd.DataFrame(rows).sort_values(T("序号"))
    return ctx.save("indicators_overview", df.fillna(fmt.MISSING))


def _cell(point) -> str:
    q = point["qualifier"]
    if q == "missing":
        return fmt.MISSING
    if q == "qualitative":
        return term("phrase", str(point["raw"]))
    text = fmt.quantity(point["value"], point["kind"])
    return T("约{value}（{raw}）", value=text, raw=term("phrase", point["raw"])) if q == "approx" else text


def table(ctx: BriefContext) -> HTML:
    df = overview(ctx)
    numeric = tuple(c for c in df.columns if c not in (T("指标"), T("单位")))
    widths = {T("序号"): "5%", T("指标"): "27%", T("单位"): "7%"}
    return HTML(fmt.table(df, numeric=numeric, classes="indicators", widths=widths, nowrap=(T("单位"),)))


def chart_note(ctx: BriefContext) -> HTML:
    drawn = len(_charted(ctx))
    return HTML("<p>" + T("下图中虚线为规划隐含路径，圆点为基期值，菱形为目标值，竖虚线标出报告年份。共 {drawn} 项指标有至少两个数值"
                          "（基期与目标）可作图；其余 {rest} 项为定性目标或缺少基期值，不作图。", drawn=drawn,
                          rest=ctx.n_indicators - drawn) + "</p>")


def _charted(ctx: BriefContext) -> list[str]:
    return [c for c, g in ctx.points.groupby("code", sort=False) if len(plan_path(ctx.points, c))]


def chart(ctx: BriefContext, ncols: int = 4):
    """Small multiples: baseline and targets as points, the plan's implied path as a line."""
    use_cjk()
    codes = _charted(ctx)
    nrows = -(-len(codes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.2, 1.75 * nrows), squeeze=False)
    ticks = [y for y in [ctx.base_year, *ctx.target_years] if y is not None]
    for ax, code in zip(axes.flat, codes):
        g = ctx.points[ctx.points["code"] == code]
        path = plan_path(ctx.points, code)
        ax.plot(path.index, path.values, color="#0b3d6b", lw=1.2, ls="--", label=T("规划隐含路径"))
        known = g[g["value"].notna()]
        base = known[known["role"] == "baseline"]
        tgt = known[known["role"] == "target"]
        ax.scatter(base["year"], base["value"], color="#444", s=14, zorder=3, label=T("基期"))
        ax.scatter(tgt["year"], tgt["value"], color="#c0392b", marker="D", s=14, zorder=3, label=T("目标"))
        ax.axvline(ctx.year, color="#999", lw=0.6, ls=":")
        ax.set_title(fmt.wrap(f"{int(g.iloc[0]['number'])}. {ctx.name(code)}", 13), fontsize=6.2)
        ax.tick_params(labelsize=5.5)
        ax.set_xticks(ticks)
        ax.text(0.02, 0.95, ctx.unit(code), transform=ax.transAxes, fontsize=5.5, va="top", color="#555")
    for ax in list(axes.flat)[len(codes):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=6.5, frameon=False)
    fig.set_layout_engine("tight", rect=(0, 0.03, 1, 1))   # laid out when drawn (beside the kernel in a brief)
    fig.set_label(T("一_主要目标与规划路径"))
    return fig


def backloaded(ctx: BriefContext) -> list[str]:
    """Indicators whose later segment needs a clearly faster pace (“前低后高”), with both paces in
    the indicator's own measure (points for shares, additions for counts, growth otherwise)."""
    out = []
    for code, g in ctx.points.groupby("code", sort=False):
        segs = [s for s in milestone_paces(ctx.points, code) if not pd.isna(s["pace"])]
        if len(segs) == 2 and segs[1]["pace"] > segs[0]["pace"] * 1.2 and segs[1]["pace"] > 0:
            unit = str(g.iloc[0]["unit"])
            out.append(T("{name}（{before} → {after}）", name=html.escape(ctx.name(code)),
                         before=fmt.rate(segs[0]["pace"], segs[0]["shape"], unit),
                         after=fmt.rate(segs[1]["pace"], segs[1]["shape"], unit)))
    return out

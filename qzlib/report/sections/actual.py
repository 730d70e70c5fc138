"""Section 二: the region's own figures against the plan path, year by year.

For every indicator with data after the baseline: the observed values over the plan's
implied path and targets, the trend fan from the region's own series once it has enough
points (the same rule lens ④ uses), and the scenario's path; and a table with the
actual value, the change on the year before, the path value, the gap to the path and
the pace still needed to reach the next target.
"""
from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML

from qzlib import fmt, rules
from qzlib.catalogue import natural_bounds
from qzlib.fonts import use_cjk
from qzlib.forecast.plot import fan_bands
from qzlib.forecast.progress import no_forecast_reason
from qzlib.forecast.verdicts import judged_path
from qzlib.i18n import N_, T
from qzlib.plan.path import shape as path_shape
from qzlib.report.sections import facts, panels, progress
from qzlib.report.sections.context import BriefContext

SOURCE_KIND_ZH = {"plan": N_("规划基期"), "official": N_("官方发布"), "yearbook": N_("统计年鉴"),
                  "unofficial": N_("非官方转载"), "researcher": N_("研究人员录入（未声明来源类型）"), "test": N_("测试数据")}
# The year-by-year table's columns (Chinese keys; each brief saves them in its own language).
YEAR_COLUMNS = ["code", N_("指标"), N_("单位"), N_("年份"), N_("实际值"), N_("较上年"), N_("较上年速度"), N_("规划路径值"),
                N_("与路径差距"), N_("下一目标年"), N_("下一目标"), N_("已达到下一目标"), N_("仍需速度"), N_("速度口径"),
                N_("来源类型"), "_shape", "_kind"]


def _targets(ctx: BriefContext, code: str) -> pd.Series:
    t = ctx.points[(ctx.points["code"] == code) & (ctx.points["role"] == "target") & ctx.points["value"].notna()
                   & ctx.points["qualifier"].isin(["exact", "approx"])]
    return t.set_index("year")["value"].astype(float).sort_index()


def fans(ctx: BriefContext) -> dict:
    """{code: Forecast} of the region's own series, for the indicators the lens-④ rule admits."""
    def compute():
        from qzlib.forecast.trend import fit

        out = {}
        last = max(ctx.target_years) if ctx.target_years else ctx.year
        for code in facts.indicators_with_data(ctx):
            h = facts.history(ctx, code)
            if no_forecast_reason(h):
                continue
            kind = ctx.points.loc[ctx.points["code"] == code, "kind"].iloc[0]
            lower, upper = natural_bounds(kind)
            fc = fit(h, horizon_to=max(last, ctx.year), lower=lower, upper=upper)
            if fc.ok:
                out[code] = fc
        return out
    return ctx.once("actual_fans", compute)


def _path(ctx: BriefContext, code: str) -> pd.Series:
    """The plan path the indicator's verdicts were judged on (verdicts.csv): the plan's own from
    its baseline, else from the first own figure."""
    return judged_path(progress.table(ctx), code)


def year_table(ctx: BriefContext) -> pd.DataFrame:
    """One row per indicator and year from the baseline to the latest figure (saved as CSV).

    Changes and paces are in the indicator's shape: points for shares, additions for counts,
    growth rates otherwise; once a figure meets the next target, nothing more is "needed".
    """
    def compute():
        rows = []
        local = facts.local_observations(ctx)
        for code in facts.indicators_with_data(ctx):
            unit, kind, shape = ctx.unit(code), facts.kind(ctx, code), path_shape(ctx.points, code)
            h = facts.history(ctx, code)
            path = _path(ctx, code)
            targets = _targets(ctx, code)
            kinds = local[local["code"] == code].set_index("year")["source_kind"]
            for y, v in h.items():
                prev = h.get(y - 1)
                p = path.get(y, np.nan) if len(path) else np.nan
                nxt = targets[targets.index > y]
                met = len(nxt) and rules.is_met(v, nxt.iloc[0], "≥", 1, rules.value_digits(kind))
                need = (rules.per_year(v, y, nxt.iloc[0], int(nxt.index[0]), shape) if len(nxt) and not met
                        else np.nan)
                rows.append({
                    "code": code, "指标": ctx.name(code), "单位": unit, "年份": int(y), "实际值": v,
                    "较上年": np.nan if prev is None else v - prev,
                    "较上年速度": np.nan if prev is None else rules.per_year(prev, y - 1, v, y, shape),
                    "规划路径值": p, "与路径差距": v - p if not np.isnan(p) else np.nan,
                    "下一目标年": int(nxt.index[0]) if len(nxt) else None,
                    "下一目标": float(nxt.iloc[0]) if len(nxt) else np.nan,
                    "已达到下一目标": bool(met), "仍需速度": need, "速度口径": T(rules.SHAPE_ZH[shape]),
                    "来源类型": T(SOURCE_KIND_ZH.get(kinds.get(y, "plan"), str(kinds.get(y, "")))),
                    "_shape": shape, "_kind": kind,
                })
        return pd.DataFrame(rows, columns=YEAR_COLUMNS)
    df = ctx.once("actual_table", compute)
    ctx.save("actual_vs_plan", df.drop(columns=["_shape", "_kind"]))
    return df


def behind_path(ctx: BriefContext) -> pd.DataFrame:
    """Latest row per indicator whose latest figure is below the plan path (printed precision)."""
    df = year_table(ctx)
    if df.empty:
        return df
    last = df.sort_values("年份").groupby("code", sort=False).tail(1)
    below = [not rules.is_met(v, p, "≥", 1, rules.value_digits(k))
             for v, p, k in zip(last["实际值"], last["规划路径值"], last["_kind"])]
    return last[np.array(below) & last["规划路径值"].notna().to_numpy()]


TITLE = N_("二、实际值与规划路径")


def heading(ctx: BriefContext) -> HTML:
    """The section's heading; it starts a new page only when it has figures to show, so the
    one-sentence section of a brief without data shares the page before it."""
    brk = '<div class="page-break"></div>' if facts.indicators_with_data(ctx) else ""
    return HTML(f"{brk}<h2>{T(TITLE)}</h2>")


def intro(ctx: BriefContext) -> HTML:
    codes = facts.indicators_with_data(ctx)
    if not codes:
        return HTML("<p>" + T("截至{year}年，{region}的 {n} 项规划指标都还没有{base}年基期以后的统计数据，本节暂无内容。"
                              "统计部门提供数据后（见第四部分的数据需求清单），这里将逐项对照实际值与规划路径。", year=ctx.year,
                              region=html.escape(ctx.place(ctx.region)), n=ctx.n_indicators, base=ctx.base_year) + "</p>")
    f = fans(ctx)
    latest = facts.latest_data_year(ctx)
    fan_text = (T("其中 {n} 项（{names}）的本地序列已足以拟合趋势，图中阴影为校准后的 80%/95% 预测区间。", n=len(f),
                  names=html.escape(facts.names(ctx, f)))
                if f else T("目前没有一项指标的本地序列足以拟合趋势（至少 3 个年度值且近年有变化）。"))
    behind = behind_path(ctx)
    behind_text = (T("最新数值低于规划路径的有 {n} 项：", n=len(behind)) + T("；").join(
        T("{name}（{year}年 {value}，路径值 {path}）", name=html.escape(r["指标"]), year=r["年份"],
          value=fmt.quantity(r["实际值"], r["_kind"]), path=fmt.quantity(r["规划路径值"], r["_kind"]))
        for _, r in behind.iterrows()) + T("。")) if len(behind) else T("各项指标的最新数值均不低于规划路径。")
    region = html.escape(ctx.place(ctx.region))
    return HTML("<p>" + T("{region}有{base}年以后统计数据的指标共 {n} 项（共 {total} 项），数据最新至 {latest} 年。",
                          region=region, base=ctx.base_year, n=len(codes), total=ctx.n_indicators, latest=latest)
                + fan_text + behind_text + "</p><p class='note'>"
                + T("图中实线圆点为{region}实际值（含规划基期值），橙色虚线为规划隐含路径，菱形为目标值，绿色细线为“{scenario}”情景自最新实际值起的路径。",
                    region=region, scenario=html.escape(_scenario_name(ctx)))
                + _own_start_note(ctx, codes) + "</p>")


def _own_start_note(ctx: BriefContext, codes: list[str]) -> str:
    """Which dashed paths start from the first own figure (the plan gives the indicator no baseline)."""
    t = progress.table(ctx)
    own = [c for c in codes if (t[t["code"] == c]["start_year"].dropna() > (ctx.base_year or 0)).any()]
    return T("规划未给基期值的{names}，路径自其第一个实际值起算。", names=html.escape(facts.names(ctx, own))) if own else ""


def _scenario_name(ctx: BriefContext) -> str:
    from qzlib.report.sections.title import scenario_label

    return scenario_label(ctx)


def chart(ctx: BriefContext, ncols: int = 4):
    """Small multiples, one per indicator with data: actual, plan path, targets, fan, scenario."""
    from qzlib.report.sections.scenario import result

    codes = facts.indicators_with_data(ctx)
    if not codes:
        return None
    use_cjk()
    f = fans(ctx)
    try:
        paths = result(ctx).paths
    except Exception:  # the scenario section reports its own failure
        paths = None
    nrows = -(-len(codes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.2, 1.8 * nrows), squeeze=False)
    last = max([ctx.year, *ctx.target_years])
    for ax, code in zip(axes.flat, codes):
        h = facts.history(ctx, code)
        path = _path(ctx, code)
        tg = _targets(ctx, code)
        ax.scatter(tg.index, tg.values, color="#c0392b", marker="D", s=16, zorder=7, label=T("目标"))
        if code in f:
            fan_bands(ax, h, f[code].path, label=T("趋势 "))
        if paths is not None and code in paths.index:
            s = paths.loc[code].dropna()
            s = s[(s.index >= h.index[-1]) & (s.index <= last)]   # the scenario from the latest figure on
            if len(s) > 1:
                ax.plot(s.index, s.values, color="#2e8b57", lw=0.9, zorder=3, label=T("情景路径"))
        ax.plot(h.index, h.values, "o-", color="#1f3b73", lw=1.5, ms=3, zorder=5, label=T("实际值"))
        if len(path):   # drawn on top of the scenario and the figures, distinct: what the targets imply
            ax.plot(path.index, path.values, label=T("规划隐含路径"), **panels.PATH_STYLE)
        ax.axvline(ctx.year, color="#999", lw=0.6, ls=":")
        panels.style(ax, ctx.name(code), ctx.unit(code), min(h.index[0], ctx.base_year or h.index[0]), last)
    panels.hide_unused(axes, len(codes))
    panels.legend(fig, panels.handles(fig), bottom=0.05, ncol=6)
    fig.set_label(T("二_实际值与规划路径"))
    return fig


def table(ctx: BriefContext) -> HTML:
    df = year_table(ctx)
    if df.empty:
        return HTML("")
    show = pd.DataFrame({
        N_("指标"): df["指标"], N_("年份"): df["年份"].astype(int),
        N_("实际值"): [fmt.quantity(v, k) for v, k in zip(df["实际值"], df["_kind"])],
        N_("较上年"): [fmt.MISSING if pd.isna(c) else (T("持平") if rules.shown(c, 2) == 0 else fmt.rate(c, sh, u))
                      for c, sh, u in zip(df["较上年速度"], df["_shape"], df["单位"])],
        N_("规划路径值"): [fmt.quantity(v, k) for v, k in zip(df["规划路径值"], df["_kind"])],
        N_("与路径差距"): [fmt.MISSING if pd.isna(g) else (fmt.rate(g, "points") if rules.uses_points(u)
                                                      else f"{'+' if g >= 0 else ''}{fmt.num(g)}")
                          for g, u in zip(df["与路径差距"], df["单位"])],
        N_("下一目标"): [fmt.MISSING if pd.isna(v) else T("{value}（{year}）", value=fmt.quantity(v, k), year=int(y))
                        for v, y, k in zip(df["下一目标"], df["下一目标年"], df["_kind"])],
        N_("仍需"): [T("已达成") if m else fmt.rate(p, sh, u)
                    for m, p, sh, u in zip(df["已达到下一目标"], df["仍需速度"], df["_shape"], df["单位"])],
        N_("单位"): df["单位"], N_("来源"): df["来源类型"],
    })
    show.columns = [T(c) for c in show.columns]
    widths = {T("指标"): "19%", T("年份"): "6%", T("单位"): "8%", T("来源"): "10%"}
    return HTML(fmt.table(show, numeric=tuple(T(c) for c in ("年份", "实际值", "较上年", "规划路径值", "与路径差距",
                                                             "下一目标", "仍需")),
                          classes="actual", widths=widths, nowrap=tuple(T(c) for c in ("年份", "单位", "来源"))))

"""Reference series (province, nation) related to a plan indicator, as fan charts.

Each comes with its comparability note: a related series shows a pace, never the
region's own level. They follow the region's own fans (section 二).
"""
from __future__ import annotations

import html

from IPython.display import HTML, display

from qzlib import i18n
from qzlib.i18n import T, term
from qzlib.report.sections import actual, facts
from qzlib.report.sections.context import BriefContext, show

REFERENCE_REGIONS = ("浙江省", "全国")


def intro(ctx: BriefContext) -> HTML:
    own = actual.fans(ctx)
    region = html.escape(ctx.place(ctx.region))
    if own:
        lead = T("{region}自身序列的趋势见第二部分（{n} 项）。", region=region, n=len(own))
    else:
        with_data = facts.indicators_with_data(ctx)
        lead = T("{region}自身的年度数据尚不足以拟合趋势（{n} 项指标有基期以后的数据，拟合需要至少 3 个年度值）。",
                 region=region, n=len(with_data))
    others = T("与").join(ctx.place(r) for r in REFERENCE_REGIONS)
    return HTML("<p>" + lead + T("下列{others}的序列与规划指标相关，可用来观察同类指标的历史节奏；阴影为经过校准的 80% 与 95% 预测区间。"
                                 "口径不同的序列只看节奏，不与{region}目标直接比较。", others=others, region=region) + "</p>")


def items(ctx: BriefContext, min_points: int = 5) -> list[tuple[object, str]]:
    """(Figure, note) per related reference series with at least ``min_points`` years."""
    from qzlib.forecast.trend import fit
    from qzlib.stats import series
    from qzlib.stats.mapping import series_bounds

    if not ctx.has_obs:
        return []
    o = ctx.observations
    o = o[o["selected"].astype(bool) & o["plan_code"].notna() & (o["plan_code"] != "")
          & o["region"].isin(REFERENCE_REGIONS)]
    out = []
    last = max(ctx.target_years) if ctx.target_years else ctx.year
    for (region, indicator, plan_code), g in o.groupby(["region", "indicator", "plan_code"], sort=True):
        if g["year"].nunique() < min_points:
            continue
        s = series(ctx.observations, indicator, region)
        lower, upper = series_bounds(indicator)          # the series' own kind, not the plan's
        fc = fit(s, horizon_to=last, upper=upper, lower=lower)
        if not fc.ok:
            continue
        name = term("series", str(g["indicator_name_zh"].mode().iloc[0]))
        comparable = g["comparability"].iloc[0] == "comparable"
        targets = None
        if comparable:
            pts = ctx.points[(ctx.points["code"] == plan_code) & (ctx.points["role"] == "target")
                             & ctx.points["value"].notna()]
            targets = pts.set_index("year")["value"]
        where = ctx.place(region)
        fig = fc.plot(targets=targets, title=T("{region}：{name}（{unit}）", region=where, name=name,
                                               unit=term("unit", g["unit"].iloc[0])))
        fig.set_size_inches(6.4, 3.2)
        fig.set_label(T("三_参考序列_{region}_{indicator}", region=where, indicator=indicator))
        said = (T("{region}“{name}”与“{plan}”口径相同：{note}。") if comparable
                else T("{region}“{name}”与规划指标“{plan}”相关但不可比：{note}。"))
        note = (said.format(region=where, name=name, plan=ctx.name(plan_code),
                            note=term("series_note", g["comparability_note"].iloc[0]))
                + T("模型：{model}。", model=(fc.reason.rstrip("。") if i18n.quotes_plan() else fc.method))
                + (T("红星为{region}规划目标，仅作参照。") if comparable else T("图中不标{region}目标。")).format(
                    region=ctx.place(ctx.region)))
        out.append((fig, note))
    return out


def show_all(ctx: BriefContext) -> None:
    found = items(ctx)
    if not found:
        display(HTML("<p>" + T("暂无足够长的参考序列。") + "</p>"))
    for fig, note in found:
        show(fig)
        display(HTML(f'<p class="note">{html.escape(note)}</p>'))

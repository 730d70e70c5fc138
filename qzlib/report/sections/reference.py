"""Reference series (province, nation) related to a plan indicator, as fan charts.

Each comes with its comparability note: a related series shows a pace, never the
region's own level. They follow the region's own fans (section 二).
"""
from __future__ import annotations

import html

from IPython.display import HTML, display

from qzlib.report.sections import actual, facts
from qzlib.report.sections.context import BriefContext, show

REFERENCE_REGIONS = ("浙江省", "全国")


def intro(ctx: BriefContext) -> HTML:
    own = actual.fans(ctx)
    if own:
        lead = (f"{html.escape(ctx.region)}自身序列的趋势见第二部分（{len(own)} 项）。")
    else:
        with_data = facts.indicators_with_data(ctx)
        lead = (f"{html.escape(ctx.region)}自身的年度数据尚不足以拟合趋势"
                f"（{len(with_data)} 项指标有基期以后的数据，拟合需要至少 3 个年度值）。")
    return HTML(f"<p>{lead}下列{'与'.join(REFERENCE_REGIONS)}的序列与规划指标相关，可用来观察同类指标的历史节奏；阴影为经过校准的 "
                f"80% 与 95% 预测区间。口径不同的序列只看节奏，不与{html.escape(ctx.region)}目标直接比较。</p>")


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
        name = str(g["indicator_name_zh"].mode().iloc[0])
        comparable = g["comparability"].iloc[0] == "comparable"
        targets = None
        if comparable:
            pts = ctx.points[(ctx.points["code"] == plan_code) & (ctx.points["role"] == "target")
                             & ctx.points["value"].notna()]
            targets = pts.set_index("year")["value"]
        fig = fc.plot(targets=targets, title=f"{region}：{name}（{g['unit'].iloc[0]}）")
        fig.set_size_inches(6.4, 3.2)
        fig.set_label(f"三_参考序列_{region}_{indicator}")
        note = (f"{region}“{name}”{'与' if comparable else '与规划指标'}“{ctx.name(plan_code)}”"
                f"{'口径相同' if comparable else '相关但不可比'}：{g['comparability_note'].iloc[0]}。"
                f"模型：{fc.reason.rstrip('。')}。"
                + (f"红星为{ctx.region}规划目标，仅作参照。" if comparable else f"图中不标{ctx.region}目标。"))
        out.append((fig, note))
    return out


def show_all(ctx: BriefContext) -> None:
    found = items(ctx)
    if not found:
        display(HTML("<p>暂无足够长的参考序列。</p>"))
    for fig, note in found:
        show(fig)
        display(HTML(f'<p class="note">{html.escape(note)}</p>'))

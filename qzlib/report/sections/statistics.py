"""Section 四: what data exist, what is asked of the bureau, and every figure with its source."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from qzlib import fmt
from qzlib.report.sections import facts
from qzlib.report.sections.actual import SOURCE_KIND_ZH
from qzlib.report.sections.context import BriefContext

COMPARABILITY_ZH = {"comparable": "可比", "related": "相关但不可比"}
RULE_ZH = {"pin": "研究人员指定", "real over test": "真实数据优先于测试数据", "official over unofficial": "官方优先于非官方", "later vintage": "较新版本优先",
           "more precise": "精度较高者优先", "source kind": "按来源类型", "file order": "按文件顺序"}
CONFLICT_STATUS_ZH = {"conflict": "数值不同", "rounding": "仅舍入不同", "same": "相同"}
# The shipped statistics state their caveats in English; the brief says the gist in Chinese.
CAVEAT_ZH = [("extracted from 中国科技统计年鉴", "取自《中国科技统计年鉴》表格"),
             ("aggregator site", "聚合网站转载，引用前请与官方来源核对"),
             ("third-party mirror", "第三方镜像转载，引用前请与官方来源核对"),
             ("unofficial copy", "非官方转载，引用前请与官方来源核对"),
             ("no URL", "存档无网址")]


def caveat_zh(text) -> str:
    """Chinese gist of a statistics caveat (the original stays in the CSV beside the brief)."""
    t = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    for prefix, zh in CAVEAT_ZH:
        if t.startswith(prefix):
            return zh
    return t


def coverage_intro(ctx: BriefContext) -> HTML:
    from qzlib.stats import plan
    from qzlib.stats.coverage import years_of

    YEARS = years_of(plan.of(ctx.observations, ctx.indicators))   # this brief's plan, not the active one
    with_data = facts.indicators_with_data(ctx)
    latest = facts.latest_data_year(ctx)
    if with_data:
        state = (f"{ctx.n_indicators} 项指标中有 {len(with_data)} 项在{ctx.base_year}年基期以后有数据（最新至 {latest} 年），"
                 f"其余 {ctx.n_indicators - len(with_data)} 项只有规划文本给出的基期值或没有数据。")
    else:
        state = f"{ctx.n_indicators} 项指标目前都只有规划文本给出的{ctx.base_year}年基期值（或连基期值也没有）。"
    return HTML(f"<p>{html.escape(ctx.region)}各项规划指标在{YEARS[0]}—{YEARS[-1]}年的数据状况：{state}"
                f"“相关但不可比”的数据（口径不同）仅作参考，不用于评估。</p>")


def coverage_chart(ctx: BriefContext):
    from qzlib.stats import plot_coverage

    fig = plot_coverage(ctx.observations, regions=[ctx.region], lang="zh")
    fig.set_size_inches(7.2, 4.2)
    for ax in fig.axes:
        ax.tick_params(labelsize=6.5)
        ax.title.set_fontsize(9)
    for text in fig.legends[0].get_texts() if fig.legends else []:
        text.set_fontsize(6.5)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.set_label("四_数据覆盖")
    return fig


def requests(ctx: BriefContext) -> HTML:
    from qzlib.stats import data_requests

    df = data_requests(ctx.observations, ctx.indicators, ctx.year, region=ctx.region, lang="zh")
    ctx.save("data_requests", df)
    if df.empty:
        return HTML("<p>截至报告年份，规划指标的数据已齐备。</p>")
    show_df = df.sort_values(["优先级", "指标代码"], kind="stable")[["优先级", "指标", "已有年份", "请求", "可支持的分析"]]
    show_df = show_df.rename(columns={"请求": "需要的数据"})
    return HTML(f"<p>共 {len(df)} 项数据需求。如果统计部门能提供下列数据，即可开展右列所示的分析（优先级 1 最高）。</p>"
                + fmt.table(show_df, numeric=("优先级",), classes="requests", nowrap=("优先级",)))


def region_figures(ctx: BriefContext) -> HTML:
    """Every figure held for the region beyond the plan's own baseline, with its source."""
    head = f"<h3>{html.escape(ctx.region)}已收集的统计数据（规划基期值以外）</h3>"
    if not ctx.has_obs:
        return HTML(head + "<p>尚无统计数据。</p>")
    o = ctx.observations
    o = o[(o["region"] == ctx.region) & (o["source_kind"] != "plan") & o["selected"].astype(bool)]
    o = o.sort_values(["indicator", "year"])
    df = pd.DataFrame({
        "指标": o["indicator_name_zh"], "年份": o["year"].astype(int), "数值": o["value"],
        "单位": o["unit"], "来源类型": o["source_kind"].map(SOURCE_KIND_ZH).fillna(o["source_kind"]),
        "与规划指标的关系": o["comparability"].map(COMPARABILITY_ZH).fillna("参考"),
        "来源": o["source"].map(lambda s: fmt.clip(s, 40)), "提示": o["caveat"].map(caveat_zh),
    })
    ctx.save(f"figures_{ctx.region}", df, title=f"{ctx.region}已有数据")
    if df.empty:
        return HTML(head + f"<p>除规划基期值外，暂无{html.escape(ctx.region)}的统计数据。</p>")
    shown = df.assign(数值=df["数值"].map(fmt.num))
    return HTML(head + f"<p>共 {len(df)} 个数值，每个均注明来源类型与使用提示；非官方转载的数据在正式引用前应与官方发布核对。</p>"
                + fmt.table(shown, numeric=("年份", "数值"), classes="figures", nowrap=("年份", "单位", "来源类型")))


def imported_figures(ctx: BriefContext) -> HTML:
    """Figures brought in with `qz stats import`, every region, each with its source and entry place."""
    head = "<h3>研究人员录入的数据</h3>"
    if not ctx.has_obs:
        return HTML("")
    from qzlib.stats.sources import imported_figures as imported

    o = imported(ctx.observations).sort_values(["region", "indicator", "year"])
    if o.empty:
        return HTML(head + "<p>尚无通过 <code>qz stats import</code> 录入的数据。</p>")
    df = pd.DataFrame({
        "地区": o["region"], "指标": o["indicator_name_zh"], "年份": o["year"].astype(int),
        "数值": o["value"].map(fmt.num), "单位": o["unit"],
        "来源类型": o["source_kind"].map(SOURCE_KIND_ZH).fillna(o["source_kind"]), "来源": o["source"].astype(str),
        "原文摘录": o["quote"].map(lambda s: fmt.clip(s, 40)),
        "录入文件": o["file"].astype(str).str.rsplit("/", n=1).str[-1] + " " + o["origin"].fillna("").astype(str),
        "采用": o["selected"].map({True: "是", False: "否（另有数值）"}),
    })
    ctx.save("researcher_figures", df)
    kinds = df["来源类型"].value_counts()
    parts = "、".join(f"{k} {n} 个" for k, n in kinds.items())
    test = (f"其中标为“测试”的 {int(kinds.get(SOURCE_KIND_ZH['test'], 0))} 个是检验用的测试数据，不是统计数据，不得引用；"
            if SOURCE_KIND_ZH["test"] in kinds else "")
    return HTML(head + f"<p>研究人员通过 <code>qz stats import</code> 录入的 {len(df)} 个数值（{html.escape(parts)}）。"
                + test + "每个数值注明来源、原文摘录与录入位置。</p>"
                + fmt.table(df, numeric=("年份", "数值"), classes="researcher",
                            nowrap=("地区", "年份", "单位", "来源类型", "采用")))


def conflicts(ctx: BriefContext) -> HTML:
    path = ctx.processed_dir / "conflicts.csv"
    if not path.is_file():
        return HTML("")
    c = pd.read_csv(path)
    c = c[c["status"] != "same"]
    if c.empty:
        return HTML("<p>同一地区、指标、年份的不同来源数值一致。</p>")
    df = pd.DataFrame({"地区": c["region"], "指标": c["indicator"], "年份": c["year"].astype(int),
                       "情况": c["status"].map(CONFLICT_STATUS_ZH).fillna(c["status"]),
                       "各来源数值": c["values"].astype(str), "采用": c["selected_value"].map(fmt.num),
                       "规则": c["rule"].map(RULE_ZH).fillna(c["rule"])})
    ctx.save("conflicts", df)
    return HTML(f"<p>{len(df)} 处同一地区、指标、年份有不同数值，按下列规则取值。</p>"
                + fmt.table(df, numeric=("年份", "采用"), classes="conflicts", nowrap=("地区", "年份")))

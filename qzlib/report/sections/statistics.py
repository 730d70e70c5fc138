"""Section 四: what data exist, what is asked of the bureau, and every figure with its source."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from qzlib import fmt, i18n
from qzlib.i18n import N_, T, term
from qzlib.report.sections import facts
from qzlib.report.sections.actual import SOURCE_KIND_ZH
from qzlib.report.sections.context import BriefContext

COMPARABILITY_ZH = {"comparable": N_("可比"), "related": N_("相关但不可比")}
RULE_ZH = {"pin": N_("研究人员指定"), "real over test": N_("真实数据优先于测试数据"),
           "official over unofficial": N_("官方优先于非官方"), "later vintage": N_("较新版本优先"),
           "more precise": N_("精度较高者优先"), "source kind": N_("按来源类型"), "file order": N_("按文件顺序")}
CONFLICT_STATUS_ZH = {"conflict": N_("数值不同"), "rounding": N_("仅舍入不同"), "same": N_("相同")}
# The shipped statistics state their caveats in English; the brief says the gist in its language.
CAVEAT_ZH = [("extracted from 中国科技统计年鉴", N_("取自《中国科技统计年鉴》表格")),
             ("aggregator site", N_("聚合网站转载，引用前请与官方来源核对")),
             ("third-party mirror", N_("第三方镜像转载，引用前请与官方来源核对")),
             ("unofficial copy", N_("非官方转载，引用前请与官方来源核对")),
             ("no URL", N_("存档无网址")),
             ("synthetic test data", N_("合成测试数据，不是统计"))]


def caveat_zh(text) -> str:
    """Chinese gist of a statistics caveat (the original stays in the CSV beside the brief)."""
    t = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    for prefix, zh in CAVEAT_ZH:
        if t.startswith(prefix):
            return T(zh)
    return t if i18n.quotes_plan() or t.isascii() else ""


def source_text(source) -> str:
    """A figure's source as the brief's language can say it: as written in the plan's language; in
    another, its web address (or document number) only, as titles and quotes are Chinese."""
    import re

    t = "" if source is None or (isinstance(source, float) and pd.isna(source)) else str(source)
    if i18n.quotes_plan() or t.isascii():
        return t
    found = re.findall(r"https?://\S+|[A-Za-z0-9_.\-]+\.(?:csv|xlsx)\b", t)
    return " ".join(found) if found else T("中文来源（见中文简报）")


def coverage_intro(ctx: BriefContext) -> HTML:
    from qzlib.stats import plan
    from qzlib.stats.coverage import years_of

    YEARS = years_of(plan.of(ctx.observations, ctx.indicators))   # this brief's plan, not the active one
    with_data = facts.indicators_with_data(ctx)
    latest = facts.latest_data_year(ctx)
    if with_data:
        state = T("{n} 项指标中有 {with_data} 项在{base}年基期以后有数据（最新至 {latest} 年），其余 {rest} 项只有规划文本给出的基期值或没有数据。",
                  n=ctx.n_indicators, with_data=len(with_data), base=ctx.base_year, latest=latest,
                  rest=ctx.n_indicators - len(with_data))
    else:
        state = T("{n} 项指标目前都只有规划文本给出的{base}年基期值（或连基期值也没有）。", n=ctx.n_indicators,
                  base=ctx.base_year)
    return HTML("<p>" + T("{region}各项规划指标在{y0}—{y1}年的数据状况：", region=html.escape(ctx.place(ctx.region)),
                          y0=YEARS[0], y1=YEARS[-1]) + state
                + T("“相关但不可比”的数据（口径不同）仅作参考，不用于评估。") + "</p>")


def coverage_chart(ctx: BriefContext):
    from qzlib.stats import plot_coverage

    fig = plot_coverage(ctx.observations, regions=[ctx.region], lang=i18n.current(),
                        legend_cols=4)          # the eight kinds in two rows: one row is wider than the page
    fig.set_size_inches(7.2, 4.2 if i18n.current() == "zh" else 5.6)   # English names take two lines
    for ax in fig.axes:
        ax.tick_params(labelsize=6.5)
        ax.title.set_fontsize(9)
    for text in fig.legends[0].get_texts() if fig.legends else []:
        text.set_fontsize(6.5)
    fig.set_layout_engine("tight", rect=(0, 0.1, 1, 1))
    fig.set_label(T("四_数据覆盖"))
    return fig


def requests(ctx: BriefContext) -> HTML:
    from qzlib.stats import data_requests
    from qzlib.stats.coverage import REQUEST_COLUMNS_ZH

    df = data_requests(ctx.observations, ctx.indicators, ctx.year, region=ctx.region, lang=i18n.current())
    df = df.rename(columns=REQUEST_COLUMNS_ZH)          # one set of keys; headers said in the brief's language
    df["指标"] = df["指标代码"].map(ctx.name)
    df["地区"] = df["地区"].map(i18n.place)
    ctx.save("data_requests", df)
    if df.empty:
        return HTML("<p>" + T("截至报告年份，规划指标的数据已齐备。") + "</p>")
    show_df = df.sort_values(["优先级", "指标代码"], kind="stable")[["优先级", "指标", "已有年份", "请求", "可支持的分析"]]
    show_df = show_df.rename(columns={"请求": N_("需要的数据")})
    return HTML("<p>" + T("共 {n} 项数据需求。如果统计部门能提供下列数据，即可开展右列所示的分析（优先级 1 最高）。", n=len(df)) + "</p>"
                + fmt.table(show_df, numeric=("优先级",), classes="requests", nowrap=("优先级",)))


def region_figures(ctx: BriefContext) -> HTML:
    """Every figure held for the region beyond the plan's own baseline, with its source."""
    head = "<h3>" + T("{region}已收集的统计数据（规划基期值以外）", region=html.escape(ctx.place(ctx.region))) + "</h3>"
    if not ctx.has_obs:
        return HTML(head + "<p>" + T("尚无统计数据。") + "</p>")
    o = ctx.observations
    o = o[(o["region"] == ctx.region) & (o["source_kind"] != "plan") & o["selected"].astype(bool)]
    o = o.sort_values(["indicator", "year"])
    df = pd.DataFrame({
        N_("指标"): [term("series", n) for n in o["indicator_name_zh"]], N_("年份"): o["year"].astype(int),
        N_("数值"): o["value"], N_("单位"): o["unit"].map(lambda u: term("unit", u)),
        N_("来源类型"): [T(SOURCE_KIND_ZH.get(k, k)) for k in o["source_kind"]],
        N_("与规划指标的关系"): [T(COMPARABILITY_ZH.get(c, N_("参考"))) for c in o["comparability"]],
        N_("来源"): o["source"].map(lambda s: fmt.clip(source_text(s), 40)), N_("提示"): o["caveat"].map(caveat_zh),
    })
    ctx.save(f"figures_{term('place', ctx.region)}", df, title=T("{region}已有数据", region=ctx.place(ctx.region)))
    if df.empty:
        return HTML(head + "<p>" + T("除规划基期值外，暂无{region}的统计数据。", region=html.escape(ctx.place(ctx.region)))
                    + "</p>")
    shown = df.assign(数值=df["数值"].map(fmt.num))
    return HTML(head + "<p>" + T("共 {n} 个数值，每个均注明来源类型与使用提示；非官方转载的数据在正式引用前应与官方发布核对。", n=len(df))
                + "</p>" + fmt.table(shown, numeric=("年份", "数值"), classes="figures", nowrap=("年份", "单位", "来源类型")))


def imported_figures(ctx: BriefContext) -> HTML:
    """Figures brought in with `qz stats import`, every region, each with its source and entry place."""
    head = "<h3>" + T("研究人员录入的数据") + "</h3>"
    if not ctx.has_obs:
        return HTML("")
    from qzlib.stats.sources import imported_figures as imported

    o = imported(ctx.observations).sort_values(["region", "indicator", "year"])
    if o.empty:
        return HTML(head + "<p>" + T("尚无通过 <code>qz stats import</code> 录入的数据。") + "</p>")
    quote = i18n.quotes_plan()
    df = pd.DataFrame({
        N_("地区"): o["region"].map(i18n.place), N_("指标"): [term("series", n) for n in o["indicator_name_zh"]],
        N_("年份"): o["year"].astype(int), N_("数值"): o["value"], N_("单位"): o["unit"].map(lambda u: term("unit", u)),
        N_("来源类型"): [T(SOURCE_KIND_ZH.get(k, k)) for k in o["source_kind"]],
        N_("来源"): o["source"].map(source_text),
        **({N_("原文摘录"): o["quote"].map(lambda s: fmt.clip(s, 40))} if quote else {}),
        N_("录入文件"): o["file"].astype(str).str.rsplit("/", n=1).str[-1] + " " + o["origin"].fillna("").astype(str),
        N_("采用"): o["selected"].map({True: T("是"), False: T("否（另有数值）")}),
    })
    ctx.save("researcher_figures", df)
    kinds = df["来源类型"].value_counts()
    parts = T("、").join(T("{kind} {n} 个", kind=k, n=n) for k, n in kinds.items())
    test_word = T(SOURCE_KIND_ZH["test"])
    test = (T("其中标为“测试”的 {n} 个是检验用的测试数据，不是统计数据，不得引用；", n=int(kinds.get(test_word, 0)))
            if test_word in kinds else "")
    shown = df.assign(数值=df["数值"].map(fmt.num))
    return HTML(head + "<p>" + T("研究人员通过 <code>qz stats import</code> 录入的 {n} 个数值（{kinds}）。", n=len(df),
                                 kinds=html.escape(parts))
                + test + T("每个数值注明来源、原文摘录与录入位置。") + "</p>"
                + fmt.table(shown, numeric=("年份", "数值"), classes="researcher",
                            nowrap=("地区", "年份", "单位", "来源类型", "采用")))


def conflicts(ctx: BriefContext) -> HTML:
    path = ctx.processed_dir / "conflicts.csv"
    if not path.is_file():
        return HTML("")
    c = pd.read_csv(path)
    c = c[c["status"] != "same"]
    if c.empty:
        return HTML("<p>" + T("同一地区、指标、年份的不同来源数值一致。") + "</p>")
    df = pd.DataFrame({N_("地区"): c["region"].map(i18n.place), N_("指标"): c["indicator"],
                       N_("年份"): c["year"].astype(int),
                       N_("情况"): [T(CONFLICT_STATUS_ZH.get(x, x)) for x in c["status"]],
                       N_("各来源数值"): c["values"].astype(str), N_("采用"): c["selected_value"],
                       N_("规则"): [T(RULE_ZH.get(x, x)) for x in c["rule"]]})
    ctx.save("conflicts", df)
    return HTML("<p>" + T("{n} 处同一地区、指标、年份有不同数值，按下列规则取值。", n=len(df)) + "</p>"
                + fmt.table(df.assign(采用=df["采用"].map(fmt.num)), numeric=("年份", "采用"), classes="conflicts",
                            nowrap=("地区", "年份")))

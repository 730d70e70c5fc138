"""Section 二 (continued): the counties within the plan's place side by side.

Shown whenever a county has a figure of a plan indicator for the brief's year or the two
before (:mod:`qzlib.stats.counties` holds the data and the rules): for each indicator a
table with every county (a missing figure shown as “—”), its latest figure, the change on
the year before and how it stands against the city's plan path; small multiples of the
counties' series with the city's path; a schematic tile map (示意图: equal tiles placed
roughly as the counties lie — no boundary map, which would need an approval number); the
counties' sum beside the city's figure for the amounts that add up; sentences on the
highest, the lowest, the spread and the counties without a figure; and, per county, the
figures the section misses. Without any county figure the section is one sentence and the
request list. A county with its own plan workspace (``plans/<name>/``) shows its own targets.
"""
from __future__ import annotations

import html
import math

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML

from qzlib import fmt, i18n, rules
from qzlib.catalogue import is_additive
from qzlib.fonts import use_cjk
from qzlib.i18n import N_, T
from qzlib.plan.path import plan_path
from qzlib.report.sections import panels
from qzlib.report.sections.actual import SOURCE_KIND_ZH
from qzlib.report.sections.context import BriefContext
from qzlib.stats import counties as C

TITLE = N_("各县（市、区）对照")
# Equal tiles placed roughly as the counties lie (column, row; row 0 at the top): 开化 in the
# north-west above 常山, 柯城 in the middle with 衢江 east of it and 龙游 further east, 江山 to the south.
TILES = {"开化县": (0, 0), "常山县": (0, 1), "柯城区": (1, 1), "衢江区": (2, 1), "龙游县": (3, 1), "江山市": (1, 2)}
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

POSITION_ZH = {"above": N_("高于路径"), "below": N_("低于路径"), "on": N_("与路径持平"),
               "faster": N_("快于路径"), "slower": N_("慢于路径"), "same": N_("与路径持平")}
COMPARE_ZH = {"level": N_("数值对照路径值"), "growth": N_("增速对照路径增速")}


# ----------------------------------------------------------------------------- data (once per brief)
def counties(ctx: BriefContext) -> list[str]:
    return C.counties(ctx.region)


def own_plans(ctx: BriefContext) -> dict[str, pd.DataFrame]:
    """{county: its own plan's points} for the counties with a plan workspace."""
    return ctx.once("counties:own", lambda: C.own_plans(ctx.region) if counties(ctx) else {})


def county_table(ctx: BriefContext) -> pd.DataFrame:
    return ctx.once("counties:table", lambda: C.county_table(ctx.observations, ctx.points, ctx.region, ctx.year,
                                                             own_plans(ctx)))


def has_figures(ctx: BriefContext) -> bool:
    return bool(counties(ctx)) and not county_table(ctx).empty


def _figures(ctx: BriefContext) -> pd.DataFrame:
    return ctx.once("counties:figures", lambda: C.figures(ctx.observations, ctx.region, ctx.year,
                                                          C.section_codes(ctx.observations, ctx.points, ctx.region,
                                                                          ctx.year)))


def _v(value, kind: str, unit: str = "") -> str:
    """A figure as printed, with its unit ('158 万元/亩', '3.3%')."""
    t = fmt.quantity(value, kind)
    if t == fmt.MISSING or not unit:
        return t
    return f"{t}{unit}" if unit == "%" else f"{t} {i18n.term('unit', unit)}"


def _diff(value, kind: str, unit: str) -> str:
    """A difference of two figures: points for a per-cent indicator."""
    if rules.uses_points(unit):
        return T("{value} 个百分点", value=rules.plain(value, 2))
    return _v(value, kind, unit)


# ----------------------------------------------------------------------------- heading and sentences
def summary_item(ctx: BriefContext) -> str:
    """The summary's line on the counties ('' for a plan whose place has none)."""
    names = counties(ctx)
    if not names:
        return ""
    lo, hi = C.window(ctx.year)
    table = county_table(ctx)
    if table.empty:
        return T("分县：{region}下辖的 {n} 个县（市、区）都还没有{lo}—{hi}年的规划指标数据（分县数据需求见“{title}”）。",
                 region=html.escape(ctx.place(ctx.region)), n=len(names), lo=lo, hi=hi, title=T(TITLE))
    none = C.counties_without(table, ctx.region)
    n_codes = len(dict.fromkeys(table["code"]))
    return (T("分县：{n} 个县（市、区）中 {with_data} 个有{lo}—{hi}年的数据，涉及 {codes} 项指标", n=len(names),
              with_data=len(names) - len(none), lo=lo, hi=hi, codes=n_codes)
            + (T("，{counties}没有", counties=html.escape(_names(none))) if none else "")
            + T("（见“{title}”）。", title=T(TITLE)))


def heading(ctx: BriefContext) -> HTML:
    """The heading; a new page when there are county figures to show (none when the plan's
    place has no counties within it)."""
    if not counties(ctx):
        return HTML("")
    brk = '<div class="page-break"></div>' if has_figures(ctx) else ""
    return HTML(f"{brk}<h3>{T(TITLE)}</h3>")


def save_figures(ctx: BriefContext) -> pd.DataFrame:
    """``counties.csv``: every county figure of a plan indicator held up to the brief's year."""
    f = C.figures(ctx.observations, ctx.region, ctx.year, C.plan_codes(ctx.points))
    from qzlib.report.sections.statistics import source_text

    df = pd.DataFrame({N_("县（市、区）"): f["county"].map(i18n.place), "code": f["code"],
                       N_("指标"): f["code"].map(ctx.name), N_("年份"): f["year"],
                       N_("数值"): f["value"], N_("单位"): f["unit"].map(lambda u: i18n.term("unit", u)),
                       N_("来源类型"): [T(SOURCE_KIND_ZH.get(k, k)) for k in f["source_kind"]],
                       N_("来源"): f["source"].map(source_text)})
    return ctx.save("counties", df, title=T("各县（市、区）数据"), digits={"数值": 2},
                    description=T("各县（市、区）规划指标数值（截至报告年份），每个注明来源类型与来源"))


def intro(ctx: BriefContext) -> HTML:
    """The section's sentences, each computed from the table below (and ``counties.csv`` saved)."""
    names = counties(ctx)
    if not names:
        return HTML("")
    save_figures(ctx)
    lo, hi = C.window(ctx.year)
    table = county_table(ctx)
    region = html.escape(ctx.place(ctx.region))
    if table.empty:
        return HTML("<p>" + T("截至{year}年，{region}下辖的 {n} 个县（市、区）（{counties}）都还没有{lo}—{hi}年的规划指标数据，"
                              "本节暂无对照；统计部门按下列清单提供分县数据后（录入表已为每个县（市、区）设一张工作表），"
                              "这里将逐县列出最新值、较上年变化及其与全市规划路径的对照。", year=ctx.year, region=region,
                              n=len(names), counties=html.escape(_names(names, first=True)), lo=lo, hi=hi) + "</p>")
    codes = list(dict.fromkeys(table["code"]))
    with_any = [c for c in names if c not in C.counties_without(table, ctx.region)]
    none = C.counties_without(table, ctx.region)
    none_text = (T("{counties}没有其中任何一项的数据。", counties=html.escape(_names(none))) if none
                 else T("每个县（市、区）至少有其中一项的数据。"))
    lead = ("<p>" + T("{region}下辖 {n} 个县（市、区）中，{with_any} 个有{lo}—{hi}年的规划指标数据，涉及 {codes} 项指标；",
                      region=region, n=len(names), with_any=len(with_any), lo=lo, hi=hi, codes=len(codes))
            + none_text + T("比值和比重类指标（如亩均、占比）以县的数值对照{region}当年的规划路径值；总量和个数类指标"
                            "（县的数值是全市的一部分）以县的较上年增速对照{region}规划路径当年隐含的增速。", region=region)
            + "</p>")
    items = "".join(f"<li>{html.escape(_sentence(ctx, s, table))}</li>" for s in C.spreads(table))
    return HTML(lead + f"<ul>{items}</ul>")


def _sentence(ctx: BriefContext, s: C.Spread, table: pd.DataFrame) -> str:
    """One indicator: highest, lowest, the spread, where the counties stand against the path,
    which counties have no figure."""
    n = len(s.values)
    parts = [T("{name}（{year}年，{n} 个县（市、区）有数据）：", name=ctx.name(s.code), year=s.year, n=n)]
    if n >= 2:
        spread = T("相差 {difference}", difference=_diff(s.spread, s.kind, s.unit))
        if not math.isnan(s.ratio):
            spread += T("（最高为最低的 {ratio} 倍）", ratio=rules.plain(s.ratio, 2))
        parts.append(T("最高为{high} {high_value}，最低为{low} {low_value}，{spread}", high=i18n.place(s.highest[0]),
                       high_value=_v(s.highest[1], s.kind, s.unit), low=i18n.place(s.lowest[0]),
                       low_value=_v(s.lowest[1], s.kind, s.unit), spread=spread))
    else:
        (county, value), = s.values.items()
        parts.append(T("仅{county}有数据（{value}），无从比较高低", county=i18n.place(county),
                       value=_v(value, s.kind, s.unit)))
    g = table[(table["code"] == s.code) & table["county"].isin(list(s.values))]   # the counties of that year
    behind = g.loc[g["position"].isin(["below", "slower"]), "county"].tolist()
    compared = g.loc[g["position"] != "", "county"].tolist()
    region = ctx.place(ctx.region)
    if compared:
        level = (g["compare"] == "level").all()
        if not behind:
            parts.append((T("；有对照的 {n} 个均不低于{region}规划路径") if level
                          else T("；有对照的 {n} 个增速均不慢于{region}规划路径")).format(n=len(compared), region=region))
        else:
            rest = len(compared) - len(behind)
            parts.append((T("；低于{region}规划路径的有 {n} 个（{counties}）") if level
                          else T("；增速慢于{region}规划路径的有 {n} 个（{counties}）")).format(
                region=region, n=len(behind), counties=_names(behind)))
            if rest:
                parts.append((T("，其余 {rest} 个不低于路径") if level else T("，其余 {rest} 个增速不慢于路径")).format(rest=rest))
    if s.older:
        parts.append(T("；") + T("，").join(T("{county}仅有{year}年数据", county=i18n.place(c), year=y)
                                          for c, y in s.older.items()))
    if s.without:
        parts.append(T("；{counties}没有数据", counties=_names(s.without)))
    return "".join(parts) + T("。")


def _names(counties, first: bool = False) -> str:
    """'柯城区、衢江区' (in English 'Kecheng, Qujiang', the Chinese beside each at its first use)."""
    return T("、").join(i18n.place(c, first=first) for c in counties)


# ----------------------------------------------------------------------------- the table
def table(ctx: BriefContext) -> HTML:
    """One small table per indicator, every county in it ('—' where it has no figure)."""
    if not has_figures(ctx):
        return HTML("")
    t = county_table(ctx)
    ctx.save("county_table", _table_csv(t), title=T("各县（市、区）最新值与规划路径"),
             digits={"最新值": 2, "较上年变化": 4, "全市规划路径值": 2, "与路径差距": 2, "本县规划路径值": 2},
             percent={"较上年增速": 2, "全市路径当年增速": 2})
    blocks = []
    for code, g in t.groupby("code", sort=False):
        kind, unit, shape = g["kind"].iloc[0], g["unit"].iloc[0], g["shape"].iloc[0]
        level = g["compare"].iloc[0] == "level"
        show = pd.DataFrame({
            "县（市、区）": g["county"].map(i18n.place),
            "年份": [fmt.MISSING if pd.isna(y) else str(int(y)) for y in g["latest_year"]],
            "最新值": [fmt.quantity(v, kind) for v in g["latest_value"]],
            "较上年": [fmt.MISSING if pd.isna(c) else fmt.rate(c, shape, unit) for c in g["change"]],
            ("全市规划路径值" if level else "全市路径当年增速"):
                [fmt.quantity(p, kind) for p in g["path_value"]] if level else
                [fmt.pct(p) for p in g["path_growth"]],
            "对照": [_position(r, kind, unit) for _, r in g.iterrows()],
        })
        if (g["own_targets"] != "").any():
            show["本县规划目标"] = [t_ or fmt.MISSING for t_ in g["own_targets"]]
            show["本县规划路径值"] = [fmt.quantity(v, kind) for v in g["own_path_value"]]
        cap = (f"<p class='note'><b>{html.escape(ctx.name(code))}</b>"
               + T("（{unit}）：", unit=html.escape(i18n.term("unit", unit)))
               + (T("对照当年的全市规划路径值") if level else T("较上年增速对照全市规划路径当年隐含的增速")) + "</p>")
        blocks.append("<div style='break-inside: avoid'>" + cap + fmt.table(show, numeric=tuple(c for c in show.columns if c not in ("县（市、区）", "对照",
                                                                                                  "本县规划目标")),
                                      classes="actual", nowrap=("县（市、区）", "年份"),
                                      row_class=lambda r: "missing" if r["最新值"] == fmt.MISSING else "") + "</div>")
    return HTML("".join(blocks))


def _position(r, kind: str, unit: str) -> str:
    if not r["position"]:
        return fmt.MISSING
    word = T(POSITION_ZH[r["position"]])
    if r["compare"] == "level" and r["position"] != "on":
        return f"{word} {_diff(abs(r['path_gap']), kind, unit)}"
    if r["compare"] == "growth":
        return T("{position}（本县 {growth}）", position=word, growth=fmt.pct(r["growth"]))
    return word


def _table_csv(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "code": t["code"], N_("指标"): [i18n.column_value(r, "name") for _, r in t.iterrows()],
        N_("单位"): t["unit"].map(lambda u: i18n.term("unit", u)), N_("县（市、区）"): t["county"].map(i18n.place),
        N_("年份"): t["latest_year"].astype("Int64"), N_("最新值"): t["latest_value"], N_("较上年变化"): t["change"],
        N_("变化口径"): [T(rules.SHAPE_ZH[x]) for x in t["shape"]], N_("对照方式"): [T(COMPARE_ZH[x]) for x in t["compare"]],
        N_("全市规划路径值"): t["path_value"], N_("与路径差距"): t["path_gap"], N_("较上年增速"): t["growth"],
        N_("全市路径当年增速"): t["path_growth"], N_("对照"): [T(POSITION_ZH[x]) if x else "" for x in t["position"]],
        N_("本县规划目标"): t["own_targets"], N_("本县规划路径值"): t["own_path_value"]})


# ----------------------------------------------------------------------------- charts
def _county_colours(names: list[str]) -> dict[str, str]:
    return {c: COLOURS[i % len(COLOURS)] for i, c in enumerate(names)}


def chart(ctx: BriefContext, ncols: int = 3):
    """Small multiples: one panel per indicator, the counties' series and the city's plan path
    (for amounts and counts, which are parts of the city's, the path on its own right axis)."""
    if not has_figures(ctx):
        return None
    use_cjk()
    t = county_table(ctx)
    f = _figures(ctx)
    codes = list(dict.fromkeys(t["code"]))
    names = counties(ctx)
    colour = _county_colours(names)
    nrows = -(-len(codes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.2, 2.0 * nrows), squeeze=False)
    first = min(int(f["year"].min()), ctx.base_year or ctx.year)
    for ax, code in zip(axes.flat, codes):
        kind, unit = t.loc[t["code"] == code, "kind"].iloc[0], ctx.unit(code)
        for county in names:
            g = f[(f["code"] == code) & (f["county"] == county)]
            if len(g):
                ax.plot(g["year"], g["value"], "o-", color=colour[county], lw=1.2, ms=3, label=i18n.place(county),
                        zorder=4)
        path = plan_path(ctx.points, code)
        path = path[(path.index >= first) & (path.index <= ctx.year)]
        if len(path):
            on = ax.twinx() if C.is_extensive(kind) else ax
            on.plot(path.index, path.values, label=T("{region}规划路径", region=i18n.place(ctx.region)), **panels.PATH_STYLE)
            if on is not ax:
                on.tick_params(labelsize=5.5, colors=panels.PATH_COLOUR)
        panels.style(ax, ctx.name(code), unit, first, ctx.year, width=14)
    panels.hide_unused(axes, len(codes))
    handles = panels.handles(fig)
    path_label = T("{region}规划路径", region=i18n.place(ctx.region))
    if path_label in handles and any(C.is_extensive(k) for k in t["kind"]):   # an amount's path has its own axis
        handles[T("{path}（总量、个数类指标为右轴，橙色刻度）", path=path_label)] = handles.pop(path_label)
    shown_names = [i18n.place(c) for c in names]
    order = [c for c in shown_names if c in handles] + [k for k in handles if k not in shown_names]
    panels.legend(fig, {k: handles[k] for k in order}, bottom=0.07, ncol=7)
    fig.set_label(T("分县_各指标与规划路径"))
    return fig


def tile_map(ctx: BriefContext, ncols: int = 3):
    """The schematic tile map (示意图): one panel per indicator, the counties as equal tiles
    placed roughly as they lie, coloured by their figures of the indicator's latest year."""
    if not has_figures(ctx):
        return None
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    use_cjk()
    t = county_table(ctx)
    spreads = C.spreads(t)
    names = counties(ctx)
    place = {c: TILES.get(c, (i, 3)) for i, c in enumerate(names)}
    width = max(x for x, _ in place.values()) + 1
    height = max(y for _, y in place.values()) + 1
    nrows = -(-len(spreads) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.2, 2.0 * nrows + 0.55), squeeze=False)
    cmap = colormaps["Blues"]
    for ax, s in zip(axes.flat, spreads):
        vals = list(s.values.values())
        norm = Normalize(min(vals), max(vals) if max(vals) > min(vals) else min(vals) + 1)
        for county, (x, y) in place.items():
            if county in s.values:
                v = s.values[county]
                shade = 0.25 + 0.65 * norm(v)
                face, ink, text = cmap(shade), ("white" if shade > 0.6 else "#1d1d1f"), fmt.quantity(v, s.kind)
            elif county in s.older:
                face, ink, text = "#eeeeee", "#666", T("仅{year}年", year=s.older[county])
            else:
                face, ink, text = "white", "#999", fmt.MISSING
            ax.add_patch(Rectangle((x, -y), 0.94, 0.94, facecolor=face, edgecolor="#7f7f7f", lw=0.6))
            ax.text(x + 0.47, -y + 0.62, i18n.place(county), ha="center", va="center", fontsize=5.6, color=ink)
            ax.text(x + 0.47, -y + 0.3, text, ha="center", va="center", fontsize=6.4, color=ink)
        ax.set_xlim(-0.1, width + 0.04)
        ax.set_ylim(-height + 0.9, 1.04)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(fmt.wrap(T("{name}（{year}年，{unit}）", name=ctx.name(s.code), year=s.year,
                                unit=i18n.term("unit", s.unit)), 16), fontsize=6.5)
    for ax in list(axes.flat)[len(spreads):]:
        ax.axis("off")
    fig.suptitle(fmt.wrap(T("示意图：各县（市、区）以等大方块示意大致方位，不是行政区划图；颜色越深数值越高，白色“—”为没有数据，"
                            "灰色为只有更早年份的数据"), 70), fontsize=7, y=0.995)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - 0.55 / fig.get_figheight(), wspace=0.06,
                        hspace=0.3)
    fig.set_label(T("分县_示意图"))
    return fig


# ----------------------------------------------------------------------------- sums and requests
def sums(ctx: BriefContext) -> HTML:
    """For the amounts that add up: the counties' sum beside the city's figure, with the difference."""
    if not has_figures(ctx):
        return HTML("")
    t = county_table(ctx)
    codes = list(dict.fromkeys(t["code"]))
    ratios = [ctx.name(c) for c in codes if not is_additive(c)]
    never = (T("{names}不是可以各县相加的总量（比值、比重或目录未标为可加总），不作合计。", names=T("、").join(ratios))
             if ratios else "")
    s = C.sums(ctx.observations, ctx.points, ctx.region, ctx.year)
    head = "<p><b>" + T("各县（市、区）合计与全市数") + "</b></p>"
    if s.empty:
        return HTML(head + "<p>" + T("本节指标中没有可以各县相加的总量指标。") + html.escape(never) + "</p>")
    df = pd.DataFrame({
        "code": s["code"], N_("指标"): s["code"].map(ctx.name), N_("单位"): s["unit"].map(lambda u: i18n.term("unit", u)),
        N_("年份"): s["year"], N_("有数据的县（市、区）"): s["n_counties"],
        N_("缺少数据的县（市、区）"): [_names(m.split("、")) if m else fmt.MISSING for m in s["missing"]],
        N_("各县合计"): s["counties_sum"], N_("全市数值"): s["city_value"], N_("差额（全市减各县合计）"): s["difference"],
        N_("差额占全市"): s["difference_share"]})
    ctx.save("county_sums", df, title=T("各县（市、区）合计与全市数"), digits={"各县合计": 2, "全市数值": 2,
                                                                        "差额（全市减各县合计）": 2},
             percent={"差额占全市": 1})
    shown = pd.DataFrame({
        "指标": df["指标"], "年份": df["年份"].astype(str),
        "有数据的县（市、区）": [f"{n} / {len(counties(ctx))}" for n in df["有数据的县（市、区）"]],
        N_("缺少"): df["缺少数据的县（市、区）"],
        "各县合计": [fmt.num(v) for v in df["各县合计"]], N_("全市"): [fmt.num(v) for v in df["全市数值"]],
        N_("差额（全市减合计）"): [fmt.MISSING if pd.isna(d) else f"{'+' if d > 0 else ''}{fmt.num(d)}（{fmt.pct(r, 1, signed=False)}）"
                      for d, r in zip(df["差额（全市减各县合计）"], df["差额占全市"])],
        "单位": df["单位"]})
    said = []
    for code, g in s.groupby("code", sort=False):
        last = g.iloc[-1]
        name, unit = ctx.name(code), i18n.term("unit", last["unit"])
        if last["missing"]:
            said.append(T("{name}{year}年缺{counties}的数据，不作合计（部分县相加不是全市的合计）", name=name,
                          year=int(last["year"]), counties=_names(last["missing"].split("、"))))
        elif math.isnan(last["city_value"]):
            said.append(T("{name}{year}年各县合计 {total} {unit}，全市没有当年数据，无从核对", name=name,
                          year=int(last["year"]), total=fmt.num(last["counties_sum"]), unit=unit))
        else:
            more = (T("{name}{year}年各县合计 {total} {unit}，全市 {city} {unit}，全市比各县合计多 {gap} {unit}（全市数的 {share}）")
                    if last["difference"] >= 0 else
                    T("{name}{year}年各县合计 {total} {unit}，全市 {city} {unit}，全市比各县合计少 {gap} {unit}（全市数的 {share}）"))
            said.append(more.format(name=name, year=int(last["year"]), total=fmt.num(last["counties_sum"]), unit=unit,
                                    city=fmt.num(last["city_value"]), gap=fmt.num(abs(last["difference"])),
                                    share=fmt.pct(abs(last["difference_share"]), 1, signed=False)))
    text = ("<p>" + html.escape(T("；").join(said)) + T("。只有全部 {n} 个县（市、区）都有数据的年份才相加；"
                                                      "差额可能来自不属于任何县的统计单位或口径差异。", n=len(counties(ctx)))
            + html.escape(never) + "</p>")
    return HTML(head + text + fmt.table(shown, numeric=("年份", "各县合计", "全市", "差额（全市减合计）"),
                                        classes="actual", nowrap=("年份", "单位")))


def requests(ctx: BriefContext) -> HTML:
    """Per county, the figures the section misses (every county named; '无' when none; counties
    missing the same figures share a row)."""
    names = counties(ctx)
    if not names:
        return HTML("")
    from qzlib.stats.coverage import REQUEST_COLUMNS_ZH

    req = C.requests(ctx.observations, ctx.points, ctx.region, ctx.year, lang=i18n.current())
    req = req.rename(columns=REQUEST_COLUMNS_ZH)
    req["指标"] = req["指标代码"].map(ctx.name)
    req["地区"] = req["地区"].map(i18n.place)
    ctx.save("county_requests", req, title=T("分县数据需求"))
    n_codes = ctx.n_indicators
    rows: dict[tuple[str, str], list[str]] = {}   # (figures needed, what they unlock) → the counties needing them
    for county in names:
        g = req[req["地区"] == i18n.place(county)]
        if g.empty:
            need = T("无（本节所需数据已齐备）")
        elif len(g) == n_codes and g["请求"].nunique() == 1:
            need = T("全部 {n} 项规划指标（{request}）", n=n_codes, request=g["请求"].iloc[0])
        else:
            need = T("；").join(T("{name}（{request}）", name=n, request=r) for n, r in zip(g["指标"], g["请求"]))
        unlocks = T("；").join(dict.fromkeys(u for us in g["可支持的分析"] for u in us.split(T("；")))) or fmt.MISSING
        rows.setdefault((need, unlocks), []).append(county)
    rows = [{N_("县（市、区）"): _names(cs), N_("需要的数据"): need, N_("可支持的分析"): unlocks}
            for (need, unlocks), cs in rows.items()]
    lead = "<p><b>" + T("分县数据需求") + "</b>" + T("：{n} 项（县 × 指标，清单见 {file}）", n=len(req),
                                                   file=i18n.file_name("county_requests.csv"))
    if len(rows) == 1:   # every county misses the same figures: one sentence names them all
        r = rows[0]
        return HTML(lead + (T("，{counties}各缺{need}的数据，可支持{unlocks}。", counties=html.escape(r["县（市、区）"]),
                              need=html.escape(r["需要的数据"]), unlocks=html.escape(r["可支持的分析"])) if req.size
                            else T("，{counties}均无。", counties=html.escape(r["县（市、区）"]))) + "</p>")
    lead += (T("，各县（市、区）分别缺少下列数据（本节各指标最新年份及其上一年）。") if has_figures(ctx)
             else T("，各县（市、区）分别缺少下列数据。")) + "</p>"
    return HTML(lead + fmt.table(pd.DataFrame(rows), classes="requests", nowrap=("县（市、区）",)))

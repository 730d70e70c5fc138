"""How the statistics and trend notebooks (03, 04) show their tables and charts to a reader.

The numbers come from ``qzlib.stats`` and ``qzlib.forecast``; this module only turns them
into what a researcher reads: Chinese headers (English with ``lang="en"``), a short summary
before any long table, series named in words with their unit, a styled table whose short
columns do not wrap one character per line and whose long texts are shown whole.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from qzlib.i18n import T, localized, place

SOURCE_KIND_ZH = {"yearbook": "统计年鉴", "official": "官方发布", "unofficial": "非官方转载", "plan": "规划文本"}
CONFLICT_ZH = {"conflict": "数值不同", "rounding": "仅精度不同", "same": "相同"}
RULE_ZH = {"official over unofficial": "官方来源优先于非官方", "more precise": "取更精确者",
           "later vintage": "较新的发布版本优先", "pin": "pins.csv 指定", "pinned": "pins.csv 指定"}
COMPARABILITY_ZH = {"comparable": "可比（规划指标本身）", "related": "相关口径（仅作参考）", "": ""}
STATUS_ZH = {"ok": "已外推", "insufficient": "数据不足，未外推"}


def styled(df: pd.DataFrame, wide: tuple[str, ...] = (), caption: str | None = None):
    """A table that reads well in JupyterLab and Voilà: no index, padded cells, short columns on
    one line, ``wide`` columns wrapped (not cut with “…”)."""
    st = df.style.hide(axis="index").set_table_styles([
        {"selector": "th", "props": "text-align:left;padding:4px 10px;white-space:nowrap;background:#f3f5f8"},
        {"selector": "td", "props": "text-align:left;padding:3px 10px;white-space:nowrap;vertical-align:top"},
    ])
    for col in wide:
        if col in df.columns:
            st = st.set_properties(subset=[col], **{"white-space": "normal", "min-width": "260px", "max-width": "520px"})
    st = st.format(precision=2, na_rep="—", thousands="")
    return st.set_caption(caption) if caption else st


def show_figure(fig, dpi: int = 110) -> None:
    """Show a chart once, as a PNG, whatever matplotlib backend the kernel has, and close it."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    display(Image(data=buf.getvalue(), format="png"))
    plt.close(fig)


# ----------------------------------------------------------------------------- statistics (03)
@localized
def sources_summary(obs: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """How many figures each region has, by the kind of source they come from."""
    kind = obs["source_kind"].map(SOURCE_KIND_ZH if lang != "en" else {}).fillna(obs["source_kind"])
    t = pd.crosstab(obs["region"].rename(T("地区")), kind, margins=True,
                    margins_name=T("合计"))
    t.columns.name = None
    return t.reset_index()


def _span(years) -> str:
    ys = sorted(int(y) for y in years)
    if not ys:
        return ""
    runs, start, prev = [], ys[0], ys[0]
    for y in ys[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        runs.append(str(start) if start == prev else f"{start}—{prev}")
        if y is not None:
            start = prev = y
    return "、".join(runs)


@localized
def coverage_summary(cov: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One line per plan indicator: the years with its own figure, the years with only a related
    series, and how many years are missing (the full year-by-year table goes to a file)."""
    rows = []
    for name, g in cov.groupby("indicator_name_zh", sort=False):
        own, rel = g.loc[g["status"] == "present", "year"], g.loc[g["status"] == "related", "year"]
        rows.append({T("指标"): name,
                     T("有本指标数据的年份"): _span(own) or "—",
                     T("仅有相关口径的年份"): _span(rel) or "—",
                     T("缺失年数"): int((g["status"] == "missing").sum()),
                     T("共计年数"): len(g)})
    return pd.DataFrame(rows)


def _names(obs: pd.DataFrame) -> dict[str, str]:
    sel = obs[obs["selected"].astype(bool)] if "selected" in obs else obs
    return sel.groupby("indicator")["indicator_name_zh"].agg(lambda s: s.mode().iloc[0]).to_dict()


@localized
def conflicts_table(conflicts: pd.DataFrame, obs: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Groups with more than one figure that are not identical: every value with its source,
    the one selected and by which rule, in words."""
    c = conflicts[conflicts["status"] != "same"]
    names = _names(obs)
    zh = lang != "en"
    return pd.DataFrame({
        T("地区"): c["region"],
        T("指标"): c["indicator"].map(names).fillna(c["indicator"]) if zh else c["indicator"],
        T("年份"): c["year"].astype(int),
        T("情况"): c["status"].map(CONFLICT_ZH).fillna(c["status"]) if zh else c["status"],
        T("各来源数值"): c["values"].str.replace(" | ", "\n", regex=False),
        T("选用值"): c["selected_value"],
        T("单位"): c["unit"],
        T("选用规则"): c["rule"].map(RULE_ZH).fillna(c["rule"]) if zh else c["rule"],
    }).reset_index(drop=True)


def requests_summary(requests: pd.DataFrame) -> pd.DataFrame:
    """The first-priority requests only (one per indicator), from ``data_requests`` in either
    language; the full list goes to a file."""
    zh = "优先级" in requests.columns
    prio = "优先级" if zh else "priority"
    keep = ["指标", "已有年份", "请求", "可支持的分析"] if zh else ["indicator_name_zh", "have_years", "request", "unlocks"]
    first = requests[requests[prio] == requests[prio].min()] if len(requests) else requests
    return first[keep].reset_index(drop=True)


@localized
def county_coverage(cov: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Coverage by county (:func:`qzlib.stats.counties.coverage_by_county`) as a researcher reads
    it: only the indicators some county has, named in words, '—' where a county has none."""
    held = cov[(cov.drop(columns=["code", "name_zh"]) != "").any(axis=1)]
    out = held.drop(columns="code").rename(columns={"name_zh": T("指标")})
    return out.replace("", "—").reset_index(drop=True)


@localized
def county_coverage_note(cov: pd.DataFrame, region: str, lang: str = "zh") -> str:
    """One sentence: how many of the plan's indicators have county figures, and which counties have none."""
    counties = [c for c in cov.columns if c not in ("code", "name_zh")]
    if not counties:
        return T("{region}下没有县（市、区）。", region=place(region))
    held = cov[(cov[counties] != "").any(axis=1)]
    none = [c for c in counties if (cov[c] == "").all()]
    if held.empty:
        return T("{region}下辖的 {n} 个县（市、区）都还没有规划指标的数据。", region=place(region), n=len(counties))
    tail = (T("{names}没有任何一项。", names=T("、").join(place(c) for c in none)) if none
            else T("每个县（市、区）至少有一项。"))
    return T("{n} 项规划指标中有 {held} 项有分县数据（下表为各县有数据的年份）；", n=len(cov), held=len(held)) + tail


def county_requests_summary(requests: pd.DataFrame, counties: list[str], n_indicators: int) -> pd.DataFrame:
    """One line per county (every county listed) from :func:`qzlib.stats.counties.requests` in
    either language: the figures it misses, by indicator and years."""
    zh = "地区" in requests.columns
    region, name, years = ("地区", "指标", "请求") if zh else ("region", "indicator_name_zh", "request_years")
    rows = []
    for county in counties:
        g = requests[requests[region] == county]
        if g.empty:
            need = "无（已齐备）" if zh else "none"
        elif len(g) == n_indicators and g[years].nunique() == 1:
            need = (f"全部 {n_indicators} 项规划指标（{g[years].iloc[0]}）" if zh
                    else f"all {n_indicators} plan indicators ({g[years].iloc[0]})")
        else:
            need = "；".join(f"{n}（{y}）" for n, y in zip(g[name], g[years]))
        rows.append({"县（市、区）" if zh else "county": county, "需要的数据" if zh else "figures needed": need})
    return pd.DataFrame(rows)


def county_choices_text(offer: dict[str, list[str]], region: str, names: dict[str, str]) -> str:
    """Which counties a researcher can pick (:func:`qzlib.stats.counties.choices`), and for what."""
    if not offer:
        return f"{region}下辖的县（市、区）都还没有规划指标的数据，暂无可选的县。"
    return "有数据、可以选择的县（市、区）：\n" + "\n".join(
        f"- **{c}**：{'、'.join(names.get(k, k) for k in codes)}" for c, codes in offer.items())


def county_pick_figure(pick):
    """A county's figures of one indicator with the city's plan path (and its own plan's, if it has
    one), titled in words; an amount's or a count's city path on its own right axis."""
    import matplotlib.pyplot as plt

    from qzlib.fonts import use_cjk
    from qzlib.stats.counties import is_extensive

    use_cjk()
    fig, ax = plt.subplots(figsize=(7, 3.6))
    last = max([*pick.series.index, *(pick.own_path.index if len(pick.own_path) else [])] or [0])
    path = pick.path[pick.path.index <= max(last, pick.latest_year or last)]
    ax.plot(pick.series.index, pick.series.values, "o-", color="#1f3b73", lw=1.6, label=pick.county)
    if len(pick.own_path):
        ax.plot(pick.own_path.index, pick.own_path.values, color="#2e8b57", ls=(0, (4, 2)),
                label=f"{pick.county}规划路径")
    on = ax.twinx() if is_extensive(pick.kind) else ax
    if len(path):
        on.plot(path.index, path.values, color="#d35400", ls=(0, (4, 2)),
                label=f"{pick.region}规划路径" + ("（右轴）" if on is not ax else ""))
    handles = [h for a in dict.fromkeys([ax, on]) for h in a.get_legend_handles_labels()[0]]
    ax.legend(handles, [h.get_label() for h in handles], fontsize=8, frameon=False, loc="upper left")
    ax.set_title(f"{pick.county}：{pick.name_zh}（{pick.unit}）", loc="left", fontsize=11)
    ax.set_ylabel(pick.unit)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- trends (04)
def series_label(code: str, region: str, obs: pd.DataFrame) -> tuple[str, str]:
    """(Chinese name, unit) of a statistics series in a region, from the figures themselves."""
    from qzlib.stats.mapping import series_table

    s = obs[(obs["indicator"] == code) & (obs["region"] == region)]
    if "selected" in s:
        s = s[s["selected"].astype(bool)] if s["selected"].astype(bool).any() else s
    known = series_table().get(code)
    name = s["indicator_name_zh"].mode().iloc[0] if len(s) else (known.name_zh if known and known.name_zh else code)
    unit = s["unit"].mode().iloc[0] if len(s) else (known.unit if known else "")
    return name, unit


def trend_title(code: str, region: str, obs: pd.DataFrame) -> str:
    """'浙江省：R&D经费投入强度（与GDP之比）（%），相关口径' — words, unit, and whether it is only related."""
    name, unit = series_label(code, region, obs)
    comp = obs.loc[obs["indicator"] == code, "comparability"]
    related = "，相关口径" if len(comp) and comp.iloc[0] == "related" else ""
    return (f"{region}：{name}（{unit}）" if unit else f"{region}：{name}") + related


def trend_figure(fc, code: str, region: str, obs: pd.DataFrame):
    """The fan chart with the series' Chinese name in the title and its unit on the axis."""
    _, unit = series_label(code, region, obs)
    fig = fc.plot(title=trend_title(code, region, obs))
    fig.axes[0].set_ylabel(unit)
    return fig


@localized
def trend_summary(fcs: dict, obs: pd.DataFrame, region: str, lang: str = "zh") -> pd.DataFrame:
    """One row per series: its name and unit, whether it is the plan indicator or only related,
    how many years it has, and what was done with it."""
    rows = []
    for code, fc in fcs.items():
        name, unit = series_label(code, region, obs)
        comp = obs.loc[obs["indicator"] == code, "comparability"]
        comp = comp.iloc[0] if len(comp) else ""
        rows.append({T("序列"): name, T("单位"): unit,
                     T("口径"): COMPARABILITY_ZH.get(comp, comp) if lang != "en" else comp,
                     T("观测值个数"): len(fc.history),
                     T("最新年份"): int(fc.history.index[-1]) if len(fc.history) else None,
                     T("处理"): STATUS_ZH.get(fc.status, fc.status) if lang != "en" else fc.status,
                     T("方法"): fc.method, T("说明"): fc.reason})
    return pd.DataFrame(rows)


@localized
def path_table(fc, lang: str = "zh") -> pd.DataFrame:
    """The forecast path by year with its 80 % and 95 % ranges."""
    cols = {"mean": T("趋势预测"), "lo80": T("80%区间下限"),
            "hi80": T("80%区间上限"), "lo95": T("95%区间下限"),
            "hi95": T("95%区间上限")}
    p = fc.path[[c for c in cols if c in fc.path]].rename(columns=cols)
    return p.rename_axis(T("年份")).reset_index()


def write_trend_outputs(fcs: dict, output_dir: str | Path, region: str, obs: pd.DataFrame) -> list[Path]:
    """Each fitted series' path (CSV) and fan chart (PNG, titled in words); closes every figure
    it draws, so a notebook shows each chart once."""
    import matplotlib.pyplot as plt

    from qzlib.forecast import explore as X

    written = X.write_outputs(fcs, output_dir, region)
    for path in written:
        if path.suffix == ".png":
            code = path.stem[len("trend_"):-len(f"_{region}")]
            fig = trend_figure(fcs[code], code, region, obs)
            fig.savefig(path, dpi=120)
    plt.close("all")
    return written

"""How the statistics and trend notebooks (03, 04) show their tables and charts to a reader.

The numbers come from ``qzlib.stats`` and ``qzlib.forecast``; this module only turns them
into what a researcher reads: Chinese headers (English with ``lang="en"``), a short summary
before any long table, series named in words with their unit, a styled table whose short
columns do not wrap one character per line and whose long texts are shown whole.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE_KIND_ZH = {"yearbook": "统计年鉴", "official": "官方发布", "unofficial": "非官方转载", "plan": "规划文本"}
CONFLICT_ZH = {"conflict": "数值不同", "rounding": "仅精度不同", "same": "相同"}
RULE_ZH = {"official over unofficial": "官方来源优先于非官方", "more precise": "取更精确者",
           "later vintage": "较新的发布版本优先", "pin": "pins.csv 指定", "pinned": "pins.csv 指定"}
COMPARABILITY_ZH = {"comparable": "可比（规划指标本身）", "related": "相关口径（仅作参考）", "": ""}
STATUS_ZH = {"ok": "已外推", "insufficient": "数据不足，未外推"}


def _h(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


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
def sources_summary(obs: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """How many figures each region has, by the kind of source they come from."""
    kind = obs["source_kind"].map(SOURCE_KIND_ZH if lang != "en" else {}).fillna(obs["source_kind"])
    t = pd.crosstab(obs["region"].rename(_h(lang, "地区", "region")), kind, margins=True,
                    margins_name=_h(lang, "合计", "total"))
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


def coverage_summary(cov: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One line per plan indicator: the years with its own figure, the years with only a related
    series, and how many years are missing (the full year-by-year table goes to a file)."""
    rows = []
    for name, g in cov.groupby("indicator_name_zh", sort=False):
        own, rel = g.loc[g["status"] == "present", "year"], g.loc[g["status"] == "related", "year"]
        rows.append({_h(lang, "指标", "indicator"): name,
                     _h(lang, "有本指标数据的年份", "years with the indicator"): _span(own) or "—",
                     _h(lang, "仅有相关口径的年份", "years with a related series only"): _span(rel) or "—",
                     _h(lang, "缺失年数", "years missing"): int((g["status"] == "missing").sum()),
                     _h(lang, "共计年数", "years"): len(g)})
    return pd.DataFrame(rows)


def _names(obs: pd.DataFrame) -> dict[str, str]:
    sel = obs[obs["selected"].astype(bool)] if "selected" in obs else obs
    return sel.groupby("indicator")["indicator_name_zh"].agg(lambda s: s.mode().iloc[0]).to_dict()


def conflicts_table(conflicts: pd.DataFrame, obs: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Groups with more than one figure that are not identical: every value with its source,
    the one selected and by which rule, in words."""
    c = conflicts[conflicts["status"] != "same"]
    names = _names(obs)
    zh = lang != "en"
    return pd.DataFrame({
        _h(lang, "地区", "region"): c["region"],
        _h(lang, "指标", "indicator"): c["indicator"].map(names).fillna(c["indicator"]) if zh else c["indicator"],
        _h(lang, "年份", "year"): c["year"].astype(int),
        _h(lang, "情况", "status"): c["status"].map(CONFLICT_ZH).fillna(c["status"]) if zh else c["status"],
        _h(lang, "各来源数值", "values"): c["values"].str.replace(" | ", "\n", regex=False),
        _h(lang, "选用值", "selected"): c["selected_value"],
        _h(lang, "单位", "unit"): c["unit"],
        _h(lang, "选用规则", "rule"): c["rule"].map(RULE_ZH).fillna(c["rule"]) if zh else c["rule"],
    }).reset_index(drop=True)


def requests_summary(requests: pd.DataFrame) -> pd.DataFrame:
    """The first-priority requests only (one per indicator), from ``data_requests`` in either
    language; the full list goes to a file."""
    zh = "优先级" in requests.columns
    prio = "优先级" if zh else "priority"
    keep = ["指标", "已有年份", "请求", "可支持的分析"] if zh else ["indicator_name_zh", "have_years", "request", "unlocks"]
    first = requests[requests[prio] == requests[prio].min()] if len(requests) else requests
    return first[keep].reset_index(drop=True)


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


def trend_summary(fcs: dict, obs: pd.DataFrame, region: str, lang: str = "zh") -> pd.DataFrame:
    """One row per series: its name and unit, whether it is the plan indicator or only related,
    how many years it has, and what was done with it."""
    rows = []
    for code, fc in fcs.items():
        name, unit = series_label(code, region, obs)
        comp = obs.loc[obs["indicator"] == code, "comparability"]
        comp = comp.iloc[0] if len(comp) else ""
        rows.append({_h(lang, "序列", "series"): name, _h(lang, "单位", "unit"): unit,
                     _h(lang, "口径", "comparability"): COMPARABILITY_ZH.get(comp, comp) if lang != "en" else comp,
                     _h(lang, "观测值个数", "points"): len(fc.history),
                     _h(lang, "最新年份", "last year"): int(fc.history.index[-1]) if len(fc.history) else None,
                     _h(lang, "处理", "status"): STATUS_ZH.get(fc.status, fc.status) if lang != "en" else fc.status,
                     _h(lang, "方法", "method"): fc.method, _h(lang, "说明", "note"): fc.reason})
    return pd.DataFrame(rows)


def path_table(fc, lang: str = "zh") -> pd.DataFrame:
    """The forecast path by year with its 80 % and 95 % ranges."""
    cols = {"mean": _h(lang, "趋势预测", "forecast"), "lo80": _h(lang, "80%区间下限", "80% low"),
            "hi80": _h(lang, "80%区间上限", "80% high"), "lo95": _h(lang, "95%区间下限", "95% low"),
            "hi95": _h(lang, "95%区间上限", "95% high")}
    p = fc.path[[c for c in cols if c in fc.path]].rename(columns=cols)
    return p.rename_axis(_h(lang, "年份", "year")).reset_index()


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

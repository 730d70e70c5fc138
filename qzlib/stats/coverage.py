"""What is known, from what kind of source, what is missing, and what to ask the bureau for.

The coverage view is indicator x year x region for the plan's indicators (the plan the
observations were built against, or the ``indicators`` table given: :func:`qzlib.stats.plan.of`,
so a county's plan shows its own indicators, region and years); the data
requests turn its gaps into a list of figures and the analysis each would unlock (the
lenses of GUIDE.md: completion vs time and observed vs required growth need one figure
after the baseline; a trend or extrapolation needs three points).
"""
from __future__ import annotations

import pandas as pd

from qzlib import catalogue, fmt, i18n
from qzlib.i18n import N_
from qzlib.stats import mapping, plan, schema


def __getattr__(name: str):
    # YEARS: the years the coverage view shows for the active plan: the template's first year
    # to the plan's last (read when asked, so it follows the plan).
    if name == "YEARS":
        return years_of(plan.active())
    raise AttributeError(name)


def years_of(p: plan.Plan) -> tuple[int, ...]:
    """The template's first year to the plan's last."""
    return p.years(schema.TEMPLATE_FIRST_YEAR)


COVERAGE_COLUMNS = ["region", "indicator", "indicator_name_zh", "year", "status", "source_kind", "value",
                    "unit", "n_values", "related"]
REQUEST_COLUMNS = ["region", "indicator", "indicator_name_zh", "have_years", "request_years", "request",
                   "unlocks", "priority"]
REQUEST_COLUMNS_ZH = {"region": N_("地区"), "indicator": N_("指标代码"), "indicator_name_zh": N_("指标"),
                      "have_years": N_("已有年份"), "request_years": N_("需要的年份"), "request": N_("请求"),
                      "unlocks": N_("可支持的分析"), "priority": N_("优先级")}

# status/kind -> (legend label zh, legend label en, colour)
CATEGORIES = {
    "plan": ("方案基期值", "plan baseline", "#1f4e79"),
    "official": ("官方发布", "official release", "#2e75b6"),
    "yearbook": ("统计年鉴", "yearbook", "#5b9bd5"),
    "researcher": ("研究人员录入（未声明来源类型）", "imported, source type not declared", "#2e8b57"),
    "unofficial": ("非官方转载", "unofficial copy", "#f4b183"),
    "test": ("测试数据", "test figures", "#c00000"),
    "related": ("仅有相关口径", "related series only", "#d9d9d9"),
    "missing": ("缺失", "missing", "#ffffff"),
}


def _default_regions(obs: pd.DataFrame, p: plan.Plan) -> list[str]:
    have = set(obs.loc[obs["comparability"] != "", "region"]) | {p.region}
    return [r for r in mapping.regions() if r in have]


def coverage_table(obs: pd.DataFrame, regions: list[str] | None = None, years=None,
                   indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per region x plan indicator x year: present / related / missing (default: the
    plan's region and every region with a comparable figure, the plan's years)."""
    p = plan.of(obs, indicators)
    with plan.use(p):
        regions = regions or _default_regions(obs, p)
    years = years or years_of(p)
    names = p.names()
    sel = obs[obs["selected"].astype(bool)]
    comp = sel[sel["comparability"] == "comparable"].set_index(["region", "indicator", "year"])
    counts = obs[obs["comparability"] == "comparable"].groupby(["region", "indicator", "year"]).size()
    rel = sel[sel["comparability"] == "related"].groupby(["region", "plan_code", "year"])["indicator"] \
        .agg(lambda s: ", ".join(sorted(set(s))))
    rows = []
    for region in regions:
        for code in p.codes():
            for year in years:
                key = (region, code, year)
                related = rel.get(key, "")
                if key in comp.index:
                    hit = comp.loc[key]
                    rows.append([region, code, names.get(code, code), year, "present", hit["source_kind"],
                                 float(hit["value"]), hit["unit"], int(counts.get(key, 1)), related])
                else:
                    rows.append([region, code, names.get(code, code), year,
                                 "related" if related else "missing", "", float("nan"), "", 0, related])
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def coverage_matrix(obs: pd.DataFrame, region: str | None = None, years=None,
                    indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Indicator x year grid of categories (a kind of source, 'related' or 'missing'); default
    region: the plan's."""
    p = plan.of(obs, indicators)
    cov = coverage_table(obs, [region or p.region], years, indicators)
    cov["category"] = cov["source_kind"].where(cov["status"] == "present", cov["status"])
    grid = cov.pivot(index="indicator", columns="year", values="category")
    return grid.loc[p.codes()]


def plot_coverage(obs: pd.DataFrame, regions: list[str] | None = None, years=None, lang: str = "zh",
                  indicators: pd.DataFrame | None = None, legend_cols: int | None = None):
    """Heat map of coverage, one panel per region (default the plan's); returns the Figure.
    The legend's kinds in one row, or in ``legend_cols`` columns (a narrow page)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from qzlib.fonts import use_cjk

    use_cjk()     # no global theme: a chart's look must not depend on which chart came first
    p = plan.of(obs, indicators)
    regions = regions or [p.region]
    cats = list(CATEGORIES)
    cmap = ListedColormap([CATEGORIES[c][2] for c in cats])
    fig, axes = plt.subplots(len(regions), 1, figsize=(11, 5.2 * len(regions)), squeeze=False)
    names = p.names()
    english = {c: i.name_en for c, i in catalogue.by_code().items()}   # a plan's own new code keeps its code
    for ax, region in zip(axes[:, 0], regions):
        grid = coverage_matrix(obs, region, years, indicators)
        codes = grid.map(cats.index)
        ax.imshow(codes.to_numpy(dtype=float), cmap=cmap, vmin=-0.5, vmax=len(cats) - 0.5, aspect="auto")
        ax.set_xticks(range(len(grid.columns)), [str(y) for y in grid.columns])
        labels = [names.get(c, c) if lang == "zh" else fmt.wrap(english.get(c) or c, 24) for c in grid.index]
        ax.set_yticks(range(len(grid.index)), labels, fontsize=9)
        ax.set_xticks([x - 0.5 for x in range(len(grid.columns) + 1)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(len(grid.index) + 1)], minor=True)
        ax.grid(which="minor", color="#bfbfbf", linewidth=0.6)
        ax.tick_params(which="minor", length=0)
        with i18n.using(lang):
            title = i18n.T("{place}：方案指标数据覆盖情况", place=i18n.place(region))
        ax.set_title(title, loc="left", fontsize=12)
    handles = [Patch(facecolor=CATEGORIES[c][2], edgecolor="#7f7f7f",
                     label=CATEGORIES[c][0] if lang == "zh" else CATEGORIES[c][1]) for c in cats]
    fig.legend(handles=handles, loc="lower center", ncol=legend_cols or len(cats), frameon=False, fontsize=9)
    fig.set_layout_engine("tight", rect=(0, 0.05, 1, 1))   # laid out when drawn, once
    return fig


def _span(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


def data_requests(obs: pd.DataFrame, indicators: pd.DataFrame | None, year: int, region: str | None = None,
                  lang: str = "en") -> pd.DataFrame:
    """Which figures, if the bureau supplied them, would unlock which analysis (up to ``year``),
    for each of the plan's indicators (``indicators`` given: its rows) in ``region`` (default:
    the plan's).

    Counts only comparable figures of ``region``; related series never fill a gap.
    """
    year = int(year)
    zh = lang == "zh"
    p = plan.of(obs, indicators)
    region = region or p.region
    names = p.names()
    sel = obs[obs["selected"].astype(bool) & (obs["region"] == region) & (obs["comparability"] == "comparable")]
    rows = []
    for ind in p.indicators:
        code, base = ind.code, ind.baseline_year
        if base is None:
            continue  # an indicator without a baseline column: no progress to measure from
        have = sorted(int(y) for y in sel.loc[sel["indicator"] == code, "year"] if int(y) <= year)
        later = [y for y in range(base + 1, year + 1) if y not in have]
        has_target = ind.has_target
        progress = ("完成度与时间进度对比（时间过半、任务过半）、实际增速与所需增速之比"
                    if zh else "completion-vs-time and observed-vs-required growth lenses")
        if has_target is False:
            progress = ("实际增速（方案没有数值目标，无法算完成度）" if zh
                        else "observed growth only (the plan gives no numeric target)")
        name = names.get(code, code)

        def add(req_years, request, unlocks, priority):
            rows.append([region, code, name, _span(have), _span(req_years), request, unlocks, priority])

        if not [y for y in have if y <= base]:
            # two figures or more after it: progress is judged from the first (qzlib.rules.judge)
            unlocks = ((f"从{base}年基期起算的进展（目前自{have[0]}年的第一个实际值起算）" if zh
                        else f"progress from the {base} baseline (now measured from the first figure, {have[0]})")
                       if len(have) >= 2 else
                       ("一切进展分析：没有起点就无法衡量进展" if zh
                        else "every lens: without a starting point no progress can be measured"))
            add([base] + later, f"{base}年基期值" if zh else f"the {base} baseline", unlocks, 1)
            continue
        if not later:
            continue
        n = len(have)
        if n == 1:
            any_one = (f"{later[0]}—{later[-1]}年任意一年" if zh else f"any one year of {later[0]}–{later[-1]}") \
                if len(later) > 1 else str(later[0])
            add(later, any_one, (f"与{have[0]}年数据构成2个点 → " if zh
                                 else f"with the {have[0]} figure gives 2 points → ") + progress, 1)
        total = n + len(later)
        if n < 3 and total >= 3:
            add(later, _span(later),
                f"与{_span(have)}年数据构成{total}点序列 → 趋势与外推分析" if zh
                else f"with {_span(have)} gives a {total}-point series → trend and extrapolation lenses", 2)
        elif n >= 3:
            add(later, _span(later), "更新最新进展" if zh else "brings every lens up to date", 3)
    out = pd.DataFrame(rows, columns=REQUEST_COLUMNS)
    return out.rename(columns=REQUEST_COLUMNS_ZH) if zh else out

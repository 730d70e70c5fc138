"""The annual brief's sections, each a function the brief notebook calls.

Every section returns something the notebook displays (HTML or a Figure) and saves
the table it shows under the run's output folder, so a number in the PDF can be
traced to a CSV beside it. The notebook itself holds only narration and calls.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML

from qzlib import paths
from qzlib.atomic import write_csv
from qzlib.fonts import use_cjk
from qzlib.report import fmt
from qzlib.report.provenance import input_files, package_versions

PLAN_TITLE = "衢州市全面推进“415X”先进制造业集群培育工程实施方案（2023—2027年）"
PLAN_DOC = "衢政办发〔2023〕22号"


@dataclass
class BriefContext:
    """Everything one brief needs, loaded once from the processed tables."""

    year: int
    scenario: str
    lang: str
    processed_dir: Path
    output_dir: Path
    scenarios_dir: Path
    compare: tuple[str, ...]
    indicators: pd.DataFrame
    points: pd.DataFrame
    tasks: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    audit: pd.DataFrame
    responsibility: pd.DataFrame
    observations: pd.DataFrame | None = None
    saved: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # results computed once per brief (scenarios, progress)

    def save(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        """Write a table the brief shows as ``<output_dir>/<name>.csv``."""
        write_csv(df, self.output_dir / f"{name}.csv")
        self.saved.append(f"{name}.csv")
        return df


def load_context(year, scenario="plan_path", lang="zh", processed_dir="", output_dir=".",
                 scenarios_dir="", compare="") -> BriefContext:
    """Read the processed tables (papermill hands over strings; they are normalised here)."""
    from qzlib.plan.tables import indicator_points, load_indicators, load_table

    processed = Path(processed_dir) if processed_dir else paths.PROCESSED
    out = paths.output_path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    indicators = load_indicators(processed)
    observations = None
    if (processed / "observations.csv").is_file():
        from qzlib.stats import load_observations

        observations = load_observations(processed)
    if isinstance(compare, str):
        compare = tuple(s for s in compare.split(",") if s)
    return BriefContext(
        year=int(year), scenario=str(scenario), lang=str(lang), processed_dir=processed, output_dir=out,
        scenarios_dir=Path(scenarios_dir) if scenarios_dir else paths.SCENARIOS, compare=tuple(compare),
        indicators=indicators, points=indicator_points(indicators),
        tasks=load_table("tasks", processed), measures=load_table("measures", processed),
        targets=load_table("targets", processed), audit=load_table("audit", processed),
        responsibility=load_table("responsibility", processed), observations=observations,
    )


def show(fig, dpi: int = 170) -> None:
    """Display a figure once, as a PNG rendered here (whatever the kernel's backend), and free it."""
    import io

    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))


# ----------------------------------------------------------------------------- title & summary

def data_date(ctx: BriefContext) -> str:
    """What the brief's numbers are as of: the plan's issue date and the latest statistics year."""
    parts = ["规划文本 2023年4月29日"]
    if ctx.observations is not None and len(ctx.observations):
        q = ctx.observations[ctx.observations["region"] == "衢州市"]
        if len(q):
            parts.append(f"衢州市统计数据最新至 {int(q['year'].max())} 年")
        parts.append(f"参考统计最新至 {int(ctx.observations['year'].max())} 年")
    return "；".join(parts)


def title_page(ctx: BriefContext) -> HTML:
    return HTML(f"""
<div class="title-page">
  <div class="plan">{html.escape(PLAN_TITLE)}（{PLAN_DOC}）</div>
  <h1>“415X”先进制造业集群培育工程<br>{ctx.year}年度监测简报</h1>
  <dl>
    <dt>报告年份</dt><dd>{ctx.year}年</dd>
    <dt>情景</dt><dd>{html.escape(scenario_label(ctx))}</dd>
    <dt>数据日期</dt><dd>{html.escape(data_date(ctx))}</dd>
    <dt>生成日期</dt><dd>{dt.date.today().isoformat()}</dd>
  </dl>
  <p class="note">本简报由参数化笔记本自动生成；每张表格均在输出目录中保存为同名 CSV 文件，附录列出全部输入文件的 SHA-256。
  缺失的数据一律显示为“—”，不作估算或插补。</p>
</div>
<div class="page-break"></div>""")


def scenario_label(ctx: BriefContext) -> str:
    from qzlib.scenarios import load
    from qzlib.scenarios.plot import scenario_label as label

    return label(load(ctx.scenario, ctx.scenarios_dir)).removeprefix("情景：")


# ----------------------------------------------------------------------------- plan indicators

def _targets_of(ctx: BriefContext) -> list[int]:
    return sorted(int(y) for y in ctx.points.loc[ctx.points["role"] == "target", "year"].unique())


def indicator_overview(ctx: BriefContext) -> pd.DataFrame:
    """Baseline, targets, the plan's implied value for the brief year and the pace each target needs."""
    from qzlib.plan.path import milestone_paces, plan_path

    rows = []
    years = _targets_of(ctx)
    for code, grp in ctx.points.groupby("code", sort=False):
        first = grp.iloc[0]
        base = grp[grp["role"] == "baseline"].iloc[0]
        row = {"序号": int(first["number"]), "指标": first["name_zh"], "单位": first["unit"],
               f"{int(base['year'])}年基期": _cell(base)}
        for y in years:
            t = grp[(grp["role"] == "target") & (grp["year"] == y)]
            row[f"{y}年目标"] = _cell(t.iloc[0]) if len(t) else fmt.MISSING
        path = plan_path(ctx.points, code)
        row[f"{ctx.year}年规划路径值"] = fmt.num(path.get(ctx.year)) if path is not None and len(path) else fmt.MISSING
        for seg in milestone_paces(ctx.points, code):
            row[f"{seg['from_year']}→{seg['to_year']}年均所需"] = _pace_text(seg, first["unit"])
        rows.append(row)
    df = pd.DataFrame(rows).sort_values("序号")
    return ctx.save("indicators_overview", df.fillna(fmt.MISSING))


def _cell(point) -> str:
    q = point["qualifier"]
    if q == "missing":
        return fmt.MISSING
    if q == "qualitative":
        return str(point["raw"])
    text = fmt.num(point["value"])
    return f"约{text}（{point['raw']}）" if q == "approx" else text


def _pace_text(seg: dict, unit: str) -> str:
    if seg.get("cagr") is None or pd.isna(seg.get("cagr")):
        return fmt.MISSING
    if unit == "%":
        return f"{seg['points_per_year']:+.2f}个百分点"
    return fmt.pct(seg["cagr"])


def indicator_table(ctx: BriefContext) -> HTML:
    df = indicator_overview(ctx)
    numeric = tuple(c for c in df.columns if c not in ("指标", "单位"))
    widths = {"序号": "5%", "指标": "27%", "单位": "7%"}
    return HTML(fmt.table(df, numeric=numeric, classes="indicators", widths=widths))


def plan_path_chart(ctx: BriefContext, ncols: int = 4):
    """Small multiples: baseline and targets as points, the plan's implied path as a line."""
    from qzlib.plan.path import plan_path

    use_cjk()
    codes = [c for c, g in ctx.points.groupby("code", sort=False) if g["value"].notna().sum() >= 2]
    nrows = -(-len(codes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.2, 1.75 * nrows), squeeze=False)
    for ax, code in zip(axes.flat, codes):
        g = ctx.points[ctx.points["code"] == code]
        path = plan_path(ctx.points, code)
        if path is not None and len(path):
            ax.plot(path.index, path.values, color="#0b3d6b", lw=1.2, ls="--", label="规划隐含路径")
        known = g[g["value"].notna()]
        base = known[known["role"] == "baseline"]
        tgt = known[known["role"] == "target"]
        ax.scatter(base["year"], base["value"], color="#444", s=14, zorder=3, label="基期")
        ax.scatter(tgt["year"], tgt["value"], color="#c0392b", marker="D", s=14, zorder=3, label="目标")
        ax.axvline(ctx.year, color="#999", lw=0.6, ls=":")
        name = str(g.iloc[0]["name_zh"])
        ax.set_title(f"{int(g.iloc[0]['number'])}. {name[:13]}{'…' if len(name) > 13 else ''}", fontsize=6.5)
        ax.tick_params(labelsize=5.5)
        ax.set_xticks([2022, 2025, 2027])
        ax.text(0.02, 0.95, str(g.iloc[0]["unit"]), transform=ax.transAxes, fontsize=5.5, va="top", color="#555")
    for ax in list(axes.flat)[len(codes):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=6.5, frameon=False)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


# ----------------------------------------------------------------------------- responsibility & audit

def responsibility_overview(ctx: BriefContext) -> HTML:
    from qzlib.plan.responsibility import counts

    c = counts(ctx.responsibility).rename(columns={
        "department": "责任单位", "indicators": "指标", "tasks": "任务", "measures": "政策措施", "total": "合计"})
    ctx.save("responsibility_counts", c)
    return HTML(fmt.table(c, numeric=("指标", "任务", "政策措施", "合计"), classes="resp"))


def responsibility_chart(ctx: BriefContext, top: int = 12):
    from qzlib.plan.responsibility import counts

    use_cjk()
    c = counts(ctx.responsibility).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.0, 0.28 * len(c) + 0.8))
    left = 0
    for col, label, colour in (("indicators", "指标", "#0b3d6b"), ("tasks", "任务", "#4f86c6"),
                               ("measures", "政策措施", "#a9c6e8")):
        ax.barh(c["department"], c[col], left=left, label=label, color=colour)
        left = left + c[col]
    ax.set_xlabel("牵头或参与的事项数")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


AUDIT_KINDS_ZH = {"number_differs": "数值不一致", "wording_differs": "表述不一致", "unit_differs": "单位不一致",
                  "cumulative_vs_rate": "累计与年度不一致"}


def audit_table(ctx: BriefContext) -> HTML:
    a = ctx.audit
    if a is None or a.empty:
        return HTML("<p>正文与附件之间未发现不一致之处。</p>")
    status_zh = {"differs": "不一致", "ambiguous": "口径有歧义", "consistent": "相符"}
    df = pd.DataFrame({
        "编号": a["finding_id"],
        "类型": a["kind"].map(AUDIT_KINDS_ZH).fillna(a["kind"]) + "（" + a["status"].map(status_zh).fillna("") + "）",
        "正文摘录": a["body_excerpt"],
        "附件摘录": a["annex_excerpt"],
        "说明": a["detail_zh"],
    })
    ctx.save("audit_findings", df)
    widths = {"编号": "6%", "类型": "10%", "正文摘录": "25%", "附件摘录": "22%"}
    return HTML(fmt.table(df, classes="audit", widths=widths))


# ----------------------------------------------------------------------------- summary & appendix

def summary(ctx: BriefContext) -> HTML:
    """One page: what the plan asks, where the data stand, what to watch."""
    pts = ctx.points
    n_ind = pts["code"].nunique()
    qualitative = pts[(pts["role"] == "target") & (pts["qualifier"] == "qualitative")]["code"].nunique()
    no_base = pts[(pts["role"] == "baseline") & (pts["qualifier"] == "missing")]["code"].nunique()
    items = [
        f"规划设定 <b>{n_ind}</b> 项主要目标指标（附件1），其中 {qualitative} 项目标为定性表述（“完成省下达任务”），"
        f"{no_base} 项无2022年基期值；六大行动分解为 <b>{len(ctx.tasks)}</b> 项具体任务（附件2），"
        f"政策措施 <b>{len(ctx.measures)}</b> 条（附件3）。",
        f"全文可量化的目标共 <b>{len(ctx.targets)}</b> 条（正文与附件），已逐条登记其数值、单位、比较关系、期限与责任单位。",
        f"正文与附件的一致性核查发现 <b>{0 if ctx.audit is None else len(ctx.audit)}</b> 处表述或数值差异，详见第六部分。",
    ]
    items += progress_headline(ctx)
    items += _summary_pace_items(ctx)
    items += _summary_extra_items(ctx)
    lis = "".join(f"<li>{t}</li>" for t in items)
    return HTML(f'<div class="box"><ul>{lis}</ul></div>')


def _summary_pace_items(ctx: BriefContext) -> list[str]:
    from qzlib.plan.path import milestone_paces

    out = []
    backloaded = []
    for code, g in ctx.points.groupby("code", sort=False):
        segs = [s for s in milestone_paces(ctx.points, code) if s.get("cagr") is not None and not pd.isna(s["cagr"])]
        if len(segs) == 2 and segs[1]["cagr"] > segs[0]["cagr"] * 1.2 and segs[1]["cagr"] > 0:
            backloaded.append(f"{g.iloc[0]['name_zh']}（{fmt.pct(segs[0]['cagr'])} → {fmt.pct(segs[1]['cagr'])}）")
    if backloaded:
        out.append("以下指标的目标“前低后高”，2025—2027年所需年均增速明显高于2022—2025年：" + "；".join(backloaded) + "。")
    return out


def _summary_extra_items(ctx: BriefContext) -> list[str]:
    """Sentences from the statistics and the scenario, when their data exist."""
    out = []
    if _has_obs(ctx):
        o = ctx.observations
        q = o[(o["region"] == "衢州市") & o["selected"].astype(bool) & (o["comparability"] == "comparable")]
        later = q[(q["source_kind"] != "plan") & (q["year"] > 2022) & (q["year"] <= ctx.year)]
        n_later = later["indicator"].nunique()
        out.append(f"数据：衢州市 {ctx.points['code'].nunique()} 项指标中，截至{ctx.year}年有2022年以后可比统计数据的"
                   f"<b>{n_later}</b> 项；其余指标只能依据规划基期与目标作路径和情景分析。第三部分列出了向统计部门"
                   f"提出的数据需求清单。")
    try:
        res = scenario_result(ctx)
        a = res.attainment
        a = a[a["target_year"].notna()]
        met = int((a["status"] == "met").sum())
        no_path = int((a["status"] == "no_path").sum())
        extra = f"，{no_path} 个因缺少基期值等原因无法计算" if no_path else ""
        out.append(f"情景：在“{html.escape(scenario_label(ctx))}”下，{len(a)} 个有数值的目标中 <b>{met}</b> 个如期达到"
                   f"{extra}（第四部分）。")
    except Exception as exc:  # a brief without a usable scenario still gets its other sections
        out.append(f"情景分析未能完成：{html.escape(str(exc)[:120])}")
    number_findings = ctx.audit[ctx.audit["kind"] == "number_differs"] if ctx.audit is not None else []
    for _, f in getattr(number_findings, "iterrows", lambda: [])():
        out.append(f"注意：{html.escape(str(f.get('subject', '')))} 的目标在{html.escape(str(f['body_location']))}与"
                   f"{html.escape(str(f['annex_location']))}中数值不同，需以正式解释为准。")
    return out


def method_and_provenance(ctx: BriefContext, params: dict) -> HTML:
    files = input_files(paths.RAW, ctx.processed_dir)
    ctx.save("provenance_files", files)
    versions = package_versions()
    p = pd.DataFrame({"参数": list(params), "取值": [str(v) for v in params.values()]})
    return HTML(
        "<h3>输入文件</h3>" + fmt.table(files, numeric=("字节",), classes="files")
        + "<h3>软件版本</h3>" + fmt.table(versions)
        + "<h3>运行参数</h3>" + fmt.table(p)
        + f"<p class='note'>本次运行保存的数据文件：{html.escape('、'.join(ctx.saved))}。</p>"
    )


# ----------------------------------------------------------------------------- statistics

SOURCE_KIND_ZH = {"plan": "规划文本", "official": "官方发布", "yearbook": "统计年鉴", "unofficial": "非官方转载",
                  "researcher": "研究人员录入"}
COMPARABILITY_ZH = {"comparable": "可比", "related": "相关但不可比"}
RULE_ZH = {"pin": "研究人员指定", "official over unofficial": "官方优先于非官方", "later vintage": "较新版本优先",
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


def _has_obs(ctx: BriefContext) -> bool:
    return ctx.observations is not None and len(ctx.observations) > 0


def coverage_chart(ctx: BriefContext, region: str = "衢州市"):
    from qzlib.stats import plot_coverage

    fig = plot_coverage(ctx.observations, regions=[region], lang="zh")
    fig.set_size_inches(7.2, 4.2)
    for ax in fig.axes:
        ax.tick_params(labelsize=6.5)
        ax.title.set_fontsize(9)
    for text in fig.legends[0].get_texts() if fig.legends else []:
        text.set_fontsize(6.5)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def region_figures(ctx: BriefContext, region: str = "衢州市") -> HTML:
    """Every figure held for the region beyond the plan's own baseline, with its source."""
    if not _has_obs(ctx):
        return HTML("<p>尚无统计数据。</p>")
    o = ctx.observations
    o = o[(o["region"] == region) & (o["source_kind"] != "plan") & o["selected"].astype(bool)]
    o = o.sort_values(["indicator", "year"])
    df = pd.DataFrame({
        "指标": o["indicator_name_zh"], "年份": o["year"].astype(int), "数值": o["value"].map(fmt.num),
        "单位": o["unit"], "来源类型": o["source_kind"].map(SOURCE_KIND_ZH).fillna(o["source_kind"]),
        "与规划指标的关系": o["comparability"].map(COMPARABILITY_ZH).fillna("参考"),
        "来源": o["source"].astype(str).str.slice(0, 40), "提示": o["caveat"].map(caveat_zh),
    })
    ctx.save(f"figures_{region}", df)
    if df.empty:
        return HTML(f"<p>除规划基期值外，暂无{html.escape(region)}的统计数据。</p>")
    return HTML(fmt.table(df, numeric=("年份", "数值"), classes="figures"))


def researcher_figures(ctx: BriefContext) -> HTML:
    """Figures brought in with `qz stats import`, every region, each with its source and entry place."""
    if not _has_obs(ctx):
        return HTML("")
    o = ctx.observations
    o = o[o["source_kind"] == "researcher"].sort_values(["region", "indicator", "year"])
    if o.empty:
        return HTML("<p>尚无通过 <code>qz stats import</code> 录入的数据。</p>")
    df = pd.DataFrame({
        "地区": o["region"], "指标": o["indicator_name_zh"], "年份": o["year"].astype(int),
        "数值": o["value"].map(fmt.num), "单位": o["unit"], "来源": o["source"].astype(str),
        "原文摘录": o["quote"].fillna("").astype(str).str.slice(0, 40),
        "录入文件": o["file"].astype(str).str.rsplit("/", n=1).str[-1] + " " + o["origin"].fillna("").astype(str),
        "采用": o["selected"].map({True: "是", False: "否（另有数值）"}),
    })
    ctx.save("researcher_figures", df)
    return HTML(fmt.table(df, numeric=("年份", "数值"), classes="researcher"))


def data_request_table(ctx: BriefContext, region: str = "衢州市") -> HTML:
    from qzlib.stats import data_requests

    df = data_requests(ctx.observations, ctx.indicators, ctx.year, region=region, lang="zh")
    ctx.save("data_requests", df)
    if df.empty:
        return HTML("<p>截至报告年份，规划指标的数据已齐备。</p>")
    show_df = df.sort_values(["优先级", "指标代码"], kind="stable")[["优先级", "指标", "已有年份", "请求", "可支持的分析"]]
    show_df = show_df.rename(columns={"请求": "需要的数据"})
    return HTML(fmt.table(show_df, numeric=("优先级",), classes="requests"))


def conflicts_table(ctx: BriefContext) -> HTML:
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
    return HTML(fmt.table(df, numeric=("年份", "采用"), classes="conflicts"))


# ----------------------------------------------------------------------------- scenarios



def scenario_result(ctx: BriefContext, name: str | None = None):
    """Run a scenario once per brief (cached on the context)."""
    from qzlib.scenarios import load, run

    name = name or ctx.scenario
    cache = ctx.cache.setdefault("scenario_results", {})
    if name not in cache:
        cache[name] = run(load(name, ctx.scenarios_dir), ctx.points, ctx.observations, ctx.processed_dir)
    return cache[name]


def _status_zh(status: str) -> str:
    from qzlib.scenarios.engine import STATUS_ZH

    return STATUS_ZH.get(status, status)


def scenario_assumptions(ctx: BriefContext) -> HTML:
    res = scenario_result(ctx)
    df = res.assumptions_table()
    ctx.save("scenario_assumptions", df)
    widths = {"对象": "26%", "类别": "8%", "假设": "30%"}
    return HTML(f"<p>{html.escape(res.scenario.description)}</p>" + fmt.table(df, classes="assumptions", widths=widths))


def scenario_attainment(ctx: BriefContext) -> HTML:
    res = scenario_result(ctx)
    a = res.attainment
    a = a[a["target_year"].notna()]
    df = pd.DataFrame({
        "指标": a["name_zh"], "单位": a["unit"], "目标年": a["target_year"].astype(int),
        "目标": a["target"].map(fmt.num), "情景值": a["value"].map(fmt.num),
        "结果": a["status"].map(_status_zh),
        "差距": [fmt.MISSING if pd.isna(g) else f"{g:+.1f}%" for g in a["gap_pct"]],
        "首次达到": a["first_year_reached"].map(lambda v: fmt.MISSING if pd.isna(v) else str(int(v))),
        "说明": a["reason"].fillna(""),
    })
    ctx.save("scenario_attainment", df)
    colour = {_status_zh("met"): "rag-green", _status_zh("missed"): "rag-red"}
    return HTML(fmt.table(df, numeric=("目标年", "目标", "情景值", "差距", "首次达到"), classes="attain",
                          row_class=lambda r: colour.get(r["结果"], "rag-grey")))


def scenario_chart(ctx: BriefContext):
    from qzlib.scenarios import plot_paths

    return plot_paths(scenario_result(ctx), ncols=4)


def scenario_comparison(ctx: BriefContext) -> HTML:
    """Which targets each scenario meets (shown when several scenarios are run together)."""
    from qzlib.scenarios import compare

    names = [ctx.scenario, *[n for n in ctx.compare if n != ctx.scenario]]
    table = compare([scenario_result(ctx, n) for n in names])
    df = pd.DataFrame({"指标": table["name_zh"], "目标年": table["target_year"].astype(int),
                       "目标": table["target"].map(fmt.num)})
    for n in names:
        df[n] = [f"{_status_zh(s)}（{fmt.num(v)}）" if s in ("met", "missed") else _status_zh(s)
                 for s, v in zip(table[n], table[f"{n}_value"])]
    ctx.save("scenario_comparison", df)
    met = {n: int((table[n] == "met").sum()) for n in names}
    lead = "；".join(f"{n}：{k}/{len(table)} 项达到" for n, k in met.items())
    return HTML(f"<p>{html.escape(lead)}。</p>" + fmt.table(df, numeric=("目标年", "目标"), classes="compare"))


# ----------------------------------------------------------------------------- progress to target

RAG_CLASS = {"green": "rag-green", "amber": "rag-amber", "red": "rag-red", "grey": "rag-grey"}
LENSES = (("l1", "① 完成度与时间进度"), ("l2", "② 实际/所需增速"), ("l3", "③ 外推"), ("l4", "④ 达标概率"))


def progress(ctx: BriefContext) -> pd.DataFrame:
    """The four lenses for every indicator and target year (cached on the context)."""
    from qzlib.forecast.progress import progress_table

    cache = ctx.cache
    if "_progress" not in cache:
        obs = ctx.observations if _has_obs(ctx) else pd.DataFrame(columns=["region", "indicator", "year", "value",
                                                                             "selected"])
        cache["_progress"] = progress_table(ctx.points, obs, ctx.year)
        ctx.save("progress", cache["_progress"])
    return cache["_progress"]


def _lens_text(r, key: str) -> str:
    """A lens's verdict with its number, or '—' when the lens cannot judge (reason in 说明);
    a verdict that has no number (a target-year verdict, a missed floor) stands alone."""
    if r[f"{key}_colour"] == "grey" or not r[f"{key}_label"]:
        return fmt.MISSING
    label = str(r[f"{key}_label"])
    fields, text = {"l1": (("completion", "time_progress"), "完成{completion:.0%}/时间{time_progress:.0%}"),
                    "l2": (("r_growth",), "R={r_growth:.2f}"), "l3": (("ratio_extrap",), "比值{ratio_extrap:.2f}"),
                    "l4": (("prob",), "P={prob:.0%}")}[key]
    values = {f: pd.to_numeric(r.get(f), errors="coerce") for f in fields}
    if any(pd.isna(v) for v in values.values()):
        return label
    return f"{label}（{text.format(**values)}）"


def progress_summary_table(ctx: BriefContext) -> HTML:
    """One row per indicator × target year, each lens's verdict in its colour."""
    t = progress(ctx)
    df = pd.DataFrame({
        "指标": t["name_zh"], "目标年": t["target_year"].astype(int),
        "目标": [str(r) if q in ("qualitative", "approx") else fmt.num(v)
                 for r, q, v in zip(t["target_raw"], t["qualifier"], t["target_value"])],
        "最新值": [fmt.MISSING if pd.isna(v) else f"{fmt.num(v)}（{int(y)}）"
                   for v, y in zip(t["latest_value"], t["latest_year"])],
        "年均所需": [_required_text(r) for _, r in t.iterrows()],
    })
    for key, label in LENSES:
        df[label] = [_lens_text(r, key) for _, r in t.iterrows()]
    all_grey = (t[[f"{k}_colour" for k, _ in LENSES]] == "grey").all(axis=1)
    df["说明"] = [str(n) if g else "" for n, g in zip(t["note"].fillna(""), all_grey)]
    # The same reason on many rows is said once, above the table.
    common = df.loc[all_grey, "说明"].value_counts()
    lead = ""
    if len(common) and common.iloc[0] > 3:
        lead = (f"<p class='note'>“—”表示该视角无法判断。{common.iloc[0]} 个目标的情况相同："
                f"{html.escape(common.index[0])}（表中记为“同上”）。</p>")
        df.loc[df["说明"] == common.index[0], "说明"] = "同上"
    colours = {label: t[f"{key}_colour"].tolist() for key, label in LENSES}

    def cell_class(row, col):
        return RAG_CLASS.get(str(colours[col][row.name]), "") if col in colours else ""

    widths = {"指标": "19%", "目标年": "6%", "目标": "8%", "最新值": "9%", "年均所需": "9%", "说明": "17%"}
    return HTML(lead + fmt.table(df, numeric=("目标年", "目标", "最新值", "年均所需"), classes="progress",
                                 widths=widths, cell_class=cell_class))


def _required_text(r) -> str:
    if r["unit"] == "%" and pd.notna(r.get("required_pts_per_year")):
        return f"{r['required_pts_per_year']:+.2f}个百分点"
    return fmt.pct(r.get("required_cagr"))


def progress_headline(ctx: BriefContext) -> list[str]:
    """Summary sentences: how many targets each verdict covers, and what cannot be judged yet."""
    t = progress(ctx)
    judged = t[t["headline_colour"].isin(["green", "amber", "red"])]
    out = []
    if judged.empty:
        out.append(f"进展：截至{ctx.year}年，衢州市尚无2022年以后的可比统计数据，四种进展视角均无法给出判断；"
                   f"第二部分只列出达到各目标所需的年均增速。补充数据见第三部分的数据需求清单。")
    else:
        counts = judged["headline_label"].value_counts()
        out.append("进展（主视角）：" + "；".join(f"{k} {v} 项" for k, v in counts.items())
                   + f"；其余 {len(t) - len(judged)} 项目标因数据不足或为定性目标未作判断。")
    return out


def reference_trends(ctx: BriefContext, min_points: int = 5) -> list[tuple[object, str]]:
    """Fan charts of the province and national series that relate to a plan indicator.

    Each comes with its comparability note: a related series shows a pace, never
    Quzhou's own level.
    """
    from qzlib.forecast.trend import fit
    from qzlib.stats import series
    from qzlib.stats.mapping import series_bounds

    if not _has_obs(ctx):
        return []
    o = ctx.observations
    o = o[o["selected"].astype(bool) & o["plan_code"].notna() & (o["plan_code"] != "")
          & o["region"].isin(["浙江省", "全国"])]
    out = []
    for (region, indicator, plan_code), g in o.groupby(["region", "indicator", "plan_code"], sort=True):
        if g["year"].nunique() < min_points:
            continue
        s = series(ctx.observations, indicator, region)
        lower, upper = series_bounds(indicator)          # the series' own kind, not the plan's
        fc = fit(s, horizon_to=2027, upper=upper, lower=lower)
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
        note = (f"{region}“{name}”{'与' if comparable else '与规划指标'}“"
                f"{ctx.points.loc[ctx.points['code'] == plan_code, 'name_zh'].iloc[0]}”"
                f"{'口径相同' if comparable else '相关但不可比'}：{g['comparability_note'].iloc[0]}。"
                f"模型：{fc.reason.rstrip('。')}。"
                + ("红星为衢州市规划目标，仅作参照。" if comparable else "图中不标衢州目标。"))
        out.append((fig, note))
    return out


def show_reference_trends(ctx: BriefContext) -> None:
    from IPython.display import display

    items = reference_trends(ctx)
    if not items:
        display(HTML("<p>暂无足够长的参考序列。</p>"))
    for fig, note in items:
        show(fig)
        display(HTML(f'<p class="note">{html.escape(note)}</p>'))


def method_notes(ctx: BriefContext):
    from IPython.display import Markdown

    from qzlib.forecast.progress import METHOD_NOTES_ZH

    return Markdown(METHOD_NOTES_ZH)

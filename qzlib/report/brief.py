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

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from IPython.display import HTML  # noqa: E402

from qzlib import paths  # noqa: E402
from qzlib.atomic import write_csv  # noqa: E402
from qzlib.fonts import use_cjk  # noqa: E402
from qzlib.report import fmt  # noqa: E402
from qzlib.report.provenance import input_files, package_versions  # noqa: E402

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
    out = Path(output_dir)
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


def show(fig) -> None:
    """Display a figure once (as PNG) and free it."""
    from IPython.display import display

    display(fig)
    plt.close(fig)


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
    try:
        from qzlib.scenarios import load_scenario

        sc = load_scenario(ctx.scenario, ctx.scenarios_dir)
        return f"{sc.name}（{ctx.scenario}）"
    except Exception:
        return ctx.scenario


# ----------------------------------------------------------------------------- plan indicators

def _targets_of(ctx: BriefContext) -> list[int]:
    return sorted(int(y) for y in ctx.points.loc[ctx.points["role"] == "target", "year"].unique())


def indicator_overview(ctx: BriefContext) -> pd.DataFrame:
    """Baseline, targets, the plan's implied value for the brief year and the pace each target needs."""
    from qzlib.forecast.progress import milestone_paces, plan_path

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
        return f"{seg['points_per_year']:+.2f}个百分点/年"
    return fmt.pct(seg["cagr"])


def indicator_table(ctx: BriefContext) -> HTML:
    df = indicator_overview(ctx)
    numeric = tuple(c for c in df.columns if c not in ("指标", "单位"))
    return HTML(fmt.table(df, numeric=numeric, classes="indicators"))


def plan_path_chart(ctx: BriefContext, ncols: int = 4):
    """Small multiples: baseline and targets as points, the plan's implied path as a line."""
    from qzlib.forecast.progress import plan_path

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
    df = pd.DataFrame({
        "#": range(1, len(a) + 1),
        "类型": a["kind"].map(AUDIT_KINDS_ZH).fillna(a["kind"]),
        "事项": a["subject"],
        "正文（位置）": a["body_quote"].astype(str) + "（" + a["body_location"].astype(str) + "）",
        "附件（位置）": a["annex_quote"].astype(str) + "（" + a["annex_location"].astype(str) + "）",
        "说明": a["detail"],
    })
    ctx.save("audit_findings", df)
    return HTML(fmt.table(df, numeric=("#",), classes="audit"))


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
    items += _summary_pace_items(ctx)
    items += _summary_extra_items(ctx)
    lis = "".join(f"<li>{t}</li>" for t in items)
    return HTML(f'<div class="box"><ul>{lis}</ul></div>')


def _summary_pace_items(ctx: BriefContext) -> list[str]:
    from qzlib.forecast.progress import milestone_paces

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
    """Sentences contributed by later sections (statistics, progress, scenarios) when their data exist."""
    return []


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

"""Title page: the plan, the year, the scenario, as-of dates; a warning when test figures are in."""
from __future__ import annotations

import datetime as dt
import html

from IPython.display import HTML

from qzlib.report.sections import facts
from qzlib.report.sections.context import BriefContext

TEST_WARNING = "本简报使用了标为“测试”的数据，不是正式统计，不得引用"
FOOTER_WARNING = "含测试数据，不得引用"


def data_date(ctx: BriefContext) -> str:
    """What the brief's numbers are as of: the plan's issue date, the latest plan-indicator
    figure of the region, and the latest reference statistic."""
    parts = [f"规划文本 {ctx.meta.issued}"]
    latest = facts.latest_data_year(ctx)
    if latest is not None:
        local = facts.local_observations(ctx)
        test = int((local["source_kind"] == "test").sum())
        what = ("（均为测试数据，不是统计）" if test == len(local) else f"（其中 {test} 个为测试数据，不是统计）") if test else ""
        parts.append(f"{ctx.region}规划指标数据最新至 {latest} 年{what}")
    elif ctx.base_year is not None:
        parts.append(f"{ctx.region}规划指标尚无{ctx.base_year}年基期以后的数据")
    ref = facts.reference_latest_year(ctx)
    if ref is not None:
        parts.append(f"参考统计最新至 {ref} 年")
    return "；".join(parts)


def scenario_label(ctx: BriefContext) -> str:
    from qzlib.scenarios import load
    from qzlib.scenarios.plot import scenario_label as label

    return label(load(ctx.scenario, ctx.scenarios_dir)).removeprefix("情景：")


def test_warning(ctx: BriefContext) -> str:
    """The warning line (with how many test figures), or '' when the brief uses none."""
    t = facts.test_figures(ctx)
    return f"{TEST_WARNING}（共 {len(t)} 个数值）" if len(t) else ""


def page(ctx: BriefContext) -> HTML:
    warn = test_warning(ctx)
    # .test-flag sets the running string every page footer prints (see brief_page.html.j2)
    flag = f'<div class="test-flag" data-footer="{FOOTER_WARNING}">{html.escape(warn)}</div>' if warn else ""
    return HTML(f"""
<div class="title-page">
  <div class="plan">{html.escape(ctx.meta.title)}（{html.escape(ctx.meta.doc_number)}）</div>
  <h1>“415X”先进制造业集群培育工程<br>{ctx.year}年度监测简报</h1>
  {flag}
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

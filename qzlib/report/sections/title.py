"""Title page: the plan, the year, the scenario, as-of dates; a warning when test figures are in."""
from __future__ import annotations

import datetime as dt
import html

from IPython.display import HTML

from qzlib import fmt
from qzlib.i18n import T
from qzlib.report.sections import facts
from qzlib.report.sections.context import BriefContext



def data_date(ctx: BriefContext) -> str:
    """What the brief's numbers are as of: the plan's issue date, the latest plan-indicator
    figure of the region, and the latest reference statistic."""
    parts = [T("规划文本 {issued}", issued=fmt.date(ctx.meta.issued))]
    latest = facts.latest_data_year(ctx)
    if latest is not None:
        local = facts.local_observations(ctx)
        test = int((local["source_kind"] == "test").sum())
        what = ((T("（均为测试数据，不是统计）") if test == len(local) else T("（其中 {n} 个为测试数据，不是统计）", n=test))
                if test else "")
        parts.append(T("{region}规划指标数据最新至 {year} 年", region=ctx.place(ctx.region), year=latest) + what)
    elif ctx.base_year is not None:
        parts.append(T("{region}规划指标尚无{year}年基期以后的数据", region=ctx.place(ctx.region), year=ctx.base_year))
    ref = facts.reference_latest_year(ctx)
    if ref is not None:
        parts.append(T("参考统计最新至 {year} 年", year=ref))
    return T("；").join(parts)


def scenario_label(ctx: BriefContext) -> str:
    from qzlib.scenarios import load

    return load(ctx.scenario, ctx.scenarios_dir).said("label")


def page(ctx: BriefContext) -> HTML:
    warn = ctx.test_warning
    # .test-flag sets the running string every page footer prints (see brief_page.html.j2)
    flag = (f'<div class="test-flag" data-footer="{html.escape(T("含测试数据，不得引用"))}">{html.escape(warn)}</div>'
            if warn else "")
    plan = f"{html.escape(ctx.meta.title)}（{html.escape(ctx.meta.doc_number)}）"   # the official title, as issued
    english = T("《{region}全面推进“415X”先进制造业集群培育工程实施方案（{start}—{end}年）》",
                region=ctx.place(ctx.region), start=ctx.meta.period_start, end=ctx.meta.period_end)
    shown_once = english.strip("《》") == ctx.meta.title     # the Chinese brief: the title as issued suffices
    rendering = "" if shown_once else f'<div class="plan">{html.escape(english)}</div>'
    heading = T("“415X”先进制造业集群培育工程<br>{year}年度监测简报", year=ctx.year)
    rows = [(T("报告年份"), T("{year}年", year=ctx.year)), (T("情景"), html.escape(scenario_label(ctx))),
            (T("数据日期"), html.escape(data_date(ctx))), (T("生成日期"), dt.date.today().isoformat())]
    note = T("本简报由参数化笔记本自动生成；每张表格均在输出目录中保存为同名 CSV 文件，附录列出全部输入文件的 SHA-256。"
             "缺失的数据一律显示为“—”，不作估算或插补。")
    items = "\n    ".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return HTML(f"""
<div class="title-page">
  <div class="plan">{plan}</div>
  {rendering}
  <h1>{heading}</h1>
  {flag}
  <dl>
    {items}
  </dl>
  <p class="note">{note}</p>
</div>
<div class="page-break"></div>""")

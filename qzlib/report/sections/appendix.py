"""Appendix: the lenses' method and thresholds, every input file's hash, versions, parameters."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown

from qzlib import fmt, paths
from qzlib.i18n import N_, T
from qzlib.report.provenance import input_files, package_versions
from qzlib.report.sections.context import BriefContext


def method_notes(ctx: BriefContext):
    from qzlib.forecast.verdicts import method_notes

    return Markdown(method_notes())


def shapes(ctx: BriefContext) -> HTML:
    """The path shape each indicator's plan path, trends, scenarios and lenses use (from the catalogue)."""
    from qzlib import rules
    from qzlib.catalogue import is_cumulative
    from qzlib.plan.path import shape

    first = ctx.points.drop_duplicates("code").sort_values("number")
    df = pd.DataFrame({
        N_("序号"): first["number"].astype(int), N_("指标"): [ctx.name(c) for c in first["code"]],
        N_("单位"): [ctx.unit(c) for c in first["code"]],
        N_("路径形态"): [T(rules.SHAPE_ZH[shape(ctx.points, c)]) for c in first["code"]],
        N_("累计"): [T("是（达到后不回退）") if is_cumulative(c) else "" for c in first["code"]],
        N_("数值位数"): [T("{n} 位小数", n=rules.value_digits(k)) if rules.value_digits(k) else T("取整") for k in first["kind"]],
    })
    ctx.save("indicator_shapes", df)
    return HTML("<h3>" + T("各指标的路径形态") + "</h3><p>" + T("规划隐含路径、趋势外推、情景路径和各视角的速度均按下表的形态计算。") + "</p>"
                + fmt.table(df, numeric=("序号",), classes="shapes", widths={"序号": "6%", "指标": "44%"},
                            nowrap=("单位",)))


def provenance(ctx: BriefContext, params: dict) -> HTML:
    files = input_files(paths.RAW, ctx.processed_dir)
    ctx.save("provenance_files", files)
    versions = package_versions()
    p = pd.DataFrame({N_("参数"): list(params), N_("取值"): [str(v) for v in params.values()]})
    return HTML(
        "<h3>" + T("输入文件") + "</h3>" + fmt.table(files, numeric=("字节",), classes="files")
        + "<h3>" + T("软件版本") + "</h3>" + fmt.table(versions)
        + "<h3>" + T("运行参数") + "</h3>" + fmt.table(p)
        + "<p class='note'>" + T("本次运行保存的数据文件：{files}。", files=html.escape(T("、").join(ctx.saved))) + "</p>"
    )

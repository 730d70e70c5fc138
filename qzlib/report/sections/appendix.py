"""Appendix: the lenses' method and thresholds, every input file's hash, versions, parameters."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown

from qzlib import paths
from qzlib import fmt
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
        "序号": first["number"].astype(int), "指标": first["name_zh"], "单位": first["unit"],
        "路径形态": [rules.SHAPE_ZH[shape(ctx.points, c)] for c in first["code"]],
        "累计": ["是（达到后不回退）" if is_cumulative(c) else "" for c in first["code"]],
        "数值位数": [f"{rules.value_digits(k)} 位小数" if rules.value_digits(k) else "取整" for k in first["kind"]],
    })
    ctx.save("indicator_shapes", df)
    return HTML("<h3>各指标的路径形态</h3><p>规划隐含路径、趋势外推、情景路径和各视角的速度均按下表的形态计算。</p>"
                + fmt.table(df, numeric=("序号",), classes="shapes", widths={"序号": "6%", "指标": "44%"},
                            nowrap=("单位",)))


def provenance(ctx: BriefContext, params: dict) -> HTML:
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

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
    from qzlib.forecast.progress import METHOD_NOTES_ZH

    return Markdown(METHOD_NOTES_ZH)


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

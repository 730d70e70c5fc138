"""Section 七: does the body of the plan say what its annexes say?"""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from qzlib import fmt
from qzlib.plan.views import AUDIT_KIND_ZH
from qzlib.report.sections import facts
from qzlib.report.sections.context import BriefContext

STATUS_ZH = {"differs": "不一致", "ambiguous": "口径有歧义", "consistent": "相符"}


def table(ctx: BriefContext) -> HTML:
    a = ctx.audit
    if a is None or a.empty:
        return HTML("<p>正文与附件之间未发现不一致之处。</p>")
    real = facts.audit_discrepancies(ctx)
    df = pd.DataFrame({
        "编号": a["finding_id"],
        "类型": a["kind"].map(AUDIT_KIND_ZH).fillna(a["kind"]) + "（" + a["status"].map(STATUS_ZH).fillna("") + "）",
        "正文摘录": a["body_excerpt"].map(lambda s: fmt.clip(s, 60)),
        "附件摘录": a["annex_excerpt"].map(lambda s: fmt.clip(s, 60)),
        "说明": a["detail_zh"],
    })
    ctx.save("audit_findings", df)
    lead = (f"<p>逐句比对共 {len(a)} 条核查记录，其中 {len(real)} 处为差异（不一致或口径有歧义），"
            f"{len(a) - len(real)} 条经核对相符。</p>")
    widths = {"编号": "6%", "类型": "12%", "正文摘录": "25%", "附件摘录": "22%"}
    return HTML(lead + fmt.table(df, classes="audit", widths=widths, nowrap=("编号",)))


def number_findings(ctx: BriefContext) -> list[str]:
    """A sentence per number that differs between body and annex."""
    real = facts.audit_discrepancies(ctx)
    if real.empty:
        return []
    out = []
    for _, f in real[real["kind"] == "number_differs"].iterrows():
        out.append(f"注意：{html.escape(str(f.get('subject', '')))} 的目标在{html.escape(str(f['body_location']))}与"
                   f"{html.escape(str(f['annex_location']))}中数值不同，需以正式解释为准。")
    return out

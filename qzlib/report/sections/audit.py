"""Section 七: does the body of the plan say what its annexes say?"""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from qzlib import fmt, i18n
from qzlib.i18n import N_, T
from qzlib.plan.views import AUDIT_KIND_ZH
from qzlib.report.sections import facts
from qzlib.report.sections.context import BriefContext

STATUS_ZH = {"differs": N_("不一致"), "ambiguous": N_("口径有歧义"), "consistent": N_("相符")}


def table(ctx: BriefContext) -> HTML:
    a = ctx.audit
    if a is None or a.empty:
        return HTML("<p>" + T("正文与附件之间未发现不一致之处。") + "</p>")
    real = facts.audit_discrepancies(ctx)
    kinds = [T("{kind}（{status}）", kind=T(AUDIT_KIND_ZH.get(k, k)), status=T(STATUS_ZH.get(s, s)))
             for k, s in zip(a["kind"], a["status"])]
    # The excerpts quote the plan (Chinese); a brief in another language names where they stand instead.
    quote = i18n.quotes_plan()
    df = pd.DataFrame({
        N_("编号"): a["finding_id"], N_("类型"): kinds,
        N_("正文摘录") if quote else N_("正文位置"): (a["body_excerpt"].map(lambda s: fmt.clip(s, 60)) if quote
                                                  else a["body_location"].map(i18n.outline)),
        N_("附件摘录") if quote else N_("附件位置"): (a["annex_excerpt"].map(lambda s: fmt.clip(s, 60)) if quote
                                                  else a["annex_location"].map(i18n.outline)),
        N_("说明"): [i18n.unquoted(i18n.column_value(r, "detail", unsuffixed="en")) for _, r in a.iterrows()],
    })
    ctx.save("audit_findings", df)
    lead = "<p>" + T("逐句比对共 {n} 条核查记录，其中 {real} 处为差异（不一致或口径有歧义），{same} 条经核对相符。",
                     n=len(a), real=len(real), same=len(a) - len(real)) + "</p>"
    widths = {T(k): w for k, w in (("编号", "6%"), ("类型", "12%"), ("正文摘录", "25%"), ("附件摘录", "22%"),
                                   ("正文位置", "14%"), ("附件位置", "14%"))}
    return HTML(lead + fmt.table(df, classes="audit", widths=widths, nowrap=(T("编号"),)))


def number_findings(ctx: BriefContext) -> list[str]:
    """A sentence per number that differs between body and annex."""
    real = facts.audit_discrepancies(ctx)
    if real.empty:
        return []
    out = []
    for _, f in real[real["kind"] == "number_differs"].iterrows():
        out.append(T("注意：{subject} 的目标在{body}与{annex}中数值不同，需以正式解释为准。",
                     subject=html.escape(str(f.get("subject", ""))),
                     body=html.escape(i18n.outline(str(f["body_location"]))),
                     annex=html.escape(i18n.outline(str(f["annex_location"])))))
    return out

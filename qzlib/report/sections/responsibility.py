"""Section 六: who is responsible for how many indicators, tasks and measures."""
from __future__ import annotations

import matplotlib.pyplot as plt
from IPython.display import HTML

from qzlib import fmt
from qzlib.fonts import use_cjk
from qzlib.i18n import N_, T, term
from qzlib.report.sections.context import BriefContext


def table(ctx: BriefContext) -> HTML:
    from qzlib.plan.responsibility import counts

    c = counts(ctx.responsibility).rename(columns={
        "department": N_("责任单位"), "indicators": N_("指标"), "tasks": N_("任务"), "measures": N_("政策措施"),
        "total": N_("合计")})
    c["责任单位"] = c["责任单位"].map(lambda d: term("department", d))
    ctx.save("responsibility_counts", c)
    return HTML(fmt.table(c, numeric=("指标", "任务", "政策措施", "合计"), classes="resp"))


def chart(ctx: BriefContext, top: int = 12):
    from qzlib.plan.responsibility import counts

    use_cjk()
    c = counts(ctx.responsibility).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.0, 0.28 * len(c) + 0.8))
    left = 0
    names = [term("department", d) for d in c["department"]]
    for col, label, colour in (("indicators", T("指标"), "#0b3d6b"), ("tasks", T("任务"), "#4f86c6"),
                               ("measures", T("政策措施"), "#a9c6e8")):
        ax.barh(names, c[col], left=left, label=label, color=colour)
        left = left + c[col]
    ax.set_xlabel(T("牵头或参与的事项数"))
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.tick_params(labelsize=7)
    fig.set_layout_engine("tight")
    fig.set_label(T("六_责任分工"))
    return fig

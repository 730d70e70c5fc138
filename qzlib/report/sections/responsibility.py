"""Section 六: who is responsible for how many indicators, tasks and measures."""
from __future__ import annotations

import matplotlib.pyplot as plt
from IPython.display import HTML

from qzlib.fonts import use_cjk
from qzlib import fmt
from qzlib.report.sections.context import BriefContext


def table(ctx: BriefContext) -> HTML:
    from qzlib.plan.responsibility import counts

    c = counts(ctx.responsibility).rename(columns={
        "department": "责任单位", "indicators": "指标", "tasks": "任务", "measures": "政策措施", "total": "合计"})
    ctx.save("responsibility_counts", c)
    return HTML(fmt.table(c, numeric=("指标", "任务", "政策措施", "合计"), classes="resp"))


def chart(ctx: BriefContext, top: int = 12):
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
    fig.set_label("六_责任分工")
    return fig

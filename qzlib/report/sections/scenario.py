"""Section 五: the scenario's assumptions (each with its source), paths and attainment."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from qzlib import fmt, rules
from qzlib.i18n import N_, T
from qzlib.report.sections.context import BriefContext


def result(ctx: BriefContext, name: str | None = None):
    """Run a scenario once per brief (cached on the context)."""
    from qzlib.scenarios import load, run

    name = name or ctx.scenario
    return ctx.once(f"scenario:{name}", lambda: run(load(name, ctx.scenarios_dir), ctx.points, ctx.observations,
                                                      ctx.processed_dir, region=ctx.region, as_of=ctx.year))


def status_zh(status: str) -> str:
    from qzlib.scenarios import STATUS_ZH

    return T(STATUS_ZH.get(status, status))


def assumptions(ctx: BriefContext) -> HTML:
    res = result(ctx)
    df = res.assumptions_table()
    ctx.save("scenario_assumptions", df)
    widths = {"对象": "26%", "类别": "8%", "假设": "30%"}
    return HTML(f"<p>{html.escape(res.scenario.said('description'))}</p>"
                + fmt.table(df, classes="assumptions", widths=widths, nowrap=("类别",)))


def attainment(ctx: BriefContext) -> HTML:
    res = result(ctx)
    a = res.attainment
    a = a[a["target_year"].notna()]
    kinds = {c: k for c, k in zip(ctx.points["code"], ctx.points["kind"])}
    digits = {c: rules.value_digits(k) for c, k in kinds.items()}
    names = [ctx.name(c) for c in a["code"]]
    units = [ctx.unit(c) for c in a["code"]]
    saved = pd.DataFrame({
        N_("指标"): names, N_("单位"): units, N_("目标年"): a["target_year"].astype(int), N_("目标"): a["target"],
        N_("情景值"): [round(v, digits.get(c, 2)) if pd.notna(v) else v for v, c in zip(a["value"], a["code"])],
        N_("结果"): a["status"].map(status_zh), N_("差距（%）"): a["gap_pct"].round(2),
        N_("首次达到"): a["first_year_reached"], N_("说明"): a["reason"].fillna(""),
    })
    ctx.save("scenario_attainment", saved, title=T("情景下的目标达成"))
    df = pd.DataFrame({
        "指标": names, "单位": units, "目标年": a["target_year"].astype(int),
        "目标": [fmt.quantity(v, kinds.get(c)) for v, c in zip(a["target"], a["code"])],
        N_("情景值"): [fmt.quantity(v, kinds.get(c)) for v, c in zip(a["value"], a["code"])],
        "结果": a["status"].map(status_zh),
        N_("差距"): [fmt.MISSING if pd.isna(g) else fmt.pct(g / 100) for g in a["gap_pct"]],
        "首次达到": a["first_year_reached"].map(lambda v: fmt.MISSING if pd.isna(v) else str(int(v))),
        "说明": a["reason"].fillna(""),
    })
    colour = {status_zh("met"): "rag-green", status_zh("missed"): "rag-red"}   # 情景值, 差距: column keys said by fmt.table
    return HTML(fmt.table(df, numeric=("目标年", "目标", "情景值", "差距", "首次达到"), classes="attain",
                          row_class=lambda r: colour.get(r["结果"], "rag-grey"), nowrap=("单位", "结果")))


def chart(ctx: BriefContext):
    from qzlib.scenarios import plot_paths

    fig = plot_paths(result(ctx), ncols=4)
    fig.set_label(T("五_情景路径_{scenario}", scenario=ctx.scenario))
    return fig


def counts(ctx: BriefContext, name: str | None = None) -> dict:
    """How the scenario ends: indicators meeting all their numeric targets, targets met, no path."""
    a = result(ctx, name).attainment
    a = a[a["target_year"].notna()]
    per = a.groupby("code", sort=False)["status"].agg(list)
    return {"targets": len(a), "targets_met": int((a["status"] == "met").sum()),
            "targets_no_path": int((a["status"] == "no_path").sum()),
            "indicators": len(per), "indicators_all_met": int(sum(all(s == "met" for s in v) for v in per)),
            "indicators_no_path": int(sum(all(s == "no_path" for s in v) for v in per))}


def comparison(ctx: BriefContext) -> HTML:
    """Which targets each scenario meets (shown when several scenarios are run together)."""
    from qzlib.scenarios import compare

    names = [ctx.scenario, *[n for n in ctx.compare if n != ctx.scenario]]
    results = [result(ctx, n) for n in names]
    table = compare(results)
    label = {n: r.scenario.said("label") for n, r in zip(names, results)}   # readers see names, not file names
    df = pd.DataFrame({N_("指标"): [ctx.name(c) for c in table["code"]], N_("目标年"): table["target_year"].astype(int),
                       N_("目标"): table["target"].map(fmt.num)})
    for n in names:
        df[label[n]] = [T("{status}（{value}）", status=status_zh(s), value=fmt.num(v)) if s in ("met", "missed")
                        else status_zh(s) for s, v in zip(table[n], table[f"{n}_value"])]
    ctx.save("scenario_comparison", df)
    lead = T("；").join(T("{name}：{met}/{n} 个指标年度目标达到", name=label[n], met=counts(ctx, n)["targets_met"],
                         n=len(table)) for n in names)
    return HTML("<h3>" + T("多情景比较：各情景能否达到目标") + f"</h3><p>{html.escape(lead)}{T('。')}</p>"
                + fmt.table(df, numeric=("目标年", "目标"), classes="compare"))

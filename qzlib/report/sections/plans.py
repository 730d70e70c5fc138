"""Several plans of the family side by side: each plan's baseline, targets and the pace
each target needs, for the indicators they share (the brief's comparison page and
notebook 06). Indicators are matched by code; a generated code (an indicator outside the
catalogue) is shared only by plans that word the indicator identically."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from qzlib import fmt, i18n
from qzlib.i18n import N_, T
from qzlib.plan.path import milestone_paces


def load(processed_dirs) -> dict[str, pd.DataFrame]:
    """{plan's place: indicator points} for each processed folder (in the order given)."""
    from qzlib.plan.tables import indicator_points, load_indicators, load_plan_meta

    out = {}
    for d in processed_dirs:
        label = load_plan_meta(Path(d)).region
        out[label if label not in out else f"{label}（{Path(d).name}）"] = indicator_points(load_indicators(Path(d)))
    return out


def side_by_side(plans: dict[str, pd.DataFrame], shared_only: bool = True) -> pd.DataFrame:
    """One row per indicator; per plan: baseline, targets and the pace each needs, each with its year.

    >>> pts = lambda b, t1, t2, y: pd.DataFrame({"code": ["x"] * 3, "name_zh": ["亩均增加值"] * 3,
    ...     "unit": ["万元/亩"] * 3, "year": [y, y + 3, y + 5], "role": ["baseline", "target", "target"],
    ...     "value": [b, t1, t2], "raw": ["", "", ""], "qualifier": ["exact"] * 3})
    >>> t = side_by_side({"甲市": pts(119, 160, 195, 2022), "乙县": pts(90, 110, 130, 2023)})
    >>> t.loc[0, "甲市 基期"], t.loc[0, "乙县 目标"], t.loc[0, "甲市 年均所需"]
    ('2022年 119', '2026年 110；2028年 130', '+10.37%；+10.40%')
    """
    codes = {label: list(p["code"].drop_duplicates()) for label, p in plans.items()}
    order = next(iter(codes.values()), [])
    every = order + [c for cs in codes.values() for c in cs if c not in order]
    chosen = [c for c in every if all(c in cs for cs in codes.values())] if shared_only else every
    rows = []
    for code in chosen:
        first = next(p[p["code"] == code].iloc[0] for p in plans.values() if (p["code"] == code).any())
        row = {"code": code, N_("指标"): i18n.column_value(first, "name"), N_("单位"): i18n.term("unit", first["unit"])}
        for label, p in plans.items():
            g = p[p["code"] == code]
            base = g[g["role"] == "baseline"]
            tg = g[g["role"] == "target"].sort_values("year")
            row[T("{plan} 基期", plan=label)] = T("；").join(
                T("{year}年 {value}", year=int(y), value=fmt.num(v)) for y, v in zip(base["year"], base["value"])) \
                or fmt.MISSING
            row[T("{plan} 目标", plan=label)] = T("；").join(
                T("{year}年 {value}", year=int(y), value=fmt.num(v) if q in ("exact", "approx") else i18n.term("phrase", raw))
                for y, v, q, raw in zip(tg["year"], tg["value"], tg["qualifier"], tg["raw"])) or fmt.MISSING
            row[T("{plan} 年均所需", plan=label)] = T("；").join(fmt.rate(s["pace"], s["shape"], first["unit"])
                                                           for s in milestone_paces(g, code)) or fmt.MISSING
        rows.append(row)
    return pd.DataFrame(rows)


def page(ctx, processed_dirs) -> HTML:
    """The comparison page: this brief's plan and the others, for the indicators they share."""
    plans = {ctx.place(ctx.region): ctx.points} | {i18n.place(k): v for k, v in load(processed_dirs).items()
                                                    if k != ctx.region}
    df = side_by_side(plans)
    ctx.save("plans_side_by_side", df)
    names = T("、").join(plans)
    lead = "<p>" + T("{names} 共 {n} 份规划共有的 {shared} 项指标：各自的基期、目标与达到各目标所需的年均增速（百分比指标为每年百分点）。"
                     "各规划的基期与目标年可能不同，已逐格注明年份。", names=html.escape(names), n=len(plans),
                     shared=len(df)) + "</p>"
    return HTML(lead + fmt.table(df.drop(columns="code"), classes="plans"))

"""Claims several sections make, each computed in one place from the tables the brief uses.

A sentence in the brief about data, counts or years calls one of these; none is fixed
text, so none can turn false when the bureau's figures arrive.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qzlib.forecast.progress import observed_series, with_baseline
from qzlib.i18n import T

if TYPE_CHECKING:   # the type only
    from qzlib.report.sections.context import BriefContext


def local_observations(ctx: BriefContext) -> pd.DataFrame:
    """The region's selected figures for plan indicators after the plan's baseline, up to the
    brief's year (the plan's own baseline figures are not counted as data)."""
    cols = ["code", "year", "value", "source_kind", "source"]
    if not ctx.has_obs:
        return pd.DataFrame(columns=cols)
    o = ctx.observations
    codes = set(ctx.points["code"])
    q = o[(o["region"] == ctx.region) & o["selected"].astype(bool) & o["indicator"].isin(codes)
          & (o["source_kind"] != "plan") & (o["year"] <= ctx.year)]
    if ctx.base_year is not None:
        q = q[q["year"] > ctx.base_year]
    q = q.rename(columns={"indicator": "code"})[cols]
    return q.sort_values(["code", "year"]).reset_index(drop=True)


def indicators_with_data(ctx: BriefContext) -> list[str]:
    """Codes of the indicators (not indicator-years) with data after the baseline, in plan order."""
    have = set(local_observations(ctx)["code"])
    order = ctx.points.drop_duplicates("code").sort_values("number")["code"]
    return [c for c in order if c in have]


def latest_data_year(ctx: BriefContext) -> int | None:
    """The latest year of any plan-indicator figure for the region (None when there is none)."""
    q = local_observations(ctx)
    return int(q["year"].max()) if len(q) else None


def reference_latest_year(ctx: BriefContext) -> int | None:
    """The latest year of the reference statistics (other regions, related series)."""
    if not ctx.has_obs:
        return None
    o = ctx.observations
    o = o[(o["region"] != ctx.region) & (o["source_kind"] != "plan")]
    return int(o["year"].max()) if len(o) else None


def history(ctx: BriefContext, code: str) -> pd.Series:
    """The region's series of one indicator up to the brief's year, the plan's baseline included
    (read once per brief; each caller gets its own copy)."""
    def read() -> pd.Series:
        p = ctx.points[(ctx.points["code"] == code) & (ctx.points["role"] == "baseline")]
        by = int(p["year"].iloc[0]) if len(p) else None
        bv = float(p["value"].iloc[0]) if len(p) and pd.notna(p["value"].iloc[0]) else None
        obs = observed_series(ctx.observations, code, ctx.region) if ctx.has_obs else pd.Series(dtype=float)
        return with_baseline(obs, by, bv, up_to=ctx.year)
    return ctx.once(f"history:{code}", read).copy()


def kind(ctx: BriefContext, code: str) -> str:
    """The indicator's kind (count, share, …): counts print as whole numbers."""
    return str(ctx.points.loc[ctx.points["code"] == code, "kind"].iloc[0])


def audit_discrepancies(ctx: BriefContext) -> pd.DataFrame:
    """Audit findings that are real discrepancies (status other than 'consistent')."""
    a = ctx.audit
    if a is None or a.empty:
        return pd.DataFrame(columns=[] if a is None else a.columns)
    return a[a["status"] != "consistent"]


def names(ctx: BriefContext, codes) -> str:
    """'、'-joined plan names of ``codes`` (', ' in English)."""
    return T("、").join(ctx.name(c) for c in codes)

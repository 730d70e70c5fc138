"""What the trend notebook shows for one series: its forecast and those of related series.

A plan indicator often has too few observations of its own; statistics that the
statistics layer marks as *related* to it (another definition, e.g. R&D/GDP for the plan's
R&D/revenue) are forecast beside it, labelled as such, never substituted for it.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from qzlib import paths
from qzlib.forecast.trend import Forecast, fit


def related_codes(obs: pd.DataFrame, indicator: str, region: str, min_points: int = 3) -> list[str]:
    """Statistics codes linked to plan indicator ``indicator`` with at least ``min_points`` years."""
    if "plan_code" not in obs.columns:
        return []
    o = obs[(obs["plan_code"] == indicator) & (obs["region"] == region) & obs["selected"].astype(bool)
            & (obs["indicator"] != indicator)]
    n = o.groupby("indicator")["year"].nunique()
    return sorted(n[n >= min_points].index, key=lambda c: -n[c])


def explore(obs: pd.DataFrame, indicator: str, region: str, method: str = "auto",
            horizon_to: int = 2027) -> dict[str, Forecast]:
    """{code: Forecast} for the indicator itself and for each related series in ``region``,
    each within its own natural bounds."""
    from qzlib.stats import series
    from qzlib.stats.mapping import series_bounds

    out = {}
    for code in [indicator] + related_codes(obs, indicator, region):
        lower, upper = series_bounds(code)
        out[code] = fit(series(obs, code, region), horizon_to, method, lower=lower, upper=upper)
    return out


def summary(fcs: dict[str, Forecast], obs: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per series: points, last year, status, method and reason (Chinese)."""
    rows = []
    for code, fc in fcs.items():
        comp = ""
        if obs is not None and "comparability" in obs.columns:
            c = obs.loc[obs["indicator"] == code, "comparability"]
            comp = c.iloc[0] if len(c) else ""
        rows.append({"序列": code, "可比性": comp, "观测值个数": len(fc.history),
                     "最新年份": int(fc.history.index[-1]) if len(fc.history) else None,
                     "状态": fc.status, "方法": fc.method, "说明": fc.reason})
    return pd.DataFrame(rows)


def write_outputs(fcs: dict[str, Forecast], output_dir: str | Path, region: str) -> list[Path]:
    """Paths (CSV) and fan charts (PNG) of every fitted series under ``output_dir``."""
    from qzlib.atomic import write_csv

    out = paths.output_path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for code, fc in fcs.items():
        if not fc.ok:
            continue
        p = out / f"trend_{code}_{region}.csv"
        write_csv(pd.concat([fc.history.rename("actual"), fc.path], axis=1).rename_axis("year").reset_index(), p)
        fig = fc.plot(title=f"{region} {code}")
        png = out / f"trend_{code}_{region}.png"
        fig.savefig(png, dpi=120)
        written += [p, png]
    return written

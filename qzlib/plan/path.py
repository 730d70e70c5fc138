"""The plan's implied path: from the baseline through each milestone target, in the shape
the catalogue declares for the indicator.

This is what the targets imply, not data: between two milestones the value moves at one
constant pace — steady growth (geometric; linear when a value is not positive) for levels
and ratios, equal yearly additions for counts, equal yearly points for shares. The pace per
segment shows how the plan spreads the effort (2.7 → 3.0 → 3.4 back-loads it: +0.10 then
+0.20 points a year). The arithmetic lives in :mod:`qzlib.rules`.
"""
from __future__ import annotations

import pandas as pd

from qzlib import rules


def anchors(points: pd.DataFrame, code: str) -> list[tuple[int, float]]:
    """(year, value) of the baseline and of every numeric target, in year order."""
    g = points[(points["code"] == code) & points["value"].notna()]
    g = g[g["qualifier"].isin(["exact", "approx"])]
    return sorted((int(y), float(v)) for y, v in zip(g["year"], g["value"]))


def shape(points: pd.DataFrame, code: str) -> str:
    """The indicator's path shape (the points' ``shape`` column, else the catalogue's rule)."""
    g = points[points["code"] == code]
    if "shape" in g.columns and len(g) and isinstance(g["shape"].iloc[0], str) and g["shape"].iloc[0]:
        return g["shape"].iloc[0]
    from qzlib.catalogue import shape_of

    first = g.iloc[0] if len(g) else {}
    return shape_of(code, str(first.get("kind", "") or ""), str(first.get("unit", "") or ""))


def plan_path(points: pd.DataFrame, code: str) -> pd.Series:
    """Yearly values between the first and last anchor; empty if fewer than two anchors.

    >>> pts = pd.DataFrame({"code": ["x"] * 3, "year": [2022, 2025, 2027], "value": [119.0, 160.0, 195.0],
    ...                     "qualifier": ["exact"] * 3, "shape": ["growth"] * 3})
    >>> [round(float(v), 2) for v in plan_path(pts, "x")[[2023, 2025, 2026]]]
    [131.34, 160.0, 176.64]
    >>> firms = pts.assign(value=[36.0, 66.0, 86.0], shape="additions")
    >>> [float(v) for v in plan_path(firms, "x")[[2023, 2024, 2026]]]
    [46.0, 56.0, 76.0]
    """
    a = anchors(points, code)
    if len(a) < 2:
        return pd.Series(dtype=float, name=code)
    years = list(range(a[0][0], a[-1][0] + 1))
    s = pd.Series(rules.interpolate(years, a, shape=shape(points, code)), index=pd.Index(years, name="year"), name=code, dtype=float)
    return s


def milestone_paces(points: pd.DataFrame, code: str) -> list[dict]:
    """Pace each segment requires: from_year, to_year, from_value, to_value, cagr, points_per_year,
    and ``pace``: the pace in the indicator's shape (rules.per_year), with ``shape``.

    >>> pts = pd.DataFrame({"code": ["rd"] * 3, "year": [2022, 2025, 2027], "value": [2.7, 3.0, 3.4],
    ...                     "qualifier": ["exact"] * 3})
    >>> [round(s["points_per_year"], 2) for s in milestone_paces(pts, "rd")]
    [0.1, 0.2]
    """
    a = anchors(points, code)
    how = shape(points, code)
    out = []
    for (y0, v0), (y1, v1) in zip(a, a[1:]):
        pts, g = rules.pace(v0, y0, v1, y1)
        out.append({"from_year": y0, "to_year": y1, "from_value": v0, "to_value": v1, "cagr": g,
                    "points_per_year": pts, "shape": how, "pace": rules.per_year(v0, y0, v1, y1, how)})
    return out

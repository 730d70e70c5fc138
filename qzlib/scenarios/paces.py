"""Paces a scenario borrows from the statistics: a reference window's growth or points a year."""
from __future__ import annotations

import numpy as np
import pandas as pd

from qzlib import rules
from qzlib.errors import InputError


def reference_series(obs: pd.DataFrame, indicator: str, region: str) -> pd.Series:
    """Yearly selected values (index year) of one statistics series (aliases allowed)."""
    from qzlib.stats import series

    return series(obs, indicator, region)


def reference_rate(obs: pd.DataFrame, ref: dict, file=None, where: str = "") -> float:
    """The yearly pace a reference window implies: a fraction (cagr, rate) or points."""
    s = reference_series(obs, ref["indicator"], ref["region"])
    y0, y1, measure = int(ref["from"]), int(ref["to"]), ref.get("measure", "cagr")
    if measure == "rate":
        window = s[(s.index >= y0) & (s.index <= y1)]
        if window.empty:
            raise InputError.one(file=file, where=where, value=f"{ref['indicator']} {ref['region']} {y0}–{y1}",
                                 expected="at least one observation in the window")
        return float(np.exp(np.log1p(window.to_numpy() / 100).mean()) - 1)
    missing = [y for y in (y0, y1) if y not in s.index]
    if missing:
        raise InputError.one(file=file, where=where, value=f"{ref['indicator']} {ref['region']}",
                             expected=f"observations for {', '.join(map(str, missing))} "
                                      f"(have {', '.join(map(str, s.index)) or 'none'})")
    v0, v1 = s[y0], s[y1]
    if measure == "points":
        return float((v1 - v0) / (y1 - y0))
    if v0 <= 0 or v1 <= 0:
        raise InputError.one(file=file, where=where, value=(v0, v1), expected="positive values for a CAGR")
    return rules.cagr(v0, v1, y1 - y0)

"""The trend notebook's helper forecasts each series within its own natural bounds."""
from __future__ import annotations

import pandas as pd

from qzlib.forecast import explore as X
from qzlib.stats import mapping
from qzlib.stats.mapping import series_bounds


def _obs(rows):
    return pd.DataFrame([dict(region="衢州市", indicator=code, year=y, value=v, selected=True, plan_code=plan,
                              comparability="related" if code != plan else "comparable")
                         for code, plan, vals in rows for y, v in vals.items()])


def test_bounds_come_from_the_plan_kind_or_the_statistics_kind():
    assert series_bounds("rd_intensity") == (0.0, 100.0)               # a share (plan catalogue)
    assert mapping.resolve("digital_core_va_growth_pct").kind == "growth"
    assert series_bounds("digital_core_va_growth_pct") == (None, None)  # a growth rate may be negative
    assert series_bounds("six_chains_share_above_scale_industry_pct") == (0.0, 100.0)
    assert series_bounds("no_such_series") == (None, None)


def test_a_falling_related_growth_rate_is_not_held_at_zero():
    obs = _obs([("digital_core_va", "digital_core_va", {2019: 50.0, 2020: 52.0, 2021: 55.0}),
                ("digital_core_va_growth_pct", "digital_core_va", {2018: 6.0, 2019: 3.0, 2020: 0.5, 2021: -2.0})])
    fcs = X.explore(obs, "digital_core_va", "衢州市", horizon_to=2025)
    assert set(fcs) == {"digital_core_va", "digital_core_va_growth_pct"}
    growth = fcs["digital_core_va_growth_pct"]
    assert growth.ok and growth.path["mean"].min() < 0 and growth.bounds == (None, None)

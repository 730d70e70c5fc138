"""Several figures for one region, indicator and year: keep them all, select one by rule.

The rule, in order (the first difference decides):

1. a pin in ``data/raw/statistics/pins.csv`` (region, indicator, year, value) chooses;
2. real over test: a figure imported as 测试 (test) only when nothing else exists;
3. official over unofficial: plan, official and yearbook figures (an import declared
   官方发布 is official) over unofficial copies and imports that declared no source type;
4. later vintage (publication date) over earlier; a figure without a date counts as the
   earliest. Skipped when all the values agree to the precision they were published
   with (2125.2 and 2125.20, or 40.5 万亿元 and 405442 亿元): then they are one figure;
5. the more precisely published figure;
6. yearbook > official > plan > researcher > unofficial > test;
7. the first in file order.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from qzlib.errors import InputError, Problem
from qzlib.stats import mapping, read, sources

KIND_RANK = {"yearbook": 5, "official": 4, "plan": 3, "researcher": 2, "unofficial": 1, "test": 0}
RULES = ["pin", "real over test", "official over unofficial", "later vintage", "more precise", "source kind",
         "file order"]
CONFLICT_COLUMNS = ["region", "indicator", "year", "status", "n", "values", "selected_value", "unit",
                    "selected_source_kind", "selected_file", "selected_row", "rule"]
PIN_COLUMNS = ("region", "indicator", "year", "value")


def tolerance(value_published: str, unit_published: str) -> float:
    """Half a unit of the last published digit, in the canonical unit."""
    exp = Decimal(value_published).as_tuple().exponent
    factor = mapping.units().get(unit_published, (None, Decimal(1)))[1]
    return float(Decimal("0.5") * Decimal(10) ** exp * factor)


def load_pins(path: str | Path | None) -> pd.DataFrame:
    """The user's pins; a missing file means no pins. Bad rows raise InputError."""
    if path is None or not Path(path).is_file():
        return pd.DataFrame(columns=[*PIN_COLUMNS, "row"])
    if not Path(path).read_bytes().strip():
        return pd.DataFrame(columns=[*PIN_COLUMNS, "row"])
    table = read.read_table(path, str(path), PIN_COLUMNS, allow_empty=True)
    problems, rows = list(table.problems), []
    for rec in table.records:
        f = rec.fields
        s = mapping.resolve(str(f.get("indicator") or ""))
        year, yerr = read.parse_year(f.get("year"))
        number, verr = read.parse_plain_number(f.get("value"))
        for col, bad, exp in [("indicator", s is None, read.Expect("a known indicator code", "应为已知的指标代码")),
                              ("region", f.get("region") not in mapping.regions(),
                               read.Expect("a known region", "应为已知的地区名")),
                              ("year", yerr, yerr), ("value", verr, verr)]:
            if bad:
                problems.append(read.cell_problem(str(path), rec, col, f.get(col), exp))
        if s is not None and not yerr and not verr:
            rows.append({"region": f["region"], "indicator": s.code, "year": year, "value": float(number),
                         "row": rec.row})
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=[*PIN_COLUMNS, "row"])


def _agree(vals: list[float], tols: list[float]) -> bool:
    return all(abs(a - b) <= max(ta, tb) + 1e-9 * max(abs(a), abs(b))
               for a, ta in zip(vals, tols) for b, tb in zip(vals, tols))


def select(obs: pd.DataFrame, pins: pd.DataFrame | None = None, pins_label: str = "pins.csv"
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``obs`` with ``selected`` set by the rule, and one row per multi-figure group."""
    obs = obs.reset_index(drop=True).copy()
    obs["selected"] = False
    tol = [tolerance(v, u) for v, u in zip(obs["value_published"], obs["unit_published"])]
    pins = pins if pins is not None else load_pins(None)
    pinned: set[int] = set()
    problems = []
    for pin in pins.itertuples():
        hit = obs[(obs.region == pin.region) & (obs.indicator == pin.indicator) & (obs.year == pin.year)]
        match = [i for i in hit.index if abs(obs.at[i, "value"] - pin.value) <= tol[i] + 1e-9]
        if not match:
            have = ", ".join(f"{v:g}" for v in hit["value"]) or "none"
            problems.append(Problem(file=pins_label, where=f"row {pin.row}", field="value", value=pin.value,
                                    expected=f"one of the values held for {pin.region} {pin.indicator} "
                                    f"{pin.year} (held: {have})"))
        pinned.update(match)
    if problems:
        raise InputError(problems)

    groups = []
    for (region, indicator, year), g in obs.groupby(["region", "indicator", "year"], sort=True):
        idx = list(g.index)
        if len(idx) == 1:
            obs.at[idx[0], "selected"] = True
            continue
        agree = _agree([obs.at[i, "value"] for i in idx], [tol[i] for i in idx])
        keys = {i: (i in pinned,
                    obs.at[i, "source_kind"] != sources.TEST_KIND,
                    obs.at[i, "source_kind"] in sources.OFFICIAL_TIER,
                    "" if agree else obs.at[i, "vintage"],
                    -tol[i],
                    KIND_RANK[obs.at[i, "source_kind"]],
                    -i) for i in idx}
        ranked = sorted(idx, key=lambda i: keys[i], reverse=True)
        win, runner = ranked[0], ranked[1]
        obs.at[win, "selected"] = True
        rule = next(RULES[k] for k in range(len(RULES)) if keys[win][k] != keys[runner][k])
        values = sorted({obs.at[i, "value"] for i in idx})
        status = "same" if len(values) == 1 else ("rounding" if agree else "conflict")
        groups.append({
            "region": region, "indicator": indicator, "year": int(year), "status": status, "n": len(idx),
            "values": " | ".join(f"{obs.at[i, 'value']:g} [{obs.at[i, 'source_kind']}"
                                 f"{', ' + obs.at[i, 'vintage'] if obs.at[i, 'vintage'] else ''}; "
                                 f"{obs.at[i, 'file']} row {obs.at[i, 'row']}]" for i in ranked),
            "selected_value": obs.at[win, "value"], "unit": obs.at[win, "unit"],
            "selected_source_kind": obs.at[win, "source_kind"], "selected_file": obs.at[win, "file"],
            "selected_row": obs.at[win, "row"], "rule": rule,
        })
    return obs, pd.DataFrame(groups, columns=CONFLICT_COLUMNS)

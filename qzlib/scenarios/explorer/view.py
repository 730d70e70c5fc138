"""What the explorer shows a reader: the attainment table, the comparison of scenarios, the
values in one year, and the files the notebook writes. Numbers are printed as the plan
writes them (counts as whole numbers, :func:`qzlib.fmt.quantity`); every word is said in the
explorer's language (:attr:`Explorer.lang`: headers, names, units, statuses).

The attainment table is a list of columns (:data:`ATTAINMENT_COLUMNS`): one more column is
one more entry, each a header (a message of the catalogue) and a function of the record and the
explorer. Two columns judge: 情景下是否达成 — whether the scenario's path meets the target — and
当前判断, the indicator's current verdict on the statistics held, read from the one verdict table
the briefs use (:meth:`Explorer.verdicts`), its reason on hover.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import i18n, paths, rules
from qzlib.errors import InputError
from qzlib.fmt import quantity
from qzlib.i18n import N_, T
from qzlib.scenarios import STATUS_ZH, compare
from qzlib.scenarios.explorer.state import Explorer
from qzlib.scenarios.schema import load

STATUS_COLOUR = {"met": "#1e7b34", "missed": "#b03a2e", "no_path": "#777"}
# the verdicts' colours of the progress page (qzlib.forecast.progress.COLOUR_HEX), amber and grey darker: text on white
VERDICT_HEX = {"green": "#2e8b57", "amber": "#c98a00", "red": "#c0392b", "grey": "#8a8a8a"}
SCENARIO_MET, CURRENT = N_("情景下是否达成"), N_("当前判断")


def _kind(x: Explorer, code: str) -> str:
    return x.prepared.info[code].kind


def _value(r: dict, x: Explorer) -> str:
    return "—" if r["status"] == "no_path" else quantity(r["value"], _kind(x, r["code"]))


def _gap(r: dict, x: Explorer) -> str:
    if r["status"] == "no_path":
        return "—"
    g = r["gap_abs"] if abs(r["gap_abs"]) > 1e-9 * max(1.0, abs(r["target"])) else 0.0
    text = quantity(g, _kind(x, r["code"]))
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _gap_pct(r: dict, x: Explorer) -> str:
    if r["status"] == "no_path" or not np.isfinite(r["gap_pct"]):
        return "—"
    return "0.0%" if abs(r["gap_pct"]) < 0.05 or _gap(r, x) == "0" else f"{r['gap_pct']:+.1f}%"


def _first(r: dict, x: Explorer) -> str:
    if r["status"] == "no_path":
        return "—"
    if r["first_year_reached"]:
        return T("{year}年", year=r["first_year_reached"])
    return T("至{year}年仍未达到", year=x.years[-1])


def _status(r: dict, x: Explorer) -> str:
    return (f"<span style='color:{STATUS_COLOUR[r['status']]};font-weight:bold'>"
            f"{html.escape(T(STATUS_ZH[r['status']]))}</span>")


def _current(r: dict, x: Explorer) -> str:
    """The indicator's current verdict for this target year (the briefs' one rule), its reason on hover."""
    v = x.verdict_of(r["code"], r["target_year"])
    if v is None:
        return "—"
    reason = str(v.get("reason") or "")
    return (f"<span class='qz-verdict qz-verdict-{v['verdict']}' title='{html.escape(reason, quote=True)}' "
            f"style='color:{VERDICT_HEX[rules.VERDICT_COLOUR[v['verdict']]]};font-weight:bold;cursor:help'>"
            f"{html.escape(T(rules.VERDICT_ZH[v['verdict']]))}</span>")


# (header, cell: (record, explorer) -> text, numeric?, markup?) — add a column by adding a row; the
# header is a message (Chinese), said in the explorer's language
ATTAINMENT_COLUMNS: list[tuple[str, Callable[[dict, Explorer], str], bool, bool]] = [
    (N_("指标"), lambda r, x: x.prepared.info[r["code"]].name, False, False),
    (N_("单位"), lambda r, x: i18n.term("unit", r["unit"]), False, False),
    (N_("目标年"), lambda r, x: str(r["target_year"]), True, False),
    (N_("目标值"), lambda r, x: quantity(r["target"], _kind(x, r["code"])), True, False),
    (N_("情景值"), _value, True, False),
    (N_("差距"), _gap, True, False),
    (N_("差距率"), _gap_pct, True, False),
    (N_("首次达到"), _first, False, False),
    (SCENARIO_MET, _status, False, True),
    (CURRENT, _current, False, True),
]


def header_tips(x: Explorer) -> dict[str, str]:
    """What the two judging columns' headers say on hover."""
    return {SCENARIO_MET: T("按所选情景的路径，目标年的情景值是否达到目标"),
            CURRENT: T("按{year}年及以前的统计数据对照规划路径的判断，与简报的结论相同；鼠标停在判断上可见理由",
                       year=x.verdict_year)}


TABLE_STYLE = (
    "<style>.qz-att{border-collapse:collapse;font-size:12px}"
    ".qz-att th,.qz-att td{padding:3px 8px !important;line-height:1.3;border-bottom:1px solid #e3e3e3;"
    "white-space:nowrap}"
    ".qz-att th{background:#f3f5f8;text-align:left;position:sticky;top:0;white-space:normal;vertical-align:bottom}"
    ".qz-att th::first-letter{text-transform:uppercase}"
    ".qz-att td:first-child{white-space:normal;min-width:12em;max-width:22em}"
    ".qz-att td:nth-child(2){white-space:normal;max-width:9em}"
    ".qz-att td.n{text-align:right;font-variant-numeric:tabular-nums}</style>")


def attainment_html(x: Explorer, first: list[str] | None = None) -> str:
    """The attainment table in the explorer's language: one row per numeric target, the indicators
    in ``first`` (those on the chart) leading; padded cells, a unit column, numbers as the plan
    writes them, the scenario's attainment and the current verdict side by side."""
    with i18n.using(x.lang):
        order = {c: i for i, c in enumerate(first or [])}
        rows = []
        for r in sorted(x.records(), key=lambda r: order.get(r["code"], len(order))):
            if r["target_year"] is None:
                continue
            cells = []
            for _, cell, numeric, markup in ATTAINMENT_COLUMNS:
                text = cell(r, x)
                cells.append(f"<td{' class=n' if numeric else ''}>{text if markup else html.escape(text)}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        tips = header_tips(x)
        head = "".join(f"<th title='{html.escape(tips[h], quote=True)}'>{html.escape(T(h))}</th>" if h in tips
                       else f"<th>{html.escape(T(h))}</th>" for h, *_ in ATTAINMENT_COLUMNS)
    return f"{TABLE_STYLE}<table class='qz-att'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def export_overview(x: Explorer, names: list[str], output_dir: str | Path, year: int,
                    codes: list[str] | None = None) -> dict[str, Path]:
    """Run the explorer's scenario and ``names`` on the explorer's inputs; write the comparison,
    each scenario's assumptions, paths and attainment, the values in ``year`` and a chart per
    scenario. Returns comparison, values (DataFrames), results and charts (by name), files."""
    from qzlib.atomic import staged_dir, write_csv
    from qzlib.paths import ROOT
    from qzlib.scenarios.plot import PathsFigure

    if year not in x.years:
        raise InputError.one(where="parameter year", field="year", value=year,
                             expected=f"a year of the plan's scenario paths, from {x.years[0]} to {x.years[-1]}")
    out = paths.output_path(output_dir)
    out = out if out.is_absolute() else ROOT / out
    stem = x.base.file.stem if x.base.file else x.base.name
    names = list(dict.fromkeys([stem, *names]))
    results = [x.engine.run(load(n, x.scenarios_dir)) for n in names]
    table = compare(results)
    at_year = pd.DataFrame({"code": x.prepared.codes,
                            "name_zh": [x.prepared.info[c].name_zh for c in x.prepared.codes],
                            "unit": [x.prepared.info[c].unit for c in x.prepared.codes],
                            **{r.name: r.paths[year].to_numpy() for r in results}})
    with staged_dir(out) as stage:
        write_csv(table, stage / "scenario_comparison.csv")
        write_csv(at_year, stage / f"scenario_values_{year}.csv")
        for r in results:
            write_csv(r.assumptions_table(), stage / f"scenario_{r.name}_assumptions.csv")
            write_csv(r.attainment, stage / f"scenario_{r.name}_attainment.csv")
            write_csv(r.long(), stage / f"scenario_{r.name}_paths.csv")
            with i18n.using(x.lang):
                chart = PathsFigure(r, codes, title=T("情景：{name}", name=x.title_of(r.name)))
            (stage / f"scenario_{r.name}_paths.png").write_bytes(chart.png(dpi=110))
        names_written = sorted(p.name for p in stage.iterdir())
    return {"comparison": table, "values": at_year, "results": {r.name: r for r in results},
            "charts": {r.name: out / f"scenario_{r.name}_paths.png" for r in results},
            "files": {n: out / n for n in names_written}}


def _names(x: Explorer, codes) -> list[str]:
    return [x.prepared.info[c].name if c in x.prepared.info else c for c in codes]


def comparison_view(table: pd.DataFrame, x: Explorer) -> pd.DataFrame:
    """The scenario comparison for reading, in the explorer's language: one column per scenario (by
    its name for readers) saying 达成/未达成 with the gap to the target, numbers as the plan writes them."""
    with i18n.using(x.lang):
        names = [c for c in table.columns if f"{c}_value" in table.columns]
        kinds = [_kind(x, c) for c in table["code"]]
        out = pd.DataFrame({T("指标"): _names(x, table["code"]), T("单位"): [i18n.term("unit", u) for u in table["unit"]],
                            T("目标年"): table["target_year"],
                            T("目标值"): [quantity(v, k) for v, k in zip(table["target"], kinds)]})
        for n in names:
            cells = []
            for st, v, gp, k in zip(table[n], table[f"{n}_value"], table[f"{n}_gap_pct"], kinds):
                status = T(STATUS_ZH[st]) if st in STATUS_ZH else st
                if st == "no_path" or not np.isfinite(v):
                    cells.append(status)
                else:
                    cells.append(T("{status}：{value}（{gap}%）", status=status, value=quantity(v, k),
                                   gap="0.0" if abs(gp) < 0.05 else f"{gp:+.1f}"))
            out[x.title_of(n)] = cells
    return out


def values_view(values: pd.DataFrame, x: Explorer) -> pd.DataFrame:
    """Every indicator's value in one year under each scenario (— where a scenario has no path)."""
    with i18n.using(x.lang):
        names = [c for c in values.columns if c not in ("code", "name_zh", "unit")]
        kinds = [_kind(x, c) for c in values["code"]]
        out = pd.DataFrame({T("指标"): _names(x, values["code"]), T("单位"): [i18n.term("unit", u) for u in values["unit"]]})
        for n in names:
            out[x.title_of(n)] = [quantity(v, k) for v, k in zip(values[n], kinds)]
    return out


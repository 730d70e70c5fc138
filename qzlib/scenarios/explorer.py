"""The interactive scenario explorer: state and callbacks, testable without a browser.

:class:`Explorer` holds the chosen scenario and the slider overrides; every method the
widgets call is plain Python (set a growth, set a component, switch scenario, save as a
scenario file). :class:`ExplorerUI` only wires ipywidgets to those methods; it redraws
the chart by moving the existing lines (``set_ydata``) and swapping the bytes of one
``Image`` widget, so the page never blanks (no flicker).
"""
from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import catalogue, paths
from qzlib.atomic import atomic_file
from qzlib.errors import InputError
from qzlib.paths import SCENARIOS
from qzlib.scenarios.engine import (COMPONENT_ZH, STATUS_ZH, YEARS, Engine, ScenarioResult,
                                    attainment_records)
from qzlib.scenarios.schema import Scenario, component_names, dependants, list_files, load, parse

DEFAULT_CODES = ["per_mu_value_added", "per_mu_tax", "mfg_labour_productivity", "rd_intensity",
                 "high_new_tech_share", "digital_core_va"]
EXPLORER_NOTE = "交互式探索器中设定"


class Explorer:
    """Scenario state behind the widgets. All rates are fractions (0.07 = 7 %)."""

    def __init__(self, points: pd.DataFrame, observations: pd.DataFrame | None = None,
                 scenarios_dir: str | Path | None = None, scenario: str = "plan_path",
                 processed_dir: str | Path | None = None):
        self.engine = Engine(points, observations, processed_dir)
        self.prepared = self.engine.prepared
        self.scenarios_dir = Path(scenarios_dir) if scenarios_dir else SCENARIOS
        self.names = [p.stem for p in list_files(self.scenarios_dir)]
        self.indicator_overrides: dict[str, dict] = {}
        self.component_overrides: dict[str, float] = {}
        self.select_scenario(scenario)

    # -- state changes the widgets call --------------------------------------------------
    def select_scenario(self, name: str) -> ScenarioResult:
        """Switch to a shipped (or saved) scenario; clears every slider override."""
        self.base = load(name, self.scenarios_dir)
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        return self.recompute()

    def slider_kind(self, code: str) -> str:
        """'points_per_year' for shares and declines (in points), else 'growth'."""
        return "points_per_year" if catalogue.get(code).kind in {"share", "decline"} else "growth"

    def set_indicator(self, code: str, value: float) -> ScenarioResult:
        """Override one indicator with a yearly growth (fraction) or points per year."""
        if self.prepared.info[code].reason:
            raise InputError.one(where=f"assumptions.{code}", expected=f"an indicator with a path "
                                 f"({self.prepared.info[code].reason})")
        if self.driver(code) == "components":
            comps = ", ".join(catalogue.get(code).components.values())
            raise InputError.one(where=f"assumptions.{code}", value=value,
                                 expected=f"a change to its components ({comps}): {code} is computed from them")
        self.indicator_overrides[code] = {self.slider_kind(code): float(value)}
        return self.recompute()

    def set_component(self, name: str, growth: float) -> ScenarioResult:
        """Override a component's yearly growth; every ratio containing it follows."""
        if name not in component_names():
            raise InputError.one(where=f"components.{name}", value=name,
                                 expected=f"one of {', '.join(component_names())}")
        self.component_overrides[name] = float(growth)
        return self.recompute()

    def reset(self) -> ScenarioResult:
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        return self.recompute()

    # -- the merged scenario -----------------------------------------------------------------
    def scenario(self) -> Scenario:
        """The base scenario with the overrides applied (components win over their ratios)."""
        note = f"{EXPLORER_NOTE}（基于情景 {self.base.name}）"
        components = {k: dict(v) for k, v in self.base.components.items()}
        for name, g in self.component_overrides.items():
            components[name] = {"growth": g, "rationale": note}
        assumptions = {k: dict(v) for k, v in self.base.assumptions.items()}
        for code, spec in self.indicator_overrides.items():
            assumptions[code] = {**spec, "rationale": note}
        for name in components:
            for code in dependants(name):
                assumptions.pop(code, None)
        return Scenario(name=self.base.name, description=self.base.description, author=self.base.author,
                        base_year=self.base.base_year, assumptions=assumptions, components=components,
                        file=self.base.file)

    def driver(self, code: str) -> str:
        comps = catalogue.get(code).components.values()
        declared = set(self.base.components) | set(self.component_overrides)
        return "components" if any(c in declared for c in comps) else "indicator"

    def recompute(self) -> ScenarioResult:
        """Paths and attainment for all 16 indicators (numpy only; no assumptions text)."""
        self.result = self.engine.compute(self.scenario())
        return self.result

    # -- what the widgets show -----------------------------------------------------------
    def records(self) -> list[dict]:
        r = self.result
        return attainment_records(self.prepared, r.values, r.bands, r.reasons)

    def implied_rate(self, code: str) -> float:
        """The current path's yearly pace from the base year to its last year (slider position)."""
        i = self.prepared.index[code]
        y = self.result.values[i]
        ok = np.nonzero(np.isfinite(y))[0]
        base = self.prepared.info[code].base
        if len(ok) < 2 or not np.isfinite(base):
            return 0.0
        last = ok[-1]
        n = YEARS[last] - self.base.base_year
        if self.slider_kind(code) == "points_per_year":
            return float((y[last] - base) / n)
        return float((y[last] / base) ** (1 / n) - 1) if base > 0 and y[last] > 0 else 0.0

    def component_rate(self, name: str) -> float:
        if name in self.component_overrides:
            return self.component_overrides[name]
        spec = self.base.components.get(name, {})
        return float(spec.get("growth", 0.0))

    def slider_spec(self, code: str) -> dict:
        """Label, unit and range for an indicator's slider (growth in %, points in the unit)."""
        info = self.prepared.info[code]
        kind = self.slider_kind(code)
        value = self.implied_rate(code)
        if kind == "growth":
            top = max(0.30, math.ceil(value * 1.5 * 20) / 20)
            return {"code": code, "kind": kind, "label": info.name_zh, "unit": "%/年", "scale": 100.0,
                    "min": -0.10, "max": top, "step": 0.0025, "value": value}
        top = max(3.0, math.ceil(value * 1.5))
        return {"code": code, "kind": kind, "label": info.name_zh, "unit": f"{info.unit}/年" if info.unit != "%"
                else "个百分点/年", "scale": 1.0, "min": -2.0, "max": float(top), "step": 0.05, "value": value}

    def adjustable(self) -> list[str]:
        """Codes that can carry a path (a baseline and numeric targets)."""
        return [c for c in self.prepared.codes if not self.prepared.info[c].reason]

    def table_html(self) -> str:
        """The attainment table as a small HTML table (fast: no pandas)."""
        rows = []
        for r in self.records():
            if r["target_year"] is None:
                continue
            status = STATUS_ZH[r["status"]]
            colour = {"met": "#1e7b34", "missed": "#b03a2e", "no_path": "#777"}[r["status"]]
            if r["status"] == "no_path":
                val = gap = first = "—"
            else:
                val = f"{r['value']:.4g}"
                g = r["gap_abs"] if abs(r["gap_abs"]) > 1e-9 * max(1.0, abs(r["target"])) else 0.0
                gap = f"{g:+.3g}（{r['gap_pct']:+.1f}%）"
                first = str(r["first_year_reached"]) if r["first_year_reached"] else "至2030年未达到"
            rows.append(f"<tr><td>{html.escape(r['name_zh'])}</td><td>{r['target_year']}</td>"
                        f"<td>{r['target']:.4g}</td><td>{val}</td><td>{gap}</td><td>{first}</td>"
                        f"<td style='color:{colour}'>{status}</td></tr>")
        head = "".join(f"<th>{h}</th>" for h in ["指标", "目标年", "目标", "情景值", "差距", "首次达到", "判断"])
        return (f"<table style='font-size:12px;border-collapse:collapse;"
                f"font-family:\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif'><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    # -- save ----------------------------------------------------------------------------
    def save_as(self, name: str, description: str | None = None, author: str = "交互式探索器",
                folder: str | Path | None = None, overwrite: bool = False) -> Path:
        """Write the current settings as a scenario YAML (validated before writing)."""
        folder = Path(folder) if folder else self.scenarios_dir
        path = folder / f"{name}.yml"
        if path.exists() and not overwrite:
            raise InputError.one(file=str(path), value=name,
                                 expected="a new scenario name (a file of that name exists)")
        merged = self.scenario()
        changes = [f"{self.prepared.info[c].name_zh} {_rate_zh(s)}" for c, s in self.indicator_overrides.items()]
        changes += [f"{COMPONENT_ZH.get(k, k)} 年均增长 {g * 100:.2f}%" for k, g in self.component_overrides.items()]
        text_desc = description or (f"基于情景 {self.base.name}，在交互式探索器中调整："
                                    + ("；".join(changes) if changes else "未作调整"))
        out = Scenario(name=name, description=text_desc, author=author, base_year=merged.base_year,
                       assumptions=merged.assumptions, components=merged.components)
        text = out.to_yaml()
        parse(text, path)  # refuse to write a file the batch could not run
        with atomic_file(path) as fh:
            fh.write(text)
        if path.parent.resolve() == self.scenarios_dir.resolve() and name not in self.names:
            self.names = [p.stem for p in list_files(self.scenarios_dir)]
        return path


def _rate_zh(spec: dict) -> str:
    if "growth" in spec:
        return f"年均增长 {spec['growth'] * 100:.2f}%"
    return f"每年 {spec['points_per_year']:+.2f}"


class ExplorerUI:
    """ipywidgets around an :class:`Explorer`: choose indicators, move sliders, switch, save."""

    def __init__(self, explorer: Explorer, codes: list[str] | None = None):
        import ipywidgets as w

        from qzlib.scenarios.plot import PathsFigure

        self.x = explorer
        self._PathsFigure = PathsFigure
        self._syncing = False
        ok = explorer.adjustable()
        self.codes = [c for c in (codes or DEFAULT_CODES) if c in ok] or ok[:6]
        self.scenario = w.Dropdown(options=explorer.names, value=explorer.base.name, description="情景")
        self.pick = w.SelectMultiple(options=[(explorer.prepared.info[c].name_zh, c) for c in ok],
                                     value=tuple(self.codes), rows=8, description="指标")
        self.sliders = {}
        for code in ok:
            s = w.FloatSlider(description="", continuous_update=False, readout_format=".2f",
                              layout=w.Layout(width="420px"))
            s.observe(lambda ch, c=code: self._on_indicator(c, ch), names="value")
            self.sliders[code] = s
        self.comp_sliders = {}
        for name in component_names():
            s = w.FloatSlider(min=-10, max=20, step=0.25, description="", continuous_update=False,
                              readout_format=".2f", layout=w.Layout(width="420px"))
            s.observe(lambda ch, n=name: self._on_component(n, ch), names="value")
            self.comp_sliders[name] = s
        self.labels = {c: w.HTML() for c in ok}
        rows_ind = [w.HBox([w.HTML(f"<div style='width:260px'>{explorer.prepared.info[c].name_zh}</div>"),
                            self.sliders[c], self.labels[c]]) for c in ok]
        rows_comp = [w.HBox([w.HTML(f"<div style='width:260px'>{COMPONENT_ZH.get(n, n)}（%/年）</div>"),
                             self.comp_sliders[n]]) for n in component_names()]
        self.reset_btn = w.Button(description="重置")
        self.name_box = w.Text(value="my_scenario", description="文件名")
        self.save_btn = w.Button(description="另存为情景", button_style="primary")
        self.status = w.HTML()
        self.chart = w.Image(format="png")
        self.table = w.HTML()
        acc = w.Accordion(children=[w.VBox(rows_ind), w.VBox(rows_comp)])
        acc.set_title(0, "指标年均速度")
        acc.set_title(1, "分项（增加值、用地等）年均增速")
        self.scenario.observe(self._on_scenario, names="value")
        self.pick.observe(self._on_pick, names="value")
        self.reset_btn.on_click(lambda _b: self._after(self.x.reset()))
        self.save_btn.on_click(self._on_save)
        self.widget = w.VBox([w.HBox([self.scenario, self.reset_btn]), self.pick, acc,
                              w.HBox([self.name_box, self.save_btn]), self.status, self.chart, self.table])
        self.figure = None
        self._new_figure()
        self._after(self.x.result)

    # -- callbacks ------------------------------------------------------------------------
    def _on_indicator(self, code, change):
        if self._syncing:
            return
        spec = self.x.slider_spec(code)
        self._guard(lambda: self.x.set_indicator(code, change["new"] / spec["scale"]))

    def _on_component(self, name, change):
        if not self._syncing:
            self._guard(lambda: self.x.set_component(name, change["new"] / 100.0))

    def _on_scenario(self, change):
        self._guard(lambda: self.x.select_scenario(change["new"]))

    def _on_pick(self, change):
        self.codes = list(change["new"]) or self.codes
        self._new_figure()
        self._after(self.x.result)

    def _on_save(self, _button):
        try:
            path = self.x.save_as(self.name_box.value.strip())
            self.status.value = f"已保存：{html.escape(str(path))}"
            self.scenario.options = self.x.names
        except InputError as exc:
            self.status.value = f"<span style='color:#b03a2e'>{html.escape(str(exc))}</span>"

    def _guard(self, fn):
        try:
            self._after(fn())
            self.status.value = ""
        except InputError as exc:
            self.status.value = f"<span style='color:#b03a2e'>{html.escape(str(exc))}</span>"

    # -- drawing ---------------------------------------------------------------------------
    def _new_figure(self):
        self.figure = self._PathsFigure(self.x.result, self.codes)
        self.figure.freeze_layout()

    def _sync_sliders(self):
        self._syncing = True
        try:
            for code, s in self.sliders.items():
                spec = self.x.slider_spec(code)
                k = spec["scale"]
                s.min, s.max, s.step = spec["min"] * k, spec["max"] * k, spec["step"] * k
                s.value = spec["value"] * k
                s.disabled = self.x.driver(code) == "components"
                self.labels[code].value = (spec["unit"] + ("（由分项推算）" if s.disabled else ""))
            for name, s in self.comp_sliders.items():
                s.value = self.x.component_rate(name) * 100
        finally:
            self._syncing = False

    def _after(self, result):
        self._sync_sliders()
        from qzlib.scenarios.plot import scenario_label

        self.figure.update(result, title=scenario_label(self.x.base)
                           + ("，已调整" if self.x.indicator_overrides or self.x.component_overrides else ""))
        self.chart.value = self.figure.png()
        self.table.value = self.x.table_html()


def open_explorer(processed_dir: str | Path | None = None, scenario: str = "plan_path") -> Explorer:
    """An explorer on the processed plan tables; statistics are read only if a scenario needs them."""
    from qzlib.scenarios.engine import plan_points

    return Explorer(plan_points(processed_dir or None), None, scenario=scenario, processed_dir=processed_dir or None)


def export_overview(x: Explorer, names: list[str], output_dir: str | Path, year: int,
                    codes: list[str] | None = None) -> dict[str, Path]:
    """Run the explorer's scenario and ``names`` on the explorer's inputs; write the comparison,
    each scenario's assumptions, paths and attainment, the values in ``year`` and a chart per
    scenario. Returns comparison, values (DataFrames), results and charts (by name), files."""
    from qzlib.atomic import staged_dir, write_csv
    from qzlib.paths import ROOT
    from qzlib.scenarios.engine import compare
    from qzlib.scenarios.plot import PathsFigure

    if year not in YEARS:
        raise InputError.one(where="parameter year", value=year,
                             expected=f"a year from {YEARS[0]} to {YEARS[-1]}")
    out = paths.output_path(output_dir)
    out = out if out.is_absolute() else ROOT / out
    names = list(dict.fromkeys([x.base.name, *names]))
    results = [x.engine.run(load(n, x.scenarios_dir)) for n in names]
    table = compare(results)
    at_year = pd.DataFrame({"code": x.prepared.codes,
                            "name_zh": [x.prepared.info[c].name_zh for c in x.prepared.codes],
                            "unit": [x.prepared.info[c].unit for c in x.prepared.codes],
                            **{r.name: r.paths[year].to_numpy() for r in results}})
    written = {}
    with staged_dir(out) as stage:
        write_csv(table, stage / "scenario_comparison.csv")
        write_csv(at_year, stage / f"scenario_values_{year}.csv")
        for r in results:
            write_csv(r.assumptions_table(), stage / f"scenario_{r.name}_assumptions.csv")
            write_csv(r.attainment, stage / f"scenario_{r.name}_attainment.csv")
            write_csv(r.long(), stage / f"scenario_{r.name}_paths.csv")
            (stage / f"scenario_{r.name}_paths.png").write_bytes(
                PathsFigure(r, codes).png(dpi=110))
        names_written = sorted(p.name for p in stage.iterdir())
    for n in names_written:
        written[n] = out / n
    return {"comparison": table, "values": at_year, "results": {r.name: r for r in results},
            "charts": {r.name: out / f"scenario_{r.name}_paths.png" for r in results}, "files": written}

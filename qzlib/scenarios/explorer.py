"""The interactive scenario explorer: state and callbacks, testable without a browser.

:class:`Explorer` holds the chosen scenario and the slider overrides; every method the
widgets call is plain Python (set a growth, set a component, switch scenario, save as a
scenario file) and leaves a Chinese sentence in :attr:`Explorer.note` saying what it did,
so nothing happens silently. :class:`ExplorerUI` only wires ipywidgets to those methods,
laid out as a dashboard (controls at the side, chart and table beside them, one screen
at 1366×768); it redraws the chart by moving the existing lines and swapping the bytes of
one ``Image`` widget, so the page never blanks.

Switching a ratio indicator (亩均增加值 = 增加值 ÷ 用地) to components starts the other
components where they keep the ratio on its current path (an ``index`` per year, written
to the saved file as such), instead of holding them at the base-year level.
"""
from __future__ import annotations

import html
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import paths, rules
from qzlib.atomic import atomic_file
from qzlib.errors import InputError
from qzlib.paths import SCENARIOS
from qzlib.fmt import num
from qzlib.scenarios import (COMPONENT_ZH, STATUS_ZH, Engine, ScenarioResult, attainment_records,
                             components)
from qzlib.scenarios.schema import Scenario, component_names, dependants, list_files, load, parse

DEFAULT_CODES = ["per_mu_value_added", "per_mu_tax", "mfg_labour_productivity", "rd_intensity",
                 "high_new_tech_share", "digital_core_va"]
EXPLORER_NOTE = "交互式探索器中设定"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
NAME_HINT = "文件名只能用小写英文字母、数字和下划线，以字母开头（如 va7_land_flat）；中文名称请填在“名称”里"
COMPONENT_RANGE = (-0.10, 0.35)  # component sliders, yearly growth (fraction); fixed, never jumps


def scenario_title(s: Scenario) -> str:
    """The scenario's Chinese name: the description's lead words before '：' (else its file name)."""
    head = s.description.split("：", 1)[0].strip()
    return head if 0 < len(head) <= 20 else s.name


def _pct(rate: float) -> str:
    return f"{rate * 100:.2f}%"


class Explorer:
    """Scenario state behind the widgets. All rates are fractions (0.07 = 7 %)."""

    def __init__(self, points: pd.DataFrame, observations: pd.DataFrame | None = None,
                 scenarios_dir: str | Path | None = None, scenario: str = "plan_path",
                 processed_dir: str | Path | None = None, region: str | None = None):
        self.engine = Engine(points, observations, processed_dir, region)
        self.prepared = self.engine.prepared
        self.years = self.engine.years   # the plan's years: its baseline … three years after its period
        self.scenarios_dir = Path(scenarios_dir) if scenarios_dir else SCENARIOS
        self.indicator_overrides: dict[str, dict] = {}
        self.component_overrides: dict[str, dict] = {}  # name -> {"growth": g} or {"index": {...}}
        self.note = ""
        self._refresh_names()
        self.select_scenario(scenario)

    def _refresh_names(self) -> None:
        self.names = [p.stem for p in list_files(self.scenarios_dir)]
        self.titles = {}
        for n in self.names:
            try:
                self.titles[n] = scenario_title(load(n, self.scenarios_dir, self.years))   # on this plan's years
            except InputError:
                self.titles[n] = f"{n}（文件有误）"

    def options(self) -> list[tuple[str, str]]:
        """(Chinese label, file name) for a dropdown: '规划路径情景（plan_path）'."""
        return [(self.titles[n] if self.titles[n].startswith(n) else f"{self.titles[n]}（{n}）", n)
                for n in self.names]

    # -- state changes the widgets call --------------------------------------------------
    def select_scenario(self, name: str) -> ScenarioResult:
        """Switch to a shipped (or saved) scenario; clears every slider override."""
        self.base = self.engine.resolved(load(name, self.scenarios_dir))   # base year: the plan's if unset
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        self.note = f"已切换到情景“{scenario_title(self.base)}”，滑块回到该情景的设定。"
        return self.recompute()

    def slider_kind(self, code: str) -> str:
        """'points_per_year' for shares and declines (in points), else 'growth'."""
        return "points_per_year" if self.prepared.info[code].kind in {"share", "decline"} else "growth"

    def set_indicator(self, code: str, value: float) -> ScenarioResult:
        """Override one indicator with a yearly growth (fraction) or points per year."""
        info = self.prepared.info[code]
        if info.reason:
            raise InputError.one(where=f"assumptions.{code}",
                                 expected=f"“{info.name_zh}”没有路径，不能设定（{info.reason}）")
        if self.driver(code) == "components":
            comps = "、".join(COMPONENT_ZH[c] for c in components(code).values())
            raise InputError.one(where=f"assumptions.{code}", value=value,
                                 expected=f"“{info.name_zh}”由分项推算（components），请调整分项：{comps}")
        kind = self.slider_kind(code)
        self.indicator_overrides[code] = {kind: float(value)}
        self.note = f"{info.name_zh}：{_rate_zh(self.indicator_overrides[code])}。"
        return self.recompute()

    def set_component(self, name: str, growth: float) -> ScenarioResult:
        """Override a component's yearly growth; every ratio containing it follows.

        A ratio that was on its own path until now keeps that path: its other components
        start where they reproduce it (said in :attr:`note`)."""
        if name not in component_names():
            raise InputError.one(where=f"components.{name}", value=name,
                                 expected=f"one of {', '.join(component_names())}")
        before = self.result.values
        was = self.declared()
        declared = was | {name}
        self.component_overrides[name] = {"growth": float(growth)}
        said = [f"{COMPONENT_ZH[name]}：年均增长 {_pct(growth)}。"]
        queue, done = [name], set()
        while queue:
            comp = queue.pop(0)
            for code in dependants(comp):
                if code in done or self.prepared.info[code].reason:
                    continue
                done.add(code)
                if any(c in was for c in components(code).values()):
                    continue  # already computed from components before this change
                said += self._keep_path(code, before, declared, queue)
        self.note = "".join(said)
        return self.recompute()

    def _keep_path(self, code: str, before: np.ndarray, declared: set, queue: list) -> list[str]:
        """Index the undeclared components of ``code`` so that it stays on ``before``'s path."""
        info = self.prepared.info[code]
        comps = components(code)
        num_name, den_name = comps["numerator"], comps["denominator"]
        said = []
        dropped = self.indicator_overrides.pop(code, None)
        if dropped:
            said.append(f"{info.name_zh}原设定（{_rate_zh(dropped)}）改由分项承接。")
        path = before[self.prepared.index[code]]
        rel = path / info.base
        t = self.years - self.base.base_year
        other = [c for c in (num_name, den_name) if c not in declared]
        if not other:
            return said
        c = other[0]
        ok = np.isfinite(rel) & (t > 0) & (rel > 0)
        if not ok.any():
            said.append(f"{info.name_zh}此前没有路径，{COMPONENT_ZH[c]}按基期水平不变计算。")
            declared.add(c)
            return said
        if c == num_name:  # numerator = ratio path × denominator
            den = self._component_index(den_name)
            idx = rel * den
        else:  # denominator = numerator ÷ ratio path
            idx = self._component_index(num_name) / rel
        keep = ok & np.isfinite(idx) & (idx > 0)
        spec = {"index": {int(y): round(float(v), 9) for y, v in zip(self.years[keep], idx[keep])}, "after": "stop"}
        self.component_overrides[c] = spec
        declared.add(c)
        queue.append(c)
        last = int(self.years[keep][-1])
        said.append(f"为使{info.name_zh}保持当前路径，{COMPONENT_ZH[c]}按该路径推算"
                    f"（{self.base.base_year}—{last}年年均 {_pct(self.component_rate(c))}），拖动它即可改变{info.name_zh}。")
        return said

    def _component_index(self, name: str) -> np.ndarray:
        spec = self.component_overrides.get(name) or self.base.components.get(name)
        if not spec:
            return np.ones(len(self.years))
        return self.engine.component_index(name, spec, self.base.base_year, self.base.file)

    def reset(self) -> ScenarioResult:
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        self.note = f"已恢复情景“{scenario_title(self.base)}”的原始设定。"
        return self.recompute()

    # -- the merged scenario -----------------------------------------------------------------
    def declared(self) -> set[str]:
        return set(self.base.components) | set(self.component_overrides)

    def scenario(self) -> Scenario:
        """The base scenario with the overrides applied (components win over their ratios)."""
        note = f"{EXPLORER_NOTE}（基于情景 {self.base.name}）"
        components = {k: dict(v) for k, v in self.base.components.items()}
        for name, spec in self.component_overrides.items():
            why = "保持比率指标在调整前的路径上（交互式探索器推算）" if "index" in spec else note
            components[name] = {**spec, "rationale": why}
        assumptions = {k: dict(v) for k, v in self.base.assumptions.items()}
        for code, spec in self.indicator_overrides.items():
            assumptions[code] = {**spec, "rationale": note}
        for name in components:
            for code in dependants(name):
                assumptions.pop(code, None)
        return Scenario(name=self.base.name, description=self.base.description, author=self.base.author,
                        base_year=self.base.base_year, assumptions=assumptions, components=components,
                        file=self.base.file, others=self.base.others)

    def driver(self, code: str) -> str:
        comps = components(code).values()
        return "components" if any(c in self.declared() for c in comps) else "indicator"

    def recompute(self) -> ScenarioResult:
        """Paths and attainment for all 16 indicators (numpy only; no assumptions text)."""
        self.result = self.engine.compute(self.scenario())
        return self.result

    # -- what the widgets show -----------------------------------------------------------
    def records(self) -> list[dict]:
        r = self.result
        return attainment_records(self.prepared, r.values, r.bands, r.reasons)

    def _rate_of(self, code: str, y: np.ndarray) -> float:
        ok = np.nonzero(np.isfinite(y))[0]
        base = self.prepared.info[code].base
        if len(ok) < 2 or not np.isfinite(base):
            return float("nan")
        last = ok[-1]
        n = self.years[last] - self.base.base_year
        if n <= 0:
            return float("nan")
        pts, growth = rules.pace(base, self.base.base_year, y[last], int(self.years[last]))
        return float(pts if self.slider_kind(code) == "points_per_year" else growth)

    def implied_rate(self, code: str) -> float:
        """The current path's yearly pace from the base year to its last year (slider position);
        NaN when the indicator has no path in this scenario."""
        return self._rate_of(code, self.result.values[self.prepared.index[code]])

    def component_rate(self, name: str) -> float:
        """A declared component's yearly growth (an index's average pace); NaN when not declared."""
        spec = self.component_overrides.get(name) or self.base.components.get(name)
        if not spec:
            return float("nan")
        if "growth" in spec:
            return float(spec["growth"])
        idx = self._component_index(name)
        ok = np.nonzero(np.isfinite(idx))[0]
        n = self.years[ok[-1]] - self.base.base_year if len(ok) else 0
        return rules.cagr(1.0, idx[ok[-1]], n) if n > 0 else float("nan")

    def slider_spec(self, code: str) -> dict:
        """Label, unit and a fixed range for an indicator's slider (from the plan's own pace, so the
        range never moves while the user drags); value is the current path's pace."""
        info = self.prepared.info[code]
        kind = self.slider_kind(code)
        plan = self._rate_of(code, self.prepared.plan[self.prepared.index[code]])
        plan = 0.0 if not np.isfinite(plan) else plan
        value = self.implied_rate(code)
        if kind == "growth":
            top = max(0.30, math.ceil(plan * 1.5 * 20) / 20)
            return {"code": code, "kind": kind, "label": info.name_zh, "unit": "%/年", "scale": 100.0,
                    "min": -0.10, "max": top, "step": 0.0025, "value": value}
        top = max(3.0, float(math.ceil(plan * 1.5)))
        return {"code": code, "kind": kind, "label": info.name_zh,
                "unit": f"{info.unit}/年" if info.unit != "%" else "百分点/年", "scale": 1.0,
                "min": -2.0, "max": top, "step": 0.05, "value": value}

    def adjustable(self) -> list[str]:
        """Codes that can carry a path (a baseline and numeric targets)."""
        return [c for c in self.prepared.codes if not self.prepared.info[c].reason]

    def table_html(self, first: list[str] | None = None) -> str:
        """The attainment table: padded cells, a unit column, numbers as the plan writes them;
        the indicators in ``first`` (those on the chart) lead."""
        rows = []
        order = {c: i for i, c in enumerate(first or [])}
        for r in sorted(self.records(), key=lambda r: order.get(r["code"], len(order))):
            if r["target_year"] is None:
                continue
            colour = {"met": "#1e7b34", "missed": "#b03a2e", "no_path": "#777"}[r["status"]]
            if r["status"] == "no_path":
                val = gap = gap_pct = first = "—"
            else:
                val = num(r["value"])
                g = r["gap_abs"] if abs(r["gap_abs"]) > 1e-9 * max(1.0, abs(r["target"])) else 0.0
                gap = ("+" if g > 0 else "") + num(g)
                gp = r["gap_pct"] if g else 0.0
                gap_pct = "—" if not np.isfinite(gp) else "0.0%" if abs(gp) < 0.05 else f"{gp:+.1f}%"
                first = f"{r['first_year_reached']}年" if r["first_year_reached"] else f"至{self.years[-1]}年仍未达到"
            rows.append(f"<tr><td>{html.escape(r['name_zh'])}</td><td>{html.escape(r['unit'])}</td>"
                        f"<td class='n'>{r['target_year']}</td><td class='n'>{num(r['target'])}</td>"
                        f"<td class='n'>{val}</td><td class='n'>{gap}</td><td class='n'>{gap_pct}</td>"
                        f"<td>{first}</td><td style='color:{colour};font-weight:bold'>{STATUS_ZH[r['status']]}</td></tr>")
        head = "".join(f"<th>{h}</th>" for h in ["指标", "单位", "目标年", "目标值", "情景值", "差距", "差距率",
                                                 "首次达到", "判断"])
        style = ("<style>.qz-att{border-collapse:collapse;font-size:12px;"
                 "font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif}"
                 ".qz-att th,.qz-att td{padding:3px 8px !important;line-height:1.3;border-bottom:1px solid #e3e3e3;white-space:nowrap}"
                 ".qz-att th{background:#f3f5f8;text-align:left;position:sticky;top:0}"
                 ".qz-att td.n{text-align:right;font-variant-numeric:tabular-nums}</style>")
        return f"{style}<table class='qz-att'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

    # -- save ----------------------------------------------------------------------------
    def save_as(self, name: str, description: str | None = None, author: str = "交互式探索器",
                folder: str | Path | None = None, overwrite: bool = False, title: str = "") -> Path:
        """Write the current settings as a scenario YAML (validated before writing).

        ``title`` (Chinese allowed) becomes the description's lead words, which the dropdown shows."""
        folder = Path(folder) if folder else self.scenarios_dir
        if not NAME_PATTERN.match(name or ""):
            raise InputError.one(where="文件名", value=name, expected=NAME_HINT)
        path = folder / f"{name}.yml"
        if path.exists() and not overwrite:
            raise InputError.one(file=str(path), value=name,
                                 expected=f"一个新的文件名：已有同名情景文件 {name}.yml（a file of that name exists）")
        merged = self.scenario()
        changes = [f"{self.prepared.info[c].name_zh} {_rate_zh(s)}" for c, s in self.indicator_overrides.items()]
        changes += [f"{COMPONENT_ZH.get(k, k)} {_rate_zh(s) if 'growth' in s else '按原比率路径推算'}"
                    for k, s in self.component_overrides.items()]
        lead = (title.strip().replace("：", " ") if title and title.strip() else name)
        text_desc = description or (f"{lead}：基于情景“{scenario_title(self.base)}”（{self.base.name}），在交互式探索器中调整："
                                    + ("；".join(changes) if changes else "未作调整"))
        out = Scenario(name=name, description=text_desc, author=author, base_year=merged.base_year,
                       assumptions=merged.assumptions, components=merged.components, others=merged.others)
        text = out.to_yaml()
        parse(text, path, self.years)  # refuse to write a file the batch could not run on this plan
        with atomic_file(path) as fh:
            fh.write(text)
        if path.parent.resolve() == self.scenarios_dir.resolve():
            self._refresh_names()
        self.note = f"已保存为情景“{scenario_title(out)}”：{_shown(path)}。批处理可直接运行：qz brief --scenario {name}"
        return path


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _rate_zh(spec: dict) -> str:
    if "growth" in spec:
        return f"年均增长 {_pct(spec['growth'])}"
    return f"每年 {spec['points_per_year']:+.2f}"


def error_zh(exc: InputError) -> str:
    """An input error as one Chinese sentence for the page (the English detail stays in the log)."""
    p = exc.problems[0] if exc.problems else None
    if p is None:
        return str(exc)
    got = "" if p.value is None else f"（输入：{p.value}）"
    return f"{p.expected}{got}" if re.search(r"[\u4e00-\u9fff]", p.expected) else f"输入有误：{exc}"


class ExplorerUI:
    """ipywidgets around an :class:`Explorer`, laid out as a dashboard: the controls in a
    column at the left (scenario, message, sliders, save), the chart and the table at the right."""

    LEFT_WIDTH = "430px"
    HEIGHT = "700px"

    def _place(self) -> str:
        """The plan's place for the heading ('' when the plan's header is not at hand)."""
        try:
            return self.x.engine.region
        except Exception:  # no processed plan table (e.g. points handed in directly)
            return ""

    def __init__(self, explorer: Explorer, codes: list[str] | None = None, title: bool = False):
        import ipywidgets as w

        from qzlib.scenarios.plot import PathsFigure

        self.w = w
        self.x = explorer
        self._PathsFigure = PathsFigure
        self._syncing = False
        ok = explorer.adjustable()
        self.codes = [c for c in (codes or DEFAULT_CODES) if c in ok] or ok[:6]
        full = w.Layout(width="100%")
        self.scenario = w.Dropdown(options=explorer.options(), value=explorer.base.name,
                                   layout=w.Layout(width="auto", flex="1 1 auto"))
        self.scenario.add_class("qz-scenario")
        self.reset_btn = w.Button(description="重置", tooltip="恢复所选情景的原始设定",
                                  layout=w.Layout(width="64px"))
        self.status = w.HTML(layout=w.Layout(min_height="42px", width="100%"))
        self.status.add_class("qz-status")
        self.specs = {c: explorer.slider_spec(c) for c in ok}
        self.sliders, self.boxes, self.notes, rows = {}, {}, {}, []
        for code in ok:
            spec = self.specs[code]
            k = spec["scale"]
            s = w.FloatSlider(min=spec["min"] * k, max=spec["max"] * k, step=spec["step"] * k, readout=False,
                              continuous_update=False, layout=w.Layout(width="175px"))
            s.observe(lambda ch, c=code: self._on_indicator(c, ch), names="value")
            self.sliders[code] = s
            self.boxes[code] = self._box(lambda ch, c=code: self._typed(c, ch))
            self.notes[code] = w.HTML()
            rows.append(self._row(f"qz-ind-{code}", spec["label"], spec["unit"], s, self.boxes[code], self.notes[code]))
        self.comp_sliders, self.comp_boxes, self.comp_notes, comp_rows = {}, {}, {}, []
        lo, hi = COMPONENT_RANGE
        for name in component_names():
            s = w.FloatSlider(min=lo * 100, max=hi * 100, step=0.25, readout=False, continuous_update=False,
                              layout=w.Layout(width="175px"))
            s.observe(lambda ch, n=name: self._on_component(n, ch), names="value")
            self.comp_sliders[name] = s
            self.comp_boxes[name] = self._box(lambda ch, n=name: self._typed_component(n, ch))
            self.comp_notes[name] = w.HTML()
            comp_rows.append(self._row(f"qz-comp-{name}", COMPONENT_ZH[name], "%/年", s, self.comp_boxes[name],
                                       self.comp_notes[name]))
        head = "<div style='font-weight:bold;margin:6px 0 2px'>{}</div>"
        heads = [w.HTML(head.format(t), layout=w.Layout(flex="0 0 auto"))
                 for t in ("指标年均速度（比重类为每年百分点）", "分项年均增速（比率指标由分项推算）")]
        controls = w.VBox([heads[0], *rows, heads[1], *comp_rows],
                          layout=w.Layout(flex="1 1 auto", overflow="hidden auto", width="100%", min_height="120px"))
        controls.add_class("qz-controls")
        self.name_box = w.Text(value="", placeholder="文件名，如 va7_land_flat", layout=w.Layout(width="170px"))
        self.name_box.add_class("qz-name")
        self.title_box = w.Text(value="", placeholder="名称（可写中文）", layout=w.Layout(width="140px"))
        self.title_box.add_class("qz-title")
        self.save_btn = w.Button(description="另存为情景", button_style="primary", layout=w.Layout(width="96px"))
        self.save_btn.add_class("qz-save")
        hint = w.HTML(f"<div style='font-size:11px;color:#666;line-height:1.3'>{NAME_HINT}。"
                      f"保存到 {html.escape(_shown(explorer.scenarios_dir))}/，批处理可直接运行。</div>")
        self.pick = w.SelectMultiple(options=[(explorer.prepared.info[c].name_zh, c) for c in ok],
                                     value=tuple(self.codes), rows=3, layout=full)
        self.pick.add_class("qz-pick")
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", height="auto"))
        self.chart.add_class("qz-chart")
        self.table = w.HTML()
        self.table.add_class("qz-table")
        table_box = w.Box([self.table], layout=w.Layout(overflow="auto", flex="1 1 auto", width="100%"))
        heading = [w.HTML("<div style='font-size:15px;font-weight:bold;margin-bottom:4px'>"
                          f"{html.escape(self._place())}“415X”情景探索器：如果……，目标能否实现？</div>")] if title else []
        left = w.VBox([*heading, w.HBox([self.scenario, self.reset_btn], layout=full), self.status, controls,
                       w.HBox([self.name_box, self.title_box, self.save_btn], layout=full), hint,
                       w.HTML("<div style='font-size:12px;margin-top:4px'>图中显示的指标（按住 Ctrl 多选）</div>"),
                       self.pick],
                      layout=w.Layout(width=self.LEFT_WIDTH, height=self.HEIGHT, flex="0 0 auto",
                                      padding="0 10px 0 0", border_right="1px solid #ddd"))
        for child in left.children:
            if child is not controls:  # only the sliders scroll; everything else keeps its height
                child.layout.flex = "0 0 auto"
        left.add_class("qz-left")
        right = w.VBox([self.chart, table_box], layout=w.Layout(flex="1 1 auto", height=self.HEIGHT,
                                                                padding="0 0 0 10px", min_width="0"))
        right.add_class("qz-right")
        self.scenario.observe(self._on_scenario, names="value")
        self.pick.observe(self._on_pick, names="value")
        self.reset_btn.on_click(lambda _b: self._guard(self.x.reset))
        self.save_btn.on_click(self._on_save)
        self.widget = w.HBox([left, right], layout=w.Layout(width="100%", align_items="stretch"))
        self.widget.add_class("qz-explorer")
        self.figure = None
        self._new_figure()
        self._after(self.x.result)
        self.status.value = self._say("拖动滑块或在右侧方框中输入数值（按回车），图表和表格即时更新。")

    # -- building blocks ------------------------------------------------------------------
    def _box(self, handler):
        b = self.w.Text(value="", continuous_update=False, layout=self.w.Layout(width="58px"))
        b.observe(handler, names="value")
        return b

    def _row(self, cls, label, unit, slider, box, note):
        """One line per slider: name and unit, the slider, a box to type a number; a note below."""
        w = self.w
        name = w.HTML(f"<div style='font-size:12px;line-height:1.2'>{html.escape(label)}"
                      f"<span style='font-size:11px;color:#666'>（{html.escape(unit)}）</span></div>",
                      layout=w.Layout(width="170px"))
        row = w.VBox([w.HBox([name, slider, box], layout=w.Layout(align_items="center")), note],
                     layout=w.Layout(margin="0", flex="0 0 auto"))
        row.add_class(cls)
        return row

    @staticmethod
    def _say(text: str, error: bool = False) -> str:
        colour = "#b03a2e" if error else "#1f3b57"
        return (f"<div style='font-size:12px;line-height:1.35;color:{colour};background:"
                f"{'#fdecea' if error else '#eef4fa'};padding:4px 6px;border-radius:3px'>{html.escape(text)}</div>")

    # -- callbacks ------------------------------------------------------------------------
    def _on_indicator(self, code, change):
        if not self._syncing:
            self._guard(lambda: self.x.set_indicator(code, change["new"] / self.specs[code]["scale"]))

    def _on_component(self, name, change):
        if not self._syncing:
            self._guard(lambda: self.x.set_component(name, change["new"] / 100.0))

    def _typed(self, code, change):
        if self._syncing:
            return
        spec = self.specs[code]
        k = spec["scale"]
        v = self._read(change["new"], spec["min"] * k, spec["max"] * k, spec["unit"])
        if v is None:
            self._sync_sliders()
        else:
            self._guard(lambda: self.x.set_indicator(code, v / k))

    def _typed_component(self, name, change):
        if self._syncing:
            return
        lo, hi = COMPONENT_RANGE
        v = self._read(change["new"], lo * 100, hi * 100, "%/年")
        if v is None:
            self._sync_sliders()
        else:
            self._guard(lambda: self.x.set_component(name, v / 100.0))

    def _read(self, text, lo, hi, unit):
        """A typed number inside the slider's range, or None after saying why it was not used."""
        t = str(text).strip().rstrip("%").strip()
        try:
            v = float(t)
        except ValueError:
            self.status.value = self._say(f"请输入一个数字（输入的“{text}”未采用）。", error=True)
            return None
        if not lo - 1e-9 <= v <= hi + 1e-9:
            self.status.value = self._say(f"请输入 {num(lo)} 至 {num(hi)} 之间的数（{unit}）；"
                                          f"输入的 {num(v)} 超出范围，未采用。", error=True)
            return None
        return v

    def _on_scenario(self, change):
        if not self._syncing:
            self._guard(lambda: self.x.select_scenario(change["new"]))

    def _on_pick(self, change):
        self.codes = list(change["new"]) or self.codes
        self._new_figure()
        self._after(self.x.result)

    def _on_save(self, _button):
        """Write the file; the dropdown learns the new name but keeps the scenario being edited."""
        try:
            self.x.save_as(self.name_box.value.strip(), title=self.title_box.value)
        except InputError as exc:
            self.status.value = self._say(error_zh(exc), error=True)
            return
        self._syncing = True
        try:
            self.scenario.options = self.x.options()
            self.scenario.value = self.x.base.name
        finally:
            self._syncing = False
        self.status.value = self._say(self.x.note)

    def _guard(self, fn):
        try:
            self._after(fn())
            self.status.value = self._say(self.x.note)
        except InputError as exc:
            self._sync_sliders()
            self.status.value = self._say(error_zh(exc), error=True)

    # -- drawing ---------------------------------------------------------------------------
    def _new_figure(self):
        ncols = 3 if len(self.codes) > 4 else 2 if len(self.codes) > 1 else 1
        self.figure = self._PathsFigure(self.x.result, self.codes, ncols=ncols, panel_size=(2.9, 2.0))
        self.figure.freeze_layout()

    def _sync_sliders(self):
        """Put every slider, box and note where the explorer's state is (no callbacks fire)."""
        self._syncing = True
        try:
            for code, s in self.sliders.items():
                spec = self.specs[code]
                k = spec["scale"]
                value = self.x.implied_rate(code)
                by_components = self.x.driver(code) == "components"
                s.disabled = self.boxes[code].disabled = by_components
                if not np.isfinite(value):
                    s.value, self.boxes[code].value = 0.0, "—"
                    note = "本情景未给出路径；拖动或输入即按所设速度生成路径"
                else:
                    s.value = min(max(value * k, s.min), s.max)
                    self.boxes[code].value = f"{value * k:.2f}"
                    note = ""
                    if not spec["min"] <= value <= spec["max"]:
                        note = f"当前 {value * k:.2f}，超出滑块范围（{num(s.min)}—{num(s.max)}），滑块停在端点"
                if by_components:
                    comps = "、".join(COMPONENT_ZH[c] for c in components(code).values())
                    note = f"由分项推算，不能直接拖动：请调整下方分项（{comps}）"
                self.notes[code].value = _note(note, warn=by_components)
            for name, s in self.comp_sliders.items():
                rate = self.x.component_rate(name)
                lo, hi = COMPONENT_RANGE
                if not np.isfinite(rate):
                    s.value, self.comp_boxes[name].value = 0.0, "—"
                    note = "未设定：相关比率按各自的假设；拖动或输入即启用"
                else:
                    s.value = min(max(rate * 100, s.min), s.max)
                    self.comp_boxes[name].value = f"{rate * 100:.2f}"
                    spec = self.x.component_overrides.get(name) or self.x.base.components.get(name, {})
                    note = "按比率原路径推算（年均）" if "index" in spec else ""
                    if not lo <= rate <= hi:
                        note += f"当前 {rate * 100:.2f}，超出滑块范围，滑块停在端点"
                self.comp_notes[name].value = _note(note)
        finally:
            self._syncing = False

    def _after(self, result):
        self._sync_sliders()
        from qzlib.scenarios.plot import scenario_label

        self.figure.update(result, title=scenario_label(self.x.base)
                           + ("，已调整" if self.x.indicator_overrides or self.x.component_overrides else ""))
        self.chart.value = self.figure.png(dpi=100)
        self.table.value = self.x.table_html(self.codes)


def _note(text: str, warn: bool = False) -> str:
    if not text:
        return ""
    return f"<div style='font-size:11px;line-height:1.25;color:{'#a05a00' if warn else '#666'}'>{html.escape(text)}</div>"


def open_explorer(processed_dir: str | Path | None = None, scenario: str = "plan_path",
                  scenarios_dir: str | Path | None = None) -> Explorer:
    """An explorer on the processed plan tables; statistics are read only if a scenario needs them."""
    from qzlib.scenarios import plan_points

    return Explorer(plan_points(processed_dir or None), None, scenarios_dir=scenarios_dir or None,
                    scenario=scenario, processed_dir=processed_dir or None)


def export_overview(x: Explorer, names: list[str], output_dir: str | Path, year: int,
                    codes: list[str] | None = None) -> dict[str, Path]:
    """Run the explorer's scenario and ``names`` on the explorer's inputs; write the comparison,
    each scenario's assumptions, paths and attainment, the values in ``year`` and a chart per
    scenario. Returns comparison, values (DataFrames), results and charts (by name), files."""
    from qzlib.atomic import staged_dir, write_csv
    from qzlib.paths import ROOT
    from qzlib.scenarios import compare
    from qzlib.scenarios.plot import PathsFigure

    if year not in x.years:
        raise InputError.one(where="parameter year", field="year", value=year,
                             expected=f"a year of the plan's scenario paths, from {x.years[0]} to {x.years[-1]}")
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


def comparison_view(table: pd.DataFrame, x: Explorer) -> pd.DataFrame:
    """The scenario comparison for reading: one column per scenario (by its Chinese name) saying
    达成/未达成 with the gap to the target, numbers as the plan writes them."""
    names = [c for c in table.columns if f"{c}_value" in table.columns]
    out = pd.DataFrame({"指标": table["name_zh"], "单位": table["unit"], "目标年": table["target_year"],
                        "目标值": [num(v) for v in table["target"]]})
    for n in names:
        cells = []
        for st, v, gp in zip(table[n], table[f"{n}_value"], table[f"{n}_gap_pct"]):
            if st == "no_path" or not np.isfinite(v):
                cells.append(STATUS_ZH.get(st, st))
            else:
                cells.append(f"{STATUS_ZH.get(st, st)}：{num(v)}（{'0.0' if abs(gp) < 0.05 else f'{gp:+.1f}'}%）")
        out[x.titles.get(n, n)] = cells
    return out


def values_view(values: pd.DataFrame, x: Explorer) -> pd.DataFrame:
    """Every indicator's value in one year under each scenario (— where a scenario has no path)."""
    names = [c for c in values.columns if c not in ("code", "name_zh", "unit")]
    out = pd.DataFrame({"指标": values["name_zh"], "单位": values["unit"]})
    for n in names:
        out[x.titles.get(n, n)] = [num(v) for v in values[n]]
    return out

"""ipywidgets around an :class:`~qzlib.scenarios.explorer.state.Explorer`, laid out as a dashboard:
the controls in a column at the left (language, scenario, message, sliders, save), the chart
(:class:`~qzlib.scenarios.explorer.chart.PathsChart`, drawn in the browser) and the attainment
table at the right; one 1366×768 screen on the served page, and the same widget in notebook 05,
where the chart's panels wrap to the width JupyterLab gives them.

Every text is said in the explorer's language (:attr:`Explorer.lang`); the switch at the top
(中文 | English) changes it for this dashboard only (a page's own kernel), and every label, the
message, the chart and the table are said again in the new language at once.

Every control stays in view whatever names exist: long scenario names are cut with “…” in the
list (the full name shows on hover), messages wrap.
"""
from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np

from qzlib import i18n
from qzlib.errors import InputError
from qzlib.fmt import num
from qzlib.i18n import T
from qzlib.scenarios import COMPONENT_ZH
from qzlib.scenarios.explorer.chart import PathsChart
from qzlib.scenarios.explorer.state import (COMPONENT_RANGE, DEFAULT_CODES, NAME_MAX, Explorer, NameTaken,
                                            error_text, name_rule)
from qzlib.scenarios.explorer.view import attainment_html
from qzlib.scenarios.schema import component_names

LANGUAGES = [("中文", "zh"), ("English", "en")]   # each language by its own name
CSS = """<style>
.qz-explorer, .qz-explorer input, .qz-explorer select, .qz-explorer button {
  font-family: "QZ WenQuanYi", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
.qz-explorer { font-size: 12px; position: relative; }
.qz-explorer > .qz-lang { position: absolute; top: 0; right: 0; z-index: 2; margin: 0 !important; }
.qz-scenario { min-width: 0 !important; }
.qz-scenario select { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.qz-status div { overflow-wrap: anywhere; }
.qz-name input { min-width: 0; }
.qz-lang .widget-toggle-button { font-size: 11px; height: 22px; line-height: 20px; padding: 0 6px; }
.qz-legend { font-size: 11px; color: #444; white-space: normal; }
.qz-legend span { margin-left: 10px; }
.qz-chart-title { font-size: 13px; font-weight: bold; padding-right: 130px; }
.qz-panel-title { font-size: 12px; font-weight: bold; line-height: 1.25; white-space: normal; overflow-wrap: anywhere; }
.qz-unit { font-weight: normal; color: #666; font-size: 11px; }
.qz-nopath { font-size: 11px; color: #777; line-height: 1.25; white-space: normal; }
.qz-hint { font-size: 11px; color: #666; line-height: 1.3; white-space: normal; }
</style>"""
HEAD = "<div style='font-weight:bold;margin:6px 0 2px'>{}</div>"


class ExplorerUI:
    """The dashboard: build it, show :attr:`widget`. Callbacks go to the explorer's methods."""

    LEFT_WIDTH = "430px"
    RIGHT_MIN = "600px"   # the chart's three columns and the whole table
    HEIGHT = "700px"

    def _place(self) -> str:
        """The plan's place for the heading ('' when the plan's header is not at hand)."""
        try:
            return self.x.engine.region
        except Exception:  # no processed plan table (e.g. points handed in directly)
            return ""

    def __init__(self, explorer: Explorer, codes: list[str] | None = None, title: bool = False):
        import ipywidgets as w

        self.w = w
        self.x = explorer
        self._syncing = False
        self._confirm = None   # the name whose overwrite the next click confirms
        self._message: tuple[Callable[[], str], bool] = (
            lambda: T("拖动滑块或在右侧方框中输入数值（按回车），图表和表格即时更新。"), False)
        ok = explorer.adjustable()
        self.codes = [c for c in (codes or DEFAULT_CODES) if c in ok] or ok[:6]
        full = w.Layout(width="100%")
        self.language = w.ToggleButtons(options=LANGUAGES, value=explorer.lang,
                                        layout=w.Layout(width="auto", flex="0 0 auto"),
                                        style={"button_width": "auto"})
        self.language.add_class("qz-lang")
        self.scenario = w.Dropdown(layout=w.Layout(width="auto", flex="1 1 0", min_width="0"))
        self.scenario.add_class("qz-scenario")
        self.reset_btn = w.Button(layout=w.Layout(width="64px", flex="0 0 auto"))
        self.reset_btn.add_class("qz-reset")
        self.status = w.HTML(layout=w.Layout(min_height="42px", width="100%"))
        self.status.add_class("qz-status")
        self.specs = {c: explorer.slider_spec(c) for c in ok}   # the ranges stay; labels follow the language
        self.labels: dict[str, str] = {}   # row class -> its name and unit (a row's note follows them)
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
            rows.append(self._row(f"qz-ind-{code}", s, self.boxes[code], self.notes[code]))
        self.comp_sliders, self.comp_boxes, self.comp_notes, comp_rows = {}, {}, {}, []
        lo, hi = COMPONENT_RANGE
        for name in component_names():
            s = w.FloatSlider(min=lo * 100, max=hi * 100, step=0.25, readout=False, continuous_update=False,
                              layout=w.Layout(width="175px"))
            s.observe(lambda ch, n=name: self._on_component(n, ch), names="value")
            self.comp_sliders[name] = s
            self.comp_boxes[name] = self._box(lambda ch, n=name: self._typed_component(n, ch))
            self.comp_notes[name] = w.HTML()
            comp_rows.append(self._row(f"qz-comp-{name}", s, self.comp_boxes[name], self.comp_notes[name]))
        self.heads = [w.HTML(layout=w.Layout(flex="0 0 auto")) for _ in range(2)]
        controls = w.VBox([self.heads[0], *rows, self.heads[1], *comp_rows],
                          layout=w.Layout(flex="1 1 auto", overflow="hidden auto", width="100%", min_height="120px"))
        controls.add_class("qz-controls")
        self.name_box = w.Text(value="", layout=w.Layout(flex="1 1 0", min_width="0"))
        self.name_box.add_class("qz-name")
        self.name_box.observe(self._on_name, names="value")
        self.save_btn = w.Button(button_style="primary", layout=w.Layout(width="auto", min_width="96px", flex="0 0 auto"))
        self.save_btn.add_class("qz-save")
        self.hint = w.HTML()
        self.pick_label = w.HTML()
        self.pick = w.SelectMultiple(rows=3, layout=full)
        self.pick.add_class("qz-pick")
        self.table = w.HTML()
        self.table.add_class("qz-table")
        table_box = w.Box([self.table], layout=w.Layout(overflow="auto", flex="1 1 auto", width="100%",
                                                         min_height="120px"))
        self.heading = w.HTML() if title else None
        # what the page says once its kernel has stopped (read by the page's script, never shown here)
        self.stopped = w.HTML(layout=w.Layout(display="none"))
        self.stopped.add_class("qz-stopped-text")
        left = w.VBox([w.HTML(CSS), *([self.heading] if title else []),
                       w.HBox([self.scenario, self.reset_btn], layout=full), self.status,
                       controls, w.HBox([self.name_box, self.save_btn], layout=full), self.hint,
                       self.pick_label, self.pick, self.stopped],
                      layout=w.Layout(width=self.LEFT_WIDTH, height=self.HEIGHT, flex="0 0 auto",
                                      padding="0 10px 0 0", border_right="1px solid #ddd"))
        for child in left.children:
            if child is not controls:  # only the sliders scroll; everything else keeps its height
                child.layout.flex = "0 0 auto"
        left.add_class("qz-left")
        with i18n.using(explorer.lang):
            self._label()
            self.chart = PathsChart(explorer.result, self.codes, self._title())
        self.right = w.VBox([self.chart.widget, table_box],
                            layout=w.Layout(flex="1 1 600px", height=self.HEIGHT, padding="0 0 0 10px",
                                            min_width=self.RIGHT_MIN))
        self.right.add_class("qz-right")
        self.language.observe(self._on_language, names="value")
        self.scenario.observe(self._on_scenario, names="value")
        self.pick.observe(self._on_pick, names="value")
        self.reset_btn.on_click(lambda _b: self._guard(self.x.reset))
        self.save_btn.on_click(self._on_save)
        # side by side on a wide screen; in a narrower notebook the chart and table wrap below the controls;
        # the language switch at the top right corner, beside the chart's title
        self.widget = w.HBox([left, self.right, self.language], layout=w.Layout(width="100%", align_items="stretch",
                                                                                  flex_flow="row wrap"))
        self.widget.add_class("qz-explorer")
        self.widget.add_class(f"qz-lang-{explorer.lang}")   # the page's script reads the language from it
        self._after(self.x.result)
        self._show()

    # -- building blocks ------------------------------------------------------------------
    def _stem(self) -> str:
        return self.x.base.file.stem if self.x.base.file else self.x.base.name

    def _title(self) -> str:
        title = T("情景：{name}", name=self.x.title())
        return T("{title}（已调整）", title=title) if self.x.adjusted() else title

    def _box(self, handler):
        b = self.w.Text(value="", continuous_update=False, layout=self.w.Layout(width="58px"))
        b.observe(handler, names="value")
        return b

    def _row(self, cls, slider, box, note):
        """One line per slider: name and unit (with its note below them), the slider, a box to type a number."""
        w = self.w
        note.layout = w.Layout(width="170px", flex="0 0 auto")
        row = w.HBox([note, slider, box], layout=w.Layout(align_items="center", margin="0 0 2px 0", flex="0 0 auto"))
        row.add_class(cls)
        return row

    @staticmethod
    def _name_and_unit(label: str, unit: str) -> str:
        unit = T("（{unit}）", unit=unit)
        return (f"<div style='font-size:12px;line-height:1.2'>{html.escape(label)}"
                f"<span style='font-size:11px;color:#666'>{html.escape(unit)}</span></div>")

    def _label(self) -> None:
        """Every fixed text of the dashboard in the language in use (names, units, buttons, hints, the
        scenario list); the sliders' notes, the chart and the table follow in :meth:`_after`."""
        x = self.x
        if self.heading is not None:
            place = i18n.place(self._place())
            self.heading.value = ("<div style='font-size:15px;font-weight:bold;margin-bottom:4px'>"
                                  + html.escape(T("{place}“415X”情景探索器：如果……，目标能否实现？", place=place).strip())
                                  + "</div>")
        self.reset_btn.description, self.reset_btn.tooltip = T("重置"), T("恢复所选情景的原始设定")
        for code in self.sliders:
            spec = x.slider_spec(code)
            self.specs[code].update(label=spec["label"], unit=spec["unit"])
            self.labels[f"qz-ind-{code}"] = self._name_and_unit(spec["label"], spec["unit"])
        for name in self.comp_sliders:
            self.labels[f"qz-comp-{name}"] = self._name_and_unit(T(COMPONENT_ZH[name]), T("%/年"))
        self.heads[0].value = HEAD.format(html.escape(T("指标年均速度（比重类为每年百分点）")))
        self.heads[1].value = HEAD.format(html.escape(T("分项年均增速（比率指标由分项推算）")))
        self.name_box.placeholder = T("情景名称（1—{max}字，可用中文）", max=NAME_MAX)
        self.save_btn.description = T("确认覆盖") if self._confirm is not None else T("另存为情景")
        self.hint.value = ("<div class='qz-hint'>"
                           + html.escape(T("{rule}。保存后，简报和批处理都可以选用这个情景。", rule=name_rule())) + "</div>")
        self.pick_label.value = ("<div style='font-size:12px;margin-top:4px'>"
                                 + html.escape(T("图中显示的指标（按住 Ctrl 多选）")) + "</div>")
        self.stopped.value = html.escape(T("这个页面的计算已经停止：页面闲置过久已自动释放，或服务器已重新启动。"
                                           "请刷新页面（按 F5）重新打开；未另存的调整不会保留。"))
        self._syncing = True
        try:
            self.scenario.options = x.options()
            self.scenario.value = self._stem()
            self.pick.options = [(x.prepared.info[c].name, c) for c in self.specs]
            self.pick.value = tuple(self.codes)
        finally:
            self._syncing = False

    def _show(self, say: Callable[[], str] | None = None, error: bool = False) -> None:
        """Show a message (``say()`` in the page's language; again after a switch), or the last one again."""
        if say is not None:
            self._message = (say, error)
        say, error = self._message
        with i18n.using(self.x.lang):
            text = say()
        colour = "#b03a2e" if error else "#1f3b57"
        self.status.value = (f"<div style='font-size:12px;line-height:1.35;color:{colour};background:"
                             f"{'#fdecea' if error else '#eef4fa'};padding:4px 6px;border-radius:3px'>"
                             f"{html.escape(text)}</div>")

    # -- callbacks ------------------------------------------------------------------------
    def _on_language(self, change):
        """Say everything in the chosen language: labels, the message, the sliders' notes, chart and table."""
        if self._syncing or change["new"] == self.x.lang:
            return
        self.widget.remove_class(f"qz-lang-{self.x.lang}")
        result = self.x.set_language(change["new"])
        self.widget.add_class(f"qz-lang-{self.x.lang}")
        with i18n.using(self.x.lang):
            self._label()
        self._after(result)
        self._show()

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
        v = self._read(change["new"], spec["min"] * k, spec["max"] * k, lambda: self.x.slider_spec(code)["unit"])
        if v is None:
            self._sync_sliders()
        else:
            self._guard(lambda: self.x.set_indicator(code, v / k))

    def _typed_component(self, name, change):
        if self._syncing:
            return
        lo, hi = COMPONENT_RANGE
        v = self._read(change["new"], lo * 100, hi * 100, lambda: T("%/年"))
        if v is None:
            self._sync_sliders()
        else:
            self._guard(lambda: self.x.set_component(name, v / 100.0))

    def _read(self, text, lo, hi, unit: Callable[[], str]):
        """A typed number inside the slider's range, or None after saying why it was not used."""
        t = str(text).strip().rstrip("%").strip()
        typed = str(text)[:20]
        try:
            v = float(t)
        except ValueError:
            self._show(lambda: T("请输入一个数字（输入的“{text}”未采用）。", text=typed), error=True)
            return None
        if not np.isfinite(v) or not lo - 1e-9 <= v <= hi + 1e-9:
            self._show(lambda: T("请输入 {lo} 至 {hi} 之间的数（{unit}）；输入的 {text} 超出范围，未采用。",
                                 lo=num(lo), hi=num(hi), unit=unit(), text=typed), error=True)
            return None
        return v

    def _on_scenario(self, change):
        if not self._syncing:
            self._guard(lambda: self.x.select_scenario(change["new"]))

    def _on_pick(self, change):
        codes = list(change["new"])
        if not codes or self._syncing:
            return
        self.codes = codes
        old = self.chart.widget
        with i18n.using(self.x.lang):
            self.chart = PathsChart(self.x.result, self.codes, self._title())
        self.right.children = (self.chart.widget, *self.right.children[1:])
        old.close()
        self._after(self.x.result)

    def _on_name(self, _change):
        if self._confirm is not None:
            self._confirm = None
            with i18n.using(self.x.lang):
                self.save_btn.description, self.save_btn.button_style = T("另存为情景"), "primary"

    def _on_save(self, _button):
        """Write the file; the dropdown learns the new name but keeps the scenario being edited.
        An existing saved name is overwritten only by a second click (确认覆盖) on the same name."""
        name = self.name_box.value.strip()
        try:
            self.x.save_as(name, overwrite=self._confirm == name)
        except NameTaken as exc:
            self._confirm = name
            with i18n.using(self.x.lang):
                self.save_btn.description, self.save_btn.button_style = T("确认覆盖"), "warning"
            self._show(lambda e=exc: error_text(e), error=True)
            return
        except InputError as exc:
            self._show(lambda e=exc: error_text(e), error=True)
            return
        self._on_name(None)
        self._syncing = True
        try:
            with i18n.using(self.x.lang):
                self.scenario.options = self.x.options()
                self.scenario.value = self._stem()
                self.scenario.tooltip = self.x.title()
        finally:
            self._syncing = False
        self._show(lambda: self.x.note)

    def _guard(self, fn):
        try:
            self._after(fn())
            self._show(lambda: self.x.note)
        except InputError as exc:
            self._sync_sliders()
            self._show(lambda e=exc: error_text(e), error=True)

    # -- drawing ---------------------------------------------------------------------------
    def _sync_sliders(self):
        """Put every slider, box and note where the explorer's state is (no callbacks fire)."""
        self._syncing = True
        try:
            with i18n.using(self.x.lang):
                self._sync_said()
        finally:
            self._syncing = False

    def _sync_said(self):
        for code, s in self.sliders.items():
            spec = self.specs[code]
            k = spec["scale"]
            value = self.x.implied_rate(code)
            by_components = self.x.driver(code) == "components"
            s.disabled = self.boxes[code].disabled = by_components
            if not np.isfinite(value):
                s.value, self.boxes[code].value = 0.0, "—"
                note = T("本情景未给出路径；拖动或输入即按所设速度生成路径")
            else:
                s.value = min(max(value * k, s.min), s.max)
                self.boxes[code].value = f"{value * k:.2f}"
                note = ""
                if not spec["min"] <= value <= spec["max"]:
                    note = T("当前 {value}，超出滑块范围（{lo}—{hi}），滑块停在端点", value=f"{value * k:.2f}",
                             lo=num(s.min), hi=num(s.max))
            if by_components:
                note = T("由分项推算，不能直接拖动：请调整下方分项（{components}）", components=self.x.components_of(code))
            self.notes[code].value = self.labels[f"qz-ind-{code}"] + _note(note, warn=by_components)
        for name, s in self.comp_sliders.items():
            rate = self.x.component_rate(name)
            lo, hi = COMPONENT_RANGE
            if not np.isfinite(rate):
                s.value, self.comp_boxes[name].value = 0.0, "—"
                note = T("未设定：相关比率按各自的假设；拖动或输入即启用")
            else:
                s.value = min(max(rate * 100, s.min), s.max)
                self.comp_boxes[name].value = f"{rate * 100:.2f}"
                spec = self.x.component_overrides.get(name) or self.x.base.components.get(name, {})
                notes = [T("按比率原路径推算（年均）")] if "index" in spec else []
                if not lo <= rate <= hi:
                    notes.append(T("当前 {value}，超出滑块范围，滑块停在端点", value=f"{rate * 100:.2f}"))
                note = T("；").join(notes)
            self.comp_notes[name].value = self.labels[f"qz-comp-{name}"] + _note(note)
        self.scenario.tooltip = self.x.title()

    def _after(self, result):
        self._sync_sliders()
        with i18n.using(self.x.lang):
            self.chart.update(result, self._title())
            self.table.value = attainment_html(self.x, self.codes)


def _note(text: str, warn: bool = False) -> str:
    if not text:
        return ""
    return f"<div style='font-size:11px;line-height:1.25;color:{'#a05a00' if warn else '#666'}'>{html.escape(text)}</div>"

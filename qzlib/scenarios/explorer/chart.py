"""The explorer's chart, drawn in the browser (bqplot): one small panel per indicator.

A slider move sends the new numbers (a few hundred bytes) and the browser redraws its SVG
lines, instead of the kernel drawing a matplotlib figure and shipping a PNG: measured in
Chromium (``bench/explorer.py``) the redraw after a slider release took 30–50 ms this way
against 600–1400 ms for the PNG round trip on the same busy two-core machine, and the kernel
spends about 1 ms instead of about 200 ms of CPU per move, which matters when several
colleagues share one server. Each panel shows what :func:`qzlib.scenarios.plot.panel` says —
the same content as the matplotlib chart of the briefs: scenario path, the plan path dashed
on top of it, the targets (stars) and, where a trend drives the path, its 80 %/95 % fan. Titles,
units, the legend and the notes are said in the language in use when :meth:`PathsChart.update`
runs (the explorer's page wraps it in its language).
"""
from __future__ import annotations

import html

import numpy as np

from qzlib.i18n import T
from qzlib.scenarios.plot import PLAN_COLOUR, SCENARIO_COLOUR, TARGET_COLOUR, label, panel
from qzlib.scenarios.result import ScenarioResult

PANEL_HEIGHT = "168px"


def legend() -> str:
    """The chart's legend in the language in use."""
    fans = T("{fan80}／{fan95}（趋势外推时）", fan80=label("fan80"), fan95=label("fan95"))
    return (f"<div class='qz-legend'><span style='color:{SCENARIO_COLOUR}'>●━</span> {html.escape(label('scenario'))}"
            f"<span style='color:{PLAN_COLOUR}'>╍╍</span> {html.escape(label('plan'))}"
            f"<span style='color:{TARGET_COLOUR}'>★</span> {html.escape(label('target'))}"
            f"<span style='color:{SCENARIO_COLOUR};opacity:.45'>█</span> {html.escape(fans)}</div>")


def _finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(y)
    return x[ok].astype(float), y[ok].astype(float)


def nice_ticks(values, headroom: float = 0.08) -> list[float]:
    """A few round tick values spanning ``values`` and ``headroom`` of their range above them
    (room for the targets' labels), from matplotlib's locator: the axis reads 100, 150, 200
    rather than 104, 139.3, 174.7.

    >>> nice_ticks([[119], [160, 195]]), nice_ticks([[2.7, 3.4]]), nice_ticks([])
    ([100.0, 125.0, 150.0, 175.0, 200.0, 225.0], [2.6, 2.8, 3.0, 3.2, 3.4, 3.6], [0.0, 1.0])
    """
    from matplotlib.ticker import MaxNLocator

    v = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in values]) if len(values) else np.array([])
    v = v[np.isfinite(v)]
    if not len(v):
        return [0.0, 1.0]
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-9 * max(1.0, abs(hi)):
        lo, hi = lo - max(1.0, abs(lo)) * 0.05, hi + max(1.0, abs(hi)) * 0.05
    hi += (hi - lo) * headroom
    ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    return [round(float(t), 10) for t in ticks]


class PathsChart:
    """bqplot panels for ``codes``; :meth:`update` sends only the changed numbers."""

    def __init__(self, result: ScenarioResult, codes: list[str], title: str = ""):
        import bqplot as bq
        import ipywidgets as w

        self.codes = list(codes)
        years = result.prepared.years.astype(float)
        self.years = years
        self.marks, self.captions, cells = {}, {}, []
        for code in self.codes:
            pn = panel(result, code)
            sx = bq.LinearScale(min=float(years[0] - 0.4), max=float(years[-1] + 0.4))
            sy = bq.LinearScale()
            scales = {"x": sx, "y": sy}
            fan95 = bq.Lines(x=[], y=[], scales=scales, fill="between", fill_colors=[SCENARIO_COLOUR],
                             fill_opacities=[0.12], opacities=[0, 0], colors=[SCENARIO_COLOUR])
            fan80 = bq.Lines(x=[], y=[], scales=scales, fill="between", fill_colors=[SCENARIO_COLOUR],
                             fill_opacities=[0.25], opacities=[0, 0], colors=[SCENARIO_COLOUR])
            line = bq.Lines(x=[], y=[], scales=scales, colors=[SCENARIO_COLOUR], stroke_width=2.4,
                            marker="circle", marker_size=14)
            px, py = _finite(years, pn.plan)
            plan = bq.Lines(x=px, y=py, scales=scales, colors=[PLAN_COLOUR], stroke_width=1.4,
                            line_style="dashed")
            tx = [float(t[0]) for t in pn.targets]
            ty = [t[1] for t in pn.targets]
            stars = bq.Label(x=tx, y=ty, text=["★"] * len(tx), scales=scales, colors=[TARGET_COLOUR],
                             default_size=15, align="middle", y_offset=5)
            values = bq.Label(x=tx, y=ty, text=[t[2] for t in pn.targets], scales=scales, colors=[TARGET_COLOUR],
                              default_size=10, align="start", x_offset=7, y_offset=-5)
            ax = bq.Axis(scale=sx, side="bottom", tick_values=years[::2], tick_format="d", grid_lines="solid",
                         grid_color="#e6e6e6", tick_style={"font-size": "10px"})
            ay = bq.Axis(scale=sy, side="left", tick_format=",.4~g", grid_lines="solid",
                         grid_color="#e6e6e6", tick_style={"font-size": "10px"})
            fig = bq.Figure(marks=[fan95, fan80, line, plan, stars, values], axes=[ax, ay], animation_duration=0,
                            fig_margin={"top": 10, "bottom": 22, "left": 44, "right": 12}, padding_y=0,
                            min_aspect_ratio=0.01, max_aspect_ratio=100,
                            layout=w.Layout(width="100%", height=PANEL_HEIGHT, min_width="0"))
            caption = w.HTML(layout=w.Layout(min_width="0"))
            caption.add_class("qz-caption")
            self.marks[code] = {"line": line, "fan80": fan80, "fan95": fan95, "y": sy, "axis": ay}
            self.captions[code] = (pn.title, pn.unit, caption)
            cell = w.VBox([caption, fig], layout=w.Layout(min_width="0"))
            cell.add_class(f"qz-panel-{code}")
            cells.append(cell)
        self.heading = w.HTML(layout=w.Layout(min_width="0"))
        self.heading.add_class("qz-chart-title")
        self.legend = w.HTML()
        grid = w.GridBox(cells, layout=w.Layout(width="100%", grid_gap="2px 10px",
                                                 grid_template_columns="repeat(auto-fill, minmax(max(190px, calc(33.3% - 10px)), 1fr))"))
        self.widget = w.VBox([self.heading, self.legend, grid], layout=w.Layout(width="100%", min_width="0",
                                                                                    flex="0 0 auto"))
        self.widget.add_class("qz-chart")
        self.update(result, title)

    def update(self, result: ScenarioResult, title: str = "") -> None:
        """Move every panel to ``result``: the scenario line, its fans and the caption (name, unit and
        note, in the language in use), and say the title and the legend in it."""
        for code in self.codes:
            pn = panel(result, code)
            m = self.marks[code]
            x, y = _finite(self.years, pn.scenario)
            with m["line"].hold_sync():
                m["line"].x, m["line"].y = x, y
            for key, lo, hi in (("fan95", "lo95", "hi95"), ("fan80", "lo80", "hi80")):
                band = pn.bands
                with m[key].hold_sync():
                    if band is None:
                        m[key].x, m[key].y = [], []
                    else:
                        ok = np.isfinite(band[lo]) & np.isfinite(band[hi])
                        m[key].x, m[key].y = self.years[ok], np.vstack([band[lo][ok], band[hi][ok]])
            ticks = nice_ticks([pn.plan, pn.scenario, [t[1] for t in pn.targets],
                                *(pn.bands.values() if pn.bands else [])])
            with m["y"].hold_sync():
                m["y"].min, m["y"].max = ticks[0], ticks[-1]
            m["axis"].tick_values = ticks
            caption = self.captions[code][2]
            self.captions[code] = (pn.title, pn.unit, caption)
            note = f"<div class='qz-nopath'>{html.escape(pn.note)}</div>" if pn.note else ""
            unit = T("（{unit}）", unit=pn.unit)
            caption.value = (f"<div class='qz-panel-title'>{html.escape(pn.title)}"
                             f"<span class='qz-unit'>{html.escape(unit)}</span></div>{note}")
        self.heading.value = f"<div>{html.escape(title)}</div>"
        said = legend()
        if self.legend.value != said:
            self.legend.value = said

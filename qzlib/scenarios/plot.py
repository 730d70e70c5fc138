"""Charts of scenario paths: one small panel per indicator, labelled in the language in use.

Each panel shows the scenario path, the plan path (dashed, drawn on top of the scenario line
so that it stays visible where the two coincide), the plan's targets (stars) and, where a
trend model drives the path, its 80 %/95 % fan. :func:`panel` says what a panel holds; the
matplotlib figure here (briefs, ``qz scenario run``, notebook files) and the explorer's
browser chart (:mod:`qzlib.scenarios.explorer.chart`) both draw from it. Titles are wrapped
to the panel's width, never cut.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qzlib import i18n
from qzlib.fmt import quantity, wrap
from qzlib.fonts import use_cjk
from qzlib.i18n import N_, T
from qzlib.scenarios.result import ScenarioResult

if TYPE_CHECKING:       # matplotlib is imported only to draw: the explorer's kernels never do
    from matplotlib.figure import Figure

SCENARIO_COLOUR = "#1f5fa8"
PLAN_COLOUR = "#3a3a3a"
TARGET_COLOUR = "#c0392b"
LABELS = {"scenario": N_("情景路径"), "plan": N_("规划路径"), "target": N_("规划目标"), "fan95": N_("95% 区间"),
          "fan80": N_("80% 区间")}


def label(key: str) -> str:
    """A legend entry of :data:`LABELS` in the language in use."""
    return T(LABELS[key])


def scenario_title(scenario) -> str:
    """The scenario's name for readers: in Chinese the description's lead words (before '：' or
    the first full stop), the file's name only when the description has none; in another
    language its label there (``label_en``).

    >>> from qzlib.scenarios.schema import Scenario
    >>> scenario_title(Scenario("stress", "压力情景：增长放缓", "研究室"))
    '压力情景'
    """
    if not i18n.quotes_plan():
        return scenario.said("label")
    head = re.split(r"[：:。\n]", scenario.description.strip(), maxsplit=1)[0].strip()
    return head or (scenario.file.stem if scenario.file else scenario.name)


def scenario_label(scenario) -> str:
    """'情景：规划路径情景' — the chart's title for a scenario (its name only)."""
    return T("情景：{name}", name=scenario_title(scenario))


@dataclass
class Panel:
    """What one indicator's panel shows (arrays over ``years``; NaN where there is no value)."""

    code: str
    title: str
    unit: str
    years: np.ndarray
    plan: np.ndarray
    scenario: np.ndarray
    bands: dict[str, np.ndarray] | None   # lo80, hi80, lo95, hi95 where a trend drives the path
    targets: list[tuple[int, float, str]]  # (year, value, value as printed)
    note: str                              # why there is no path ('' when there is one)


def panel(result: ScenarioResult, code: str) -> Panel:
    p = result.prepared
    info = p.info[code]
    i = p.index[code]
    y = result.values[i]
    bands = None
    if np.isfinite(result.bands["lo95"][i]).any():
        bands = {k: result.bands[k][i] for k in ("lo80", "hi80", "lo95", "hi95")}
    reason = (result.reasons.get(code) or info.reason or T("路径未给出")) if not np.isfinite(y).any() else ""
    return Panel(code=code, title=info.name, unit=i18n.term("unit", info.unit), years=p.years, plan=p.plan[i],
                 scenario=y, bands=bands,
                 targets=[(int(yr), float(v), quantity(v, info.kind)) for yr, v, _, _ in info.targets],
                 note=T("无路径：{reason}", reason=reason) if reason else "")


class PathsFigure:
    """A figure with one panel per indicator code; :meth:`update` redraws only the data."""

    def __init__(self, result: ScenarioResult, codes: list[str] | None = None, ncols: int = 3,
                 panel_size: tuple[float, float] = (3.6, 2.6), title: str | None = None):
        from matplotlib.figure import Figure

        use_cjk()
        p = result.prepared
        years = self.years = p.years   # the plan's years (baseline … three years after its period)
        # an indicator the plan gives no path (no baseline, no numeric target) gets a panel only
        # when the scenario gave it one (its own figures, under `follow: observed`)
        self.codes = list(codes) if codes else [c for c in p.codes
                                                if not p.info[c].reason or np.isfinite(result.values[p.index[c]]).any()]
        n = max(1, len(self.codes))
        ncols = min(ncols, n)
        nrows = math.ceil(n / ncols)
        self.fig = Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.7), layout="constrained")
        axes = self.fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax in axes[n:]:
            ax.set_visible(False)
        per_line = max(6, int(panel_size[0] * 72 / 9 * 0.9))   # 9-pt Chinese characters across a panel
        self.axes, self.lines, self.fans, self.notes = {}, {}, {}, {}
        for ax, code in zip(axes, self.codes):
            pn = panel(result, code)
            self.axes[code] = ax
            ax.set_title(wrap(pn.title, per_line), fontsize=9)
            ax.set_ylabel(pn.unit, fontsize=8)
            ax.grid(True, color="#dddddd", linewidth=0.6)
            ax.tick_params(labelsize=7)
            ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
            ax.set_xticks(years[::2])
            ax.margins(y=0.15)
            (line,) = ax.plot(years, np.full(len(years), np.nan), color=SCENARIO_COLOUR, marker="o",
                              markersize=3.5, linewidth=2.4, label=label("scenario"), zorder=3)
            # the plan path on top of the scenario line: dashed and darker, visible where they coincide
            ax.plot(years, pn.plan, linestyle=(0, (4, 2)), color=PLAN_COLOUR, linewidth=1.3,
                    label=label("plan"), zorder=4)
            for k, (year, value, shown) in enumerate(pn.targets):
                ax.plot([year], [value], marker="*", markersize=10, color=TARGET_COLOUR, linestyle="none",
                        label=label("target") if k == 0 else None, zorder=5)
                ax.annotate(shown, (year, value), textcoords="offset points", xytext=(4, 4),
                            fontsize=7, color=TARGET_COLOUR)
            self.lines[code] = line
            self.fans[code] = []
            self.notes[code] = ax.text(0.5, 0.06, "", transform=ax.transAxes, ha="center", va="bottom",
                                       fontsize=8, color="#555555", zorder=6,
                                       bbox={"facecolor": "white", "edgecolor": "#cccccc", "alpha": 0.9})
        if self.codes:
            handles, labels = self.axes[self.codes[0]].get_legend_handles_labels()
            self.fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
        self._title_width = max(10, int(panel_size[0] * ncols * 72 / 11 * 0.9))
        self.title = self.fig.suptitle("", fontsize=11)
        self.update(result, title=title)

    def freeze_layout(self) -> None:
        """Lay out once, then keep the panels where they are (faster redraws, no jumping)."""
        self.fig.draw_without_rendering()
        self.fig.set_layout_engine(None)   # no second layout pass when saving

    def png(self, dpi: int = 80) -> bytes:
        import io

        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def update(self, result: ScenarioResult, title: str | None = None) -> None:
        """Move each line to the new result's path; rebuild only the fans."""
        for code in self.codes:
            pn = panel(result, code)
            ax = self.axes[code]
            self.lines[code].set_ydata(pn.scenario)
            for art in self.fans[code]:
                art.remove()
            self.fans[code] = []
            if pn.bands is not None:
                self.fans[code].append(ax.fill_between(self.years, pn.bands["lo95"], pn.bands["hi95"],
                                                       color=SCENARIO_COLOUR, alpha=0.12, linewidth=0,
                                                       label=label("fan95")))
                self.fans[code].append(ax.fill_between(self.years, pn.bands["lo80"], pn.bands["hi80"],
                                                       color=SCENARIO_COLOUR, alpha=0.25, linewidth=0,
                                                       label=label("fan80")))
            self.notes[code].set_text(wrap(pn.note, 16))
            ax.relim()
            ax.autoscale_view(scalex=False)
        self.title.set_text(wrap(title if title is not None else scenario_label(result.scenario), self._title_width))


def plot_paths(result: ScenarioResult, codes: list[str] | None = None, *, ncols: int = 3,
               title: str | None = None) -> Figure:
    """Paths of ``codes`` (default: every indicator with a path) against the plan and its targets."""
    return PathsFigure(result, codes, ncols=ncols, title=title).fig

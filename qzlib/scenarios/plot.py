"""Charts of scenario paths: one small panel per indicator, Chinese labels.

Each panel shows the scenario path, the plan path (dashed), the plan's targets (stars)
and, where a trend model drives the path, its 80 %/95 % fan. :class:`PathsFigure` keeps
its artists so that the explorer can move lines with ``set_data`` instead of drawing a
new figure on every slider step.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from qzlib.fonts import use_cjk
from qzlib.scenarios.result import ScenarioResult

SCENARIO_COLOUR = "#1f5fa8"
PLAN_COLOUR = "#7f7f7f"
TARGET_COLOUR = "#c0392b"


class PathsFigure:
    """A figure with one panel per indicator code; :meth:`update` redraws only the data."""

    def __init__(self, result: ScenarioResult, codes: list[str] | None = None, ncols: int = 3,
                 panel_size: tuple[float, float] = (3.6, 2.6), title: str | None = None):
        use_cjk()
        p = result.prepared
        years = self.years = p.years   # the plan's years (baseline … three years after its period)
        self.codes = list(codes) if codes else [c for c in p.codes if not p.info[c].reason]
        n = max(1, len(self.codes))
        ncols = min(ncols, n)
        nrows = math.ceil(n / ncols)
        self.fig = Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.6), layout="constrained")
        axes = self.fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax in axes[n:]:
            ax.set_visible(False)
        self.axes, self.lines, self.fans, self.notes = {}, {}, {}, {}
        for ax, code in zip(axes, self.codes):
            info = p.info[code]
            self.axes[code] = ax
            ax.set_title(info.name_zh, fontsize=9)
            ax.set_ylabel(info.unit, fontsize=8)
            ax.grid(True, color="#dddddd", linewidth=0.6)
            ax.tick_params(labelsize=7)
            ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
            ax.set_xticks(years[::2])
            ax.margins(y=0.15)
            ax.plot(years, p.plan[p.index[code]], linestyle="--", color=PLAN_COLOUR, linewidth=1.2, label="规划路径")
            for year, value, _, _ in info.targets:
                ax.plot([year], [value], marker="*", markersize=10, color=TARGET_COLOUR, linestyle="none",
                        label="规划目标" if year == info.targets[0][0] else None, zorder=5)
                ax.annotate(f"{value:.4g}", (year, value), textcoords="offset points", xytext=(4, 4),
                            fontsize=7, color=TARGET_COLOUR)
            (line,) = ax.plot(years, np.full(len(years), np.nan), color=SCENARIO_COLOUR, marker="o",
                              markersize=3, linewidth=1.8, label="情景路径")
            self.lines[code] = line
            self.fans[code] = []
            self.notes[code] = ax.text(0.5, 0.06, "", transform=ax.transAxes, ha="center", va="bottom",
                                       fontsize=8, color="#555555", zorder=6,
                                       bbox={"facecolor": "white", "edgecolor": "#cccccc", "alpha": 0.9})
        if self.codes:
            handles, labels = self.axes[self.codes[0]].get_legend_handles_labels()
            self.fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
        self.title = self.fig.suptitle(title or scenario_label(result.scenario), fontsize=11)
        self.update(result, title=title)

    def freeze_layout(self) -> None:
        """Lay out once, then keep the panels where they are (faster redraws, no jumping)."""
        self.fig.draw_without_rendering()
        self.fig.set_layout_engine("none")

    def png(self, dpi: int = 80) -> bytes:
        import io

        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def update(self, result: ScenarioResult, title: str | None = None) -> None:
        """Move each line to the new result's path; rebuild only the fans."""
        p = result.prepared
        for code in self.codes:
            i = p.index[code]
            ax = self.axes[code]
            y = result.values[i]
            self.lines[code].set_ydata(y)
            for art in self.fans[code]:
                art.remove()
            self.fans[code] = []
            lo95, hi95 = result.bands["lo95"][i], result.bands["hi95"][i]
            if np.isfinite(lo95).any():
                lo80, hi80 = result.bands["lo80"][i], result.bands["hi80"][i]
                self.fans[code].append(ax.fill_between(self.years, lo95, hi95, color=SCENARIO_COLOUR, alpha=0.12,
                                                       linewidth=0, label="95% 区间"))
                self.fans[code].append(ax.fill_between(self.years, lo80, hi80, color=SCENARIO_COLOUR, alpha=0.25,
                                                       linewidth=0, label="80% 区间"))
            reason = result.reasons.get(code) if not np.isfinite(y).any() else ""
            self.notes[code].set_text(_wrap(f"无路径：{reason}") if reason else "")
            ax.relim()
            ax.autoscale_view(scalex=False)
        self.title.set_text(title if title is not None else scenario_label(result.scenario))


def scenario_label(scenario) -> str:
    """'情景：规划路径情景（plan_path）' from the description's lead words."""
    head = scenario.description.split("：", 1)[0].strip()
    return f"情景：{head}（{scenario.name}）" if 0 < len(head) <= 20 else f"情景：{scenario.name}"


def _wrap(text: str, width: int = 16) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def plot_paths(result: ScenarioResult, codes: list[str] | None = None, *, ncols: int = 3,
               title: str | None = None) -> Figure:
    """Paths of ``codes`` (default: every indicator with a path) against the plan and its targets."""
    return PathsFigure(result, codes, ncols=ncols, title=title).fig

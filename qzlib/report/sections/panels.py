"""Small multiples of the brief: one look for every panel, one legend for the figure."""
from __future__ import annotations

from qzlib import fmt

PATH_COLOUR = "#d35400"   # the plan's implied path, drawn dashed on top of everything it is compared with
PATH_STYLE = dict(color=PATH_COLOUR, lw=1.1, ls=(0, (4, 2)), zorder=6)


def style(ax, title: str, unit: str, x0: float, x1: float, width: int = 12) -> None:
    """A panel's wrapped title, its unit in the corner, small ticks, whole years, a light grid."""
    ax.set_title(fmt.wrap(title, width), fontsize=6.5)
    ax.text(0.02, 0.95, unit, transform=ax.transAxes, fontsize=5.5, va="top", color="#555")
    ax.tick_params(labelsize=5.5)
    ax.set_xlim(x0 - 0.3, x1 + 0.3)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.25)


def hide_unused(axes, used: int) -> None:
    for ax in list(axes.flat)[used:]:
        ax.axis("off")


def handles(fig) -> dict:
    """{label: handle} over every axis of ``fig``, first seen first (one legend for all panels)."""
    out: dict = {}
    for ax in fig.axes:
        for hd, lb in zip(*ax.get_legend_handles_labels()):
            out.setdefault(lb, hd)
    return out


def legend(fig, found: dict, bottom: float, ncol: int) -> None:
    fig.legend(list(found.values()), list(found.keys()), loc="lower center", ncol=min(ncol, len(found)),
               fontsize=6.2, frameon=False)
    fig.set_layout_engine("tight", rect=(0, bottom, 1, 1))

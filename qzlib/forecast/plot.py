"""Fan chart of a trend forecast with the plan's path and targets marked (labels in the language in use)."""
from __future__ import annotations

import pandas as pd

from qzlib.i18n import T


def fan_bands(ax, history: pd.Series, path: pd.DataFrame, label: str = "") -> tuple[list, float]:
    """The 95 % and 80 % bands of ``path``, joined to the last actual value so the fan does not
    float; returns (x, first value) for a mean line drawn over them."""
    x = [history.index[-1]] + list(path.index)
    first = float(history.iloc[-1])
    ax.fill_between(x, [first] + list(path["lo95"]), [first] + list(path["hi95"]), color="#8fb3de", alpha=0.35,
                    lw=0, label=label + T("95% 区间"))
    ax.fill_between(x, [first] + list(path["lo80"]), [first] + list(path["hi80"]), color="#4f86c6", alpha=0.45,
                    lw=0, label=label + T("80% 区间"))
    return x, first


def fan_chart(fc, ax=None, plan_path: pd.Series | None = None, targets=None, title: str | None = None):
    """Draw actuals, the forecast mean, 80 %/95 % bands, the plan path and targets.

    ``targets`` is a mapping ``{year: value}`` or a Series; ``plan_path`` a Series by year
    (the plan's implied path, drawn dashed: it is arithmetic, not data).
    """
    import matplotlib.pyplot as plt

    from qzlib.fonts import use_cjk

    use_cjk()
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    h = fc.history
    ax.plot(h.index, h.values, "o-", color="#1f3b73", lw=1.8, ms=4, label=T("实际值"), zorder=5)
    if fc.ok and len(fc.path):
        x, first = fan_bands(ax, h, fc.path)
        ax.plot(x, [first] + list(fc.path["mean"]), "-", color="#1f3b73", lw=1.2, alpha=0.9, label=T("趋势预测"))
    if plan_path is not None and len(plan_path):
        pp = pd.Series(plan_path).dropna()
        ax.plot(pp.index, pp.values, "--", color="#b8860b", lw=1.4, label=T("规划隐含路径（推算，非数据）"))
    if targets is not None:
        tg = pd.Series(targets).dropna()
        ax.scatter(tg.index, tg.values, marker="*", s=160, color="#c0392b", zorder=6, label=T("规划目标"))
        for yr, v in tg.items():
            ax.annotate(f"{v:g}", (yr, v), textcoords="offset points", xytext=(6, 4), fontsize=9,
                        color="#c0392b")
    ax.set_xlabel(T("年份"))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    if not fc.ok:
        ax.text(0.02, 0.95, T("数据不足，不做趋势外推"), transform=ax.transAxes, va="top", fontsize=10,
                color="#7f7f7f")
    ax.legend(fontsize=8, loc="best", frameon=False)
    if own:
        fig.set_layout_engine("tight")   # laid out when drawn, once
    else:
        fig.tight_layout()               # the caller's figure: its layout is the caller's to keep
    return fig

"""One indicator's trend forecast: the object notebooks and the brief use.

``fit(series)`` chooses a method (by default the procedure chosen for the series' history
class, from the few declared in ``models.PROCEDURES``, on training-only blocks of the M3
yearly data: ``models.auto_choice``; see bench/README.md), computes a yearly path to ``horizon_to`` and calibrated 80 %/95 %
intervals, and keeps the whole predictive distribution (quantiles by year) so that the
probability of reaching a target can be read off. Short series get the simple families
only; fewer than three points get no trend at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qzlib.forecast import calibration, fit_cache, models

METHODS = ("auto", "select", "combo") + models.FAMILIES
STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient"
_AGG_ZH = {"median": "中位数", "mean": "平均值"}
_CLASS_ZH = {"short": "「不多于 5 个点」", "mid": "「6–10 个点」", "long": "「多于 10 个点」"}


@dataclass
class Forecast:
    """A fitted trend: history, yearly path with intervals, and its predictive quantiles."""

    status: str                         # 'ok' | 'insufficient'
    method: str                         # family or 'combo' actually used ('' if none)
    reason: str                         # why this method / why no forecast (Chinese)
    history: pd.Series                  # the points fitted (year index), gaps kept
    path: pd.DataFrame                  # index year; mean, lo80, hi80, lo95, hi95 (within the bounds)
    # index year, columns LEVELS: the predictive quantiles BEFORE the natural bounds; the
    # bounds act as a censoring in cdf/ppf/sample (the mass beyond a bound sits on it), so
    # P(share >= 100) is the mass the trend puts at or above 100, not a clipping artefact.
    quantiles: pd.DataFrame = field(default_factory=pd.DataFrame)
    members: tuple[str, ...] = ()       # families inside the combination
    bounds: tuple[float | None, float | None] = (None, None)

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    def _cdf_unbounded(self, year: int, value: float) -> float:
        # P(outcome <= value) from the calibrated quantiles (linear in between, exponential tails)
        if not self.ok or year not in self.quantiles.index:
            return float("nan")
        q = self.quantiles.loc[year].to_numpy(float)
        lv = np.asarray(calibration.LEVELS)
        if value <= q[0]:
            return float(lv[0] * _tail(value, q[0], q[1], lv[0], lv[1]))
        if value >= q[-1]:
            return float(1 - (1 - lv[-1]) * _tail(-value, -q[-1], -q[-2], 1 - lv[-1], 1 - lv[-2]))
        return float(np.interp(value, q, lv))

    def cdf(self, year: int, value: float) -> float:
        """P(outcome in ``year`` <= value), censored at the natural bounds."""
        lo, hi = self.bounds
        if self.ok and year in self.quantiles.index:
            if hi is not None and value >= hi:
                return 1.0
            if lo is not None and value < lo:
                return 0.0
        return self._cdf_unbounded(year, value)

    def prob_at_least(self, year: int, value: float) -> float:
        """Probability that the outcome in ``year`` reaches ``value`` or more; at a bound,
        the mass the trend puts at or beyond it."""
        lo, hi = self.bounds
        if self.ok and year in self.quantiles.index:
            if hi is not None and value > hi:
                return 0.0
            if lo is not None and value <= lo:
                return 1.0
        return 1 - self._cdf_unbounded(year, value)

    def ppf(self, year: int, u) -> np.ndarray:
        """Inverse of :meth:`cdf`: quantiles at probabilities ``u`` (exponential tails)."""
        q = self.quantiles.loc[year].to_numpy(float)
        lv = np.asarray(calibration.LEVELS)
        u = np.atleast_1d(np.asarray(u, float))
        x = np.interp(u, lv, q)
        w0 = max(q[1] - q[0], 1e-12) * lv[0] / (lv[1] - lv[0])
        w1 = max(q[-1] - q[-2], 1e-12) * (1 - lv[-1]) / (lv[-1] - lv[-2])
        low, high = u < lv[0], u > lv[-1]
        x[low] = q[0] - w0 * np.log(lv[0] / np.clip(u[low], 1e-12, None))
        x[high] = q[-1] + w1 * np.log((1 - lv[-1]) / np.clip(1 - u[high], 1e-12, None))
        lo, hi = self.bounds
        return np.clip(x, lo, hi) if lo is not None or hi is not None else x

    def sample(self, n: int, seed: int | None = 0) -> pd.DataFrame:
        """``n`` paths (rows) by year (columns) drawn from the calibrated distribution.

        One uniform draw per path is used for every year (comonotone paths), which is
        the right dependence for trend uncertainty: a path that is high in 2026 is high in
        2027 too. Values are clipped to the natural bounds, if any.
        """
        if not self.ok:
            return pd.DataFrame()
        u = np.random.default_rng(seed).uniform(size=n)
        return pd.DataFrame({y: self.ppf(y, u) for y in self.quantiles.index})

    def plot(self, ax=None, plan_path=None, targets=None, title=None):
        from qzlib.forecast.plot import fan_chart

        return fan_chart(self, ax=ax, plan_path=plan_path, targets=targets, title=title)


def _spec_zh(spec) -> str:
    """A combination in words: its members (a nested one in brackets) and how they are combined."""
    agg, members = spec
    parts = [f"［{_spec_zh(m)}］" if isinstance(m, tuple) else models.NAMES_ZH[m] for m in members]
    return f"{'、'.join(parts)}预测值的{_AGG_ZH[agg]}"


def _tail(x, q0, q1, l0, l1):
    # Exponential tail beyond the outermost quantile, matched to the slope inside it.
    width = max(q1 - q0, 1e-12)
    return float(np.exp(-(q0 - x) / width * (l1 - l0) / l0))


def _insufficient(hist: pd.Series, reason: str) -> Forecast:
    cols = ["mean", "lo80", "hi80", "lo95", "hi95"]
    return Forecast(STATUS_INSUFFICIENT, "", reason, hist, pd.DataFrame(columns=cols, dtype=float))


def fit(series: pd.Series, horizon_to: int = 2027, method: str = "auto", *,
        lower: float | None = None, upper: float | None = None,
        table: calibration.CalibrationTable | None = None) -> Forecast:
    """Fit a trend to a yearly series (index = year) and forecast to ``horizon_to``.

    Missing values and gaps stay as they are (the regression families use the real
    years; Theta and damped ETS need consecutive years). ``lower``/``upper`` are natural
    bounds (e.g. 0 and 100 for a share); the log-scale families (log-linear, geometric drift)
    are only used on strictly positive series. ``table`` overrides the shipped interval table.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    hist = pd.to_numeric(pd.Series(series), errors="coerce").dropna()
    hist.index = pd.Index([int(i) for i in hist.index], name="year")
    hist = hist[~hist.index.duplicated(keep="last")].sort_index()
    t, y = hist.index.to_numpy(float), hist.to_numpy(float)
    n = len(y)
    if n < models.MIN_POINTS_ANY:
        return _insufficient(hist, f"数据不足：仅有 {n} 个年度观测值，少于 {models.MIN_POINTS_ANY} 个，不做趋势外推")
    last = int(t[-1])
    years = np.arange(last + 1, int(horizon_to) + 1)
    if len(years) == 0:
        return _insufficient(hist, f"最新观测年份 {last} 已不早于预测终点 {horizon_to}，无需外推")
    avail = models.eligible(t, y)
    notes = []
    if not np.all(np.diff(t) == 1):
        notes.append("年份有缺口，不用要求连续年份的方法（Theta、阻尼趋势、ETS、CES、ARIMA）")
    if n < models.MIN_POINTS["theta"] and method != "auto":
        notes.append(f"仅 {n} 个观测值，不用 Theta 法和阻尼趋势")

    failures: dict[str, str] = {}
    if method == "auto":
        # The default for this length: see models.auto_choice (history classes, window rule)
        # and bench/README.md. Only its members are fitted.
        key, name, spec = models.auto_choice(t, y)
        fam = fit_cache.family_paths(t, y, years, families=set(models.spec_families(spec)), failures=failures)
    else:
        key = None                  # shipped table to use (None: by the series' length)
        table = table or calibration.shipped_table(n, key)
        # a family is offered alone only where the interval table has its row
        calibrated = {f for f in models.FAMILIES if f in table.quantiles}
        if method in models.FAMILIES and method not in calibrated and method in avail:
            return _insufficient(hist, f"方法 {method} 尚无该长度序列的区间校准表，不能单独使用（它仍可作为默认程序的成员）；"
                                       "重建区间表：bench/harness.py extend_shipped")
        fam = fit_cache.family_paths(t, y, years, families=calibrated, failures=failures)
        paths = calibration.all_methods(fam, combos=models.combos())
    chosen = method
    qname = method                  # the interval table's row
    if method == "auto":
        chosen = "combo"
        f = models.combine(fam, "auto", spec)
        paths = {"combo": f} if f is not None else {}
        members = [m for m in models.spec_families(spec) if m in fam]
        agg = _AGG_ZH[spec[0]]
        if name in models.PROCEDURES:
            qname = name
            cls = models.history_class(n)
            notes.insert(0, f"默认程序 {name}（{_spec_zh(spec)}，不可用的成员不计）：本序列有 {n} 个点，"
                            f"属于{_CLASS_ZH[cls]}一类；该类的程序在 M3 年度序列训练段三个互不重叠的验证块上事先选定")
        else:
            qname = "grid"
            where = "全部历史（多于 12 个点）" if key == "full" else f"{key} 个点的窗口"
            first = models.default_by_window().get(key, {}).get("name", name)
            if name == first:
                why = f"用{where}在 M3 年度序列训练段末 6 年验证中排名第一的组合"
            else:
                why = (f"{where}验证排名第一的 {first} 的成员不能全部用于本序列（年份缺口或非正值），"
                       f"取该窗口排名最高的可用组合；区间沿用 {first} 的误差分位数")
            notes.insert(0, f"默认组合 {name}（各可用方法预测值的{agg}）：本序列有 {n} 个点，{why}")
    elif method == "select":
        errs = calibration.origin_errors(t, y, window=None)
        cands = [m for m in paths]
        best, why = calibration.select_method(errs, cands)
        chosen = best or "combo"
        notes.insert(0, f"按本序列滚动起点误差选择：{why}" if best else "序列太短，无法滚动检验，改用默认组合")
        members = [chosen] if chosen in fam else [m for m in models.default_combo()[1] if m in fam]
    else:
        if method not in paths:
            need = "个连续年份" if method in models.CONSECUTIVE_ONLY else "个观测值"
            why = f"方法 {method} 不适用于此序列（需至少 {models.MIN_POINTS.get(method, '?')} {need}" + (
                "、且全部为正值" if method in ("loglinear", "logdrift") else "") + f"；可用：{', '.join(avail)}）"
            return _insufficient(hist, why)
        members = [method] if method in fam else [m for m in models.combos()[method][1] if m in fam]
        notes.insert(0, f"按指定方法 {models.NAMES_ZH.get(method, method)}")
    for m, why in failures.items():
        notes.append(f"{models.NAMES_ZH.get(m, m)}拟合失败，未纳入（{why}）")
    if chosen not in paths:
        return _insufficient(hist, "没有可用的趋势方法：" + "；".join(notes))

    table = table or calibration.shipped_table(n, key)
    scale = calibration.scale_of(t, y)
    h = (years - last).astype(int)
    mean = paths[chosen]
    if method != "auto":
        qname = chosen
    q = mean[:, None] + table.offsets(qname, h) * scale
    q = np.sort(q, axis=1)
    quant = pd.DataFrame(q, index=pd.Index(years, name="year"), columns=list(calibration.LEVELS))
    if lower is not None or upper is not None:
        q = np.clip(q, lower, upper)
        mean = np.clip(mean, lower, upper)
    lv = list(calibration.LEVELS)
    path = pd.DataFrame({
        "mean": mean,
        "lo80": q[:, lv.index(0.1)], "hi80": q[:, lv.index(0.9)],
        "lo95": q[:, lv.index(0.025)], "hi95": q[:, lv.index(0.975)],
    }, index=quant.index)
    if h.max() > calibration.HORIZON:
        notes.append(f"超过 {calibration.HORIZON} 年的区间按期数线性放宽（未经检验）")
    notes.append("区间取自训练段内伪样本外误差的分位数（非模型自带区间）")
    label = models.NAMES_ZH.get(chosen, chosen)
    if chosen == "combo":
        label += "（" + "、".join(models.NAMES_ZH[m] for m in members) + "）"
    return Forecast(STATUS_OK, chosen, f"{label}：" + "；".join(notes), hist, path, quant, tuple(members),
                    (lower, upper))

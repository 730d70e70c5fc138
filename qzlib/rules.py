"""The verdict rules, in one place: met or not, on schedule or not, which step of a ladder.

Every comparison a reader can check is made on the numbers as the brief prints them:
a value is compared at ``VALUE_DIGITS`` decimals, a ratio (R, the extrapolated ratio)
at ``RATIO_DIGITS``, a share (completion, time progress, probability) at whole per cent.
So a completion of 2/3 at time 2/3 reads "同步" even though floating point makes
(2.9 − 2.7)/(3.0 − 2.7) = 0.6666666666666662, and an R of 0.9497, printed "0.95", is on
track as the appendix says (R ≥ 0.95). The progress lenses, the scenario engine, the
explorer and ``qz trend progress`` all call these functions.

Comparators: '≥', '=' and '' mean "reach at least the target" (达到/突破); '>' means
strictly above (at the printed precision); '≈' (左右) counts as met within
``APPROX_TOLERANCE`` of the target on the side that falls short; '≤' and its Chinese
spellings mean lower is better.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np

VALUE_DIGITS = 2        # values and targets, as fmt.num prints them
RATIO_DIGITS = 2        # R and the extrapolated ratio ("R=0.95")
SHARE_DIGITS = 2        # completion, time progress, probability: whole per cent ("67%")
APPROX_TOLERANCE = 0.02  # '≈' (左右): met within ±2 % of the target value
LOWER_IS_BETTER = frozenset({"<=", "≤", "<", "不高于", "以下", "低于"})
STRICT = frozenset({">", "<"})


def value_digits(kind: str | None) -> int:
    """Decimals a value of this indicator kind is printed and compared at: a count is whole
    ("5.6 家" is not a count), every other value has ``VALUE_DIGITS``.

    >>> value_digits("count"), value_digits("share")
    (0, 2)
    """
    return 0 if kind == "count" else VALUE_DIGITS


def shown(x, digits: int) -> Decimal | None:
    """``x`` rounded half-up to ``digits`` decimals, as printed; None when not a number.

    >>> shown(0.6666666666666662, 2), shown(2 / 3, 2), shown(0.9497, 2), shown(0.945, 2)
    (Decimal('0.67'), Decimal('0.67'), Decimal('0.95'), Decimal('0.95'))
    >>> shown(float("nan"), 2) is None, shown(None, 2) is None
    (True, True)
    """
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    try:
        return Decimal(repr(f)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # pragma: no cover - absurdly large values
        return Decimal(repr(f))


def text(x, digits: int, percent: bool = False, signed: bool = False) -> str:
    """The printed form of ``x``: the same rounding the comparisons use.

    >>> text(0.6666666666666662, 2, percent=True), text(0.9497, 2), text(-0.451, 2, signed=True)
    ('67%', '0.95', '-0.45')
    """
    d = shown(x, digits)
    if d is None:
        return "—"
    if percent:
        return f"{d * 100:.{max(digits - 2, 0)}f}%"
    return f"{d:+.{digits}f}" if signed else f"{d:.{digits}f}"


def at_least(x, edge, digits: int) -> bool:
    """``x ≥ edge`` at the printed precision (False when either is missing).

    >>> at_least((2.9 - 2.7) / (3.0 - 2.7), (2024 - 2022) / (2025 - 2022), SHARE_DIGITS)
    True
    >>> at_least(0.9497, 0.95, RATIO_DIGITS), at_least(0.9449, 0.95, RATIO_DIGITS)
    (True, False)
    """
    a, b = shown(x, digits), shown(edge, digits)
    return a is not None and b is not None and a >= b


def direction(comparator: str | None) -> int:
    """+1 when a larger number is the achievement, -1 for '≤'-type targets.

    Decline indicators (能耗降幅) state the fall itself, so a larger fall is better: +1.
    """
    return -1 if (comparator or "").strip() in LOWER_IS_BETTER else 1


def threshold(target: float, comparator: str | None, d: int = 1) -> float:
    """The value that counts as meeting the target: for '≈' the edge of the tolerance on
    the side that falls short (below for d = +1, above for d = -1).

    >>> round(threshold(100 / 3, "≈"), 4), threshold(30.0, "≥"), threshold(100.0, "≈", d=-1)
    (32.6667, 30.0, 102.0)
    """
    if (comparator or "").strip() == "≈":
        return target - d * abs(target) * APPROX_TOLERANCE
    return target


def is_met(value, target, comparator: str | None = "≥", d: int | None = None,
           digits: int = VALUE_DIGITS) -> bool:
    """Has ``value`` met ``target``? Compared at the printed precision.

    >>> is_met(2.9999999999, 3.0), is_met(2.994, 3.0), is_met(32.0, 32.0, ">"), is_met(32.01, 32.0, ">")
    (True, False, False, True)
    >>> is_met(101.5, 100.0, "≈", d=-1), is_met(102.5, 100.0, "≈", d=-1), is_met(7.0, 8.0, "≤")
    (True, False, True)
    """
    if d is None:
        d = direction(comparator)
    v = shown(value, digits)
    t = shown(None if target is None else threshold(float(target), comparator, d), digits)
    if v is None or t is None:
        return False
    strict = (comparator or "").strip() in STRICT
    if d < 0:
        return v < t if strict else v <= t
    return v > t if strict else v >= t


def ladder(x, steps, below: tuple[str, str], digits: int) -> tuple[str, str]:
    """(label, colour) of the first step ``(edge, label, colour)``, best first, that ``x``
    reaches at the printed precision; ``below`` if none.

    >>> steps = [(0.95, "进度正常", "green"), (0.6, "需加快", "amber"), (0.0, "进展有限", "red")]
    >>> ladder(0.9497, steps, ("背离目标", "red"), RATIO_DIGITS)[0], ladder(-0.2, steps, ("背离目标", "red"), 2)[0]
    ('进度正常', '背离目标')
    """
    if x == math.inf:
        return steps[0][1], steps[0][2]
    for edge, label, colour in steps:
        if at_least(x, edge, digits):
            return label, colour
    return below


# ---- paces ---------------------------------------------------------------------------

def cagr(v0, v1, years) -> float:
    """Compound yearly growth from v0 to v1 over ``years``; NaN when undefined.

    >>> round(cagr(119, 160, 3), 3)   # per-mu value added 119 -> 160 by 2025
    0.104
    >>> math.isnan(cagr(0, 5, 3)), math.isnan(cagr(-1, 2, 3)), round(cagr(-4, -2, 1), 2)
    (True, True, 0.5)
    """
    try:
        v0, v1, years = float(v0), float(v1), float(years)
    except (TypeError, ValueError):
        return float("nan")
    if years <= 0 or math.isnan(v0) or math.isnan(v1):
        return float("nan")
    if v0 == 0 or v1 == 0 or (v0 > 0) != (v1 > 0):
        return float("nan")
    g = (v1 / v0) ** (1.0 / years) - 1
    return float(g if v0 > 0 else -g)  # for two negatives, growth towards zero is a rise


def pace(v0, y0, v1, y1) -> tuple[float, float]:
    """(points or units per year, CAGR) between two dated values.

    >>> p, g = pace(2.7, 2022, 3.0, 2025); round(p, 3), round(g, 4)
    (0.1, 0.0357)
    >>> p, g = pace(3.0, 2025, 3.4, 2027); round(p, 3), round(g, 4)
    (0.2, 0.0646)
    """
    if y1 is None or y0 is None or y1 <= y0:
        return float("nan"), float("nan")
    return (float(v1) - float(v0)) / (y1 - y0), cagr(v0, v1, y1 - y0)


def uses_points(unit: str | None) -> bool:
    """Paces of a per-cent indicator are stated in points a year; others as growth rates."""
    return str(unit or "").strip() == "%"


def interpolate(years, anchors: list[tuple[int, float]], after: str = "stop") -> np.ndarray:
    """Steady growth through ``anchors`` [(year, value), …]: geometric between two positive
    values, linear otherwise; NaN outside unless ``after`` is 'hold' or 'continue'.

    The plan path and every scenario path are drawn by this one function.

    >>> [round(float(v), 2) for v in interpolate([2022, 2023, 2025, 2026], [(2022, 119.0), (2025, 160.0), (2027, 195.0)])]
    [119.0, 131.34, 160.0, 176.64]
    >>> [float(v) for v in interpolate([2024, 2026], [(2022, -2.0), (2026, 2.0)])]
    [0.0, 2.0]
    """
    years = np.asarray(years)
    out = np.full(len(years), np.nan)
    pts = sorted((int(y), float(v)) for y, v in anchors)
    if not pts:
        return out
    for (y0, v0), (y1, v1) in zip(pts, pts[1:]):
        sel = (years >= y0) & (years <= y1)
        f = (years[sel] - y0) / (y1 - y0)
        out[sel] = v0 * (v1 / v0) ** f if (v0 > 0 and v1 > 0) else v0 + (v1 - v0) * f
    for y, v in pts:  # anchors exactly
        out[years == y] = v
    beyond = years > pts[-1][0]
    if beyond.any() and after != "stop":
        if after == "hold" or len(pts) < 2:
            out[beyond] = pts[-1][1]
        else:  # continue at the last segment's pace
            (y0, v0), (y1, v1) = pts[-2], pts[-1]
            n = years[beyond] - y1
            if v0 > 0 and v1 > 0:
                out[beyond] = v1 * (v1 / v0) ** (n / (y1 - y0))
            else:
                out[beyond] = v1 + (v1 - v0) / (y1 - y0) * n
    return out

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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np

from qzlib.i18n import N_

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
    >>> text(-0.001, 2, signed=True), text(-0.004, 2, percent=True)
    ('0.00', '0%')
    """
    d = shown(x, digits)
    if d is None:
        return "—"
    if d == 0:
        d = abs(d)          # never "-0.00": a value that rounds to zero has no sign
        signed = False
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


# ---- path shapes ------------------------------------------------------------------------
# How a value moves from one dated value to the next, declared per indicator in the catalogue:
# steady growth (geometric), equal yearly additions (counts), equal yearly points (shares in %).
SHAPES = ("growth", "additions", "points")
SHAPE_ZH = {"growth": N_("按不变增速（几何）增长"), "additions": N_("每年等量增加"), "points": N_("每年等量变动百分点")}


def default_shape(kind: str | None, unit: str | None = "") -> str:
    """The shape of an indicator kind when the catalogue declares none: counts add, shares
    and declines in % move by points, levels and ratios grow steadily.

    >>> default_shape("count"), default_shape("share", "%"), default_shape("ratio", "万元/亩")
    ('additions', 'points', 'growth')
    """
    if kind == "count":
        return "additions"
    if kind in ("share", "decline") or str(unit or "").strip() == "%":
        return "points"
    return "growth"


def is_linear(shape: str) -> bool:
    """Additions and points move by a fixed amount a year; growth by a fixed rate."""
    return shape in ("additions", "points")


def advance(value, rate, years, shape: str = "growth"):
    """``value`` carried ``years`` years at ``rate`` a year: ``value + rate × years`` for
    additions and points, ``value × (1 + rate) ** years`` for growth. The one place a pace is
    applied: plan paths, scenario paths, extrapolation and the explorer call it (arrays too).

    For a negative value, growth towards zero counts as a rise, as :func:`cagr` has it.

    >>> advance(70, 17, 6, "additions"), round(advance(70, 0.394, 6), 1), advance(2.9, 0.1, 2, "points")
    (172, 513.7, 3.1)
    >>> [round(float(x), 6) for x in advance(100.0, 0.1, np.array([0.0, 1.0, 2.0]))]
    [100.0, 110.0, 121.0]
    """
    if is_linear(shape):
        return value + rate * years
    towards = np.where(np.asarray(value) < 0, -rate, rate)   # a negative value rises towards zero
    out = value * (1 + towards) ** years
    return float(out) if np.ndim(out) == 0 else out


def per_year(v0, y0, v1, y1, shape: str = "growth") -> float:
    """The pace from (y0, v0) to (y1, v1) in the shape's measure: units (or points) a year for
    additions and points, the compound rate for growth; NaN when undefined.

    >>> per_year(36, 2022, 70, 2024, "additions"), round(per_year(2.7, 2022, 3.0, 2025, "points"), 2)
    (17.0, 0.1)
    >>> round(per_year(119, 2022, 160, 2025), 4), math.isnan(per_year(0, 2022, 5, 2025))
    (0.1037, True)
    """
    try:
        v0, v1 = float(v0), float(v1)
    except (TypeError, ValueError):
        return float("nan")
    if y0 is None or y1 is None or y1 <= y0 or math.isnan(v0) or math.isnan(v1):
        return float("nan")
    if is_linear(shape):
        return (v1 - v0) / (y1 - y0)
    return cagr(v0, v1, y1 - y0)


def interpolate(years, anchors: list[tuple[int, float]], after: str = "stop", shape: str = "growth") -> np.ndarray:
    """The path through ``anchors`` [(year, value), …] in the indicator's shape: steady growth
    (geometric between two positive values, linear otherwise), or equal yearly additions or
    points (linear); NaN outside unless ``after`` is 'hold' or 'continue' (the last segment's pace).

    The plan path and every scenario path are drawn by this one function.

    >>> [round(float(v), 2) for v in interpolate([2022, 2023, 2025, 2026], [(2022, 119.0), (2025, 160.0), (2027, 195.0)])]
    [119.0, 131.34, 160.0, 176.64]
    >>> [round(float(v), 2) for v in interpolate([2023, 2024, 2026], [(2022, 2.7), (2025, 3.0), (2027, 3.4)], shape="points")]
    [2.8, 2.9, 3.2]
    >>> [float(v) for v in interpolate([2024, 2026], [(2022, -2.0), (2026, 2.0)])]
    [0.0, 2.0]
    """
    years = np.asarray(years)
    out = np.full(len(years), np.nan)
    pts = sorted((int(y), float(v)) for y, v in anchors)
    if not pts:
        return out

    def segment_shape(v0, v1):
        return shape if is_linear(shape) or (v0 > 0 and v1 > 0) else "points"

    for (y0, v0), (y1, v1) in zip(pts, pts[1:]):
        sel = (years >= y0) & (years <= y1)
        how = segment_shape(v0, v1)
        out[sel] = advance(v0, per_year(v0, y0, v1, y1, how), years[sel] - y0, how)
    for y, v in pts:  # anchors exactly
        out[years == y] = v
    beyond = years > pts[-1][0]
    if beyond.any() and after != "stop":
        if after == "hold" or len(pts) < 2:
            out[beyond] = pts[-1][1]
        else:  # continue at the last segment's pace
            (y0, v0), (y1, v1) = pts[-2], pts[-1]
            how = segment_shape(v0, v1)
            out[beyond] = advance(v1, per_year(v0, y0, v1, y1, how), years[beyond] - y1, how)
    return out


# ---- verdicts ----------------------------------------------------------------------------
# One verdict per indicator and milestone. The yardstick is the plan's own path (baseline
# through every milestone, in the indicator's declared shape), so a back-loaded plan is
# judged by the pace it asks for in each year, not by a straight line to its last target.
VERDICTS = ("met", "on_track", "at_risk", "off_track", "not_assessed")
VERDICT_ZH = {"met": N_("已达成"), "on_track": N_("进度正常"), "at_risk": N_("有风险"), "off_track": N_("偏离"),
              "not_assessed": N_("无法评估")}   # the same words as the catalogue's verdict.words (qzlib.i18n)
VERDICT_COLOUR = {"met": "green", "on_track": "green", "at_risk": "amber", "off_track": "red",
                  "not_assessed": "grey"}
PATH_ON_TRACK = 0.95   # progress ≥ 95 % of the change the plan path expects by the latest year: on track
PATH_AT_RISK = 0.60    # 60 % ≤ progress < 95 %: at risk; below 60 % (or moving away): off track


def plain(x, digits: int = VALUE_DIGITS) -> str:
    """A number as printed, trailing zeros dropped (2.90 → '2.9', 70.0 → '70'; NaN → '—').

    >>> plain(2.9), plain(70.0, 0), plain(33.333), plain(-0.001), plain(float("nan"))
    ('2.9', '70', '33.33', '0', '—')
    """
    d = shown(x, digits)
    if d is None:
        return "—"
    t = f"{d:.{digits}f}"
    t = t.rstrip("0").rstrip(".") if "." in t else t
    return "0" if t in ("-0", "") else t


def _why(*parts) -> tuple:
    """Message parts of a reason: (message, fields, joiner), hashable; joiner '' glues a part to
    the one before it, 'sep' puts the language's separator between them."""
    return tuple((message, tuple(sorted(fields.items())), joiner) for message, fields, joiner in parts)


@dataclass(frozen=True)
class Verdict:
    """A milestone's verdict: its code, the reason (message parts, any language), and the
    figure it rests on."""

    code: str                     # one of VERDICTS
    why: tuple = ()               # the reason as message parts (see :func:`text`)
    progress: float = math.nan    # share of the plan path's expected change reached (the deciding number)
    path_value: float = math.nan  # the plan path at the judged figure's year
    judged_year: int | None = None
    judged_value: float = math.nan
    start_year: int | None = None  # where the path starts: the plan's baseline, else the first own figure
    start_value: float = math.nan
    met_year: int | None = None   # the year from which the target has been met

    @property
    def zh(self) -> str:
        return VERDICT_ZH[self.code]

    @property
    def colour(self) -> str:
        return VERDICT_COLOUR[self.code]

    @property
    def basis(self) -> str:
        """What the reason rests on, as a code ('qualitative', 'only_base', 'fell_back', 'path', …)."""
        return REASON_CODES.get(self.why[0][0], "path") if self.why else ""

    @property
    def reason(self) -> str:
        """The reason in the language in use (always said)."""
        return self.text()

    def text(self, lang: str | None = None) -> str:
        """The reason in ``lang`` (default: the language in use), from the catalogues (qzlib.i18n)."""
        from qzlib import i18n

        with i18n.using(lang or i18n.current()):
            out = ""
            for message, fields, joiner in self.why:
                f = dict(fields)
                if "raw" in f:
                    f["raw"] = i18n.term("phrase", f["raw"])
                out += (i18n.T("；") if out and joiner == "sep" else "") + i18n.T(message, **f)
            return out


REASON_CODES = {
    N_("目标为定性表述（{raw}），不作量化评估"): "qualitative",
    N_("目标值缺失，不作评估"): "no_target",
    N_("目标值 {target} 超过自然上限 {ceiling}，请核对规划表"): "over_ceiling",
    N_("规划未给基期值，尚无观测值"): "no_figure",
    N_("{year}年已达到目标（{value}，目标 {target}）"): "met",
    N_("{year}年已达到目标（最新值 {value}，{latest_year}年；目标 {target}）"): "met",
    N_("目标年{year}年实际值 {value}，未达到目标 {target}"): "missed",
    N_("目标年{year}年实际值 {value}，未达到目标 {target}（曾于{met_year}年达到）"): "missed",
    N_("目标年{year}年已过，其数值尚未取得（最新为{latest_year}年 {latest}）"): "pending",
    N_("规划未给基期值，仅有{year}年一个数值（{value}），尚不能判断进度"): "one_own",
    N_("只有{year}年基期值（{value}），尚无后续数据"): "only_base",
    N_("曾于{met_year}年达到目标，{year}年回落至 {value}（规划路径值 {path}）"): "fell_back",
}


def judge(figures, *, milestone: tuple[int, float | None], year: int, start: tuple[int, float] | None = None,
          milestones=(), shape: str = "growth", comparator: str | None = "≥", qualitative: str = "",
          cumulative: bool = False, kind: str | None = None, ceiling: float | None = None) -> Verdict:
    """The verdict of one milestone ``(target year, target value)`` in a brief for ``year``.

    ``figures``: the region's own figures [(year, value), …] (later years than ``year`` are
    ignored: a brief knows nothing after its year); ``start``: the plan's baseline, or None when
    the plan gives none (the first own figure then starts the path); ``milestones``: every
    numeric (year, value) target of the indicator, so the path is the plan's own.

    - ``met`` once a figure meets the target, from the year it was reached (a cumulative count
      stays met; any other figure that falls back is judged again, and the reason says so);
    - a milestone whose year has passed is met or ``off_track`` by its year's figure, and
      ``not_assessed`` while that figure is not yet held;
    - otherwise the latest figure against the plan path at its year: progress ≥ PATH_ON_TRACK of
      the change the path expects since the start is ``on_track``, ≥ PATH_AT_RISK ``at_risk``,
      else ``off_track``;
    - ``not_assessed`` (with the reason) for a qualitative target, or no figure after the start.

    >>> rd = dict(milestone=(2025, 3.0), start=(2022, 2.7), milestones=[(2025, 3.0), (2027, 3.4)], shape="points")
    >>> v = judge([(2023, 2.8), (2024, 2.9)], year=2024, **rd); v.code, v.path_value, v.progress
    ('on_track', 2.9, 1.0)
    >>> judge([(2024, 2.85)], year=2024, **rd).code, judge([(2024, 2.75)], year=2024, **rd).code
    ('at_risk', 'off_track')
    >>> firms = dict(milestone=(2025, 66.0), start=(2022, 36.0), shape="additions", cumulative=True, kind="count")
    >>> v = judge([(2023, 50), (2024, 70)], year=2024, **firms); v.code, v.met_year
    ('met', 2024)
    >>> judge([(2023, 3.4)], milestone=(2025, None), year=2024, qualitative="完成省下达任务").reason
    '目标为定性表述（完成省下达任务），不作量化评估；最新值 3.4（2023年）'
    >>> judge([(2023, 15.2)], milestone=(2025, 19.0), year=2024, milestones=[(2025, 19.0)], shape="points").reason
    '规划未给基期值，仅有2023年一个数值（15.2），尚不能判断进度'
    >>> judge([(2024, 2.9), (2025, 3.1)], year=2024, **rd).code   # 2025 is after the brief's year
    'on_track'
    """
    target_year, target = int(milestone[0]), milestone[1]
    d = direction(comparator)
    digits = value_digits(kind)
    figs = sorted((int(y), float(v)) for y, v in figures
                  if y is not None and int(y) <= int(year) and v is not None and not math.isnan(float(v)))

    def say(v) -> str:
        return plain(v, digits)

    latest = [(N_("最新值 {value}（{year}年）"), {"value": say(figs[-1][1]), "year": figs[-1][0]}, "sep")] if figs else []
    if qualitative or target is None or math.isnan(float(target)):
        head = (N_("目标为定性表述（{raw}），不作量化评估"), {"raw": qualitative}, "") if qualitative else (N_("目标值缺失，不作评估"), {}, "")
        return Verdict("not_assessed", _why(head, *latest), judged_year=figs[-1][0] if figs else None,
                       judged_value=figs[-1][1] if figs else math.nan)
    target = float(target)
    if ceiling is not None and target > ceiling:
        return Verdict("not_assessed", _why((N_("目标值 {target} 超过自然上限 {ceiling}，请核对规划表"), {"target": say(target), "ceiling": say(ceiling)},
                                             "")))
    own_start = start is None
    if own_start:
        if not figs:
            return Verdict("not_assessed", _why((N_("规划未给基期值，尚无观测值"), {}, "")))
        start = figs[0]
    start = (int(start[0]), float(start[1]))
    own = [f for f in figs if f[0] > start[0]]
    known = [start] + own

    def met_from(upto: int) -> int | None:
        """The year from which the figures up to ``upto`` have met the target (None if the last has not)."""
        first = None
        for y, v in known:
            if y > upto:
                break
            if is_met(v, target, comparator, d, digits):
                first = y if first is None else first
            elif not cumulative:
                first = None
        return first

    def ever_met(upto: int) -> int | None:
        return next((y for y, v in known if y <= upto and is_met(v, target, comparator, d, digits)), None)

    base = dict(start_year=start[0], start_value=start[1])
    if target_year < int(year):                      # the milestone's year has passed
        at_t = dict(known).get(target_year)
        met = met_from(target_year)
        if at_t is not None or met is not None:
            if met is not None:
                return Verdict("met", _why((N_("{year}年已达到目标（{value}，目标 {target}）"), {"year": met, "value": say(dict(known)[met]),
                                                               "target": say(target)}, "")), met_year=met,
                               judged_year=target_year, judged_value=at_t if at_t is not None else math.nan, **base)
            lost = ever_met(target_year)
            key = N_("目标年{year}年实际值 {value}，未达到目标 {target}（曾于{met_year}年达到）") if lost \
                else N_("目标年{year}年实际值 {value}，未达到目标 {target}")
            return Verdict("off_track", _why((key, {"year": target_year, "value": say(at_t), "target": say(target),
                                                    **({"met_year": lost} if lost else {})}, "")),
                           judged_year=target_year, judged_value=at_t, **base)
        last = known[-1]
        return Verdict("not_assessed", _why((N_("目标年{year}年已过，其数值尚未取得（最新为{latest_year}年 {latest}）"), {"year": target_year, "latest_year": last[0],
                                                                 "latest": say(last[1])}, "")),
                       judged_year=last[0], judged_value=last[1], **base)
    met = met_from(int(year))
    if met is not None:
        last = known[-1]
        return Verdict("met", _why((N_("{year}年已达到目标（最新值 {value}，{latest_year}年；目标 {target}）"), {"year": met, "value": say(last[1]), "latest_year": last[0],
                                                          "target": say(target)}, "")), met_year=met,
                       judged_year=last[0], judged_value=last[1], **base)
    if not own:
        why = _why((N_("规划未给基期值，仅有{year}年一个数值（{value}），尚不能判断进度") if own_start else N_("只有{year}年基期值（{value}），尚无后续数据"),
                    {"year": start[0], "value": say(start[1])}, ""))
        return Verdict("not_assessed", why, judged_year=start[0], judged_value=start[1], **base)
    ly, lv = own[-1]
    anchors = [start] + sorted((int(y), float(v)) for y, v in milestones
                               if v is not None and not math.isnan(float(v)) and int(y) > start[0])
    if len(anchors) < 2:
        anchors.append((target_year, target))
    p = float(interpolate([ly], anchors, shape=shape)[0])
    lost = ever_met(ly)
    here = ((N_("曾于{met_year}年达到目标，{year}年回落至 {value}（规划路径值 {path}）"), {"met_year": lost, "year": ly, "value": say(lv), "path": say(p)}, "") if lost
            else (N_("{year}年 {value}，规划路径值 {path}"), {"year": ly, "value": say(lv), "path": say(p)}, ""))
    expected = (p - start[1]) * d
    progress = (lv - start[1]) / (p - start[1]) if expected > 0 else math.nan
    facts = dict(progress=progress, path_value=p, judged_year=ly, judged_value=lv, **base)
    if is_met(lv, p, "≤" if d < 0 else "≥", d, digits):
        return Verdict("on_track", _why(here, (N_("：不低于规划路径") if d > 0 else N_("：不高于规划路径"), {}, "")),
                       **facts)
    if expected <= 0:
        return Verdict("off_track", _why(here, (N_("：未守住规划路径"), {}, "")), **facts)
    share = text(progress, SHARE_DIGITS, percent=True)
    code = ("on_track" if at_least(progress, PATH_ON_TRACK, RATIO_DIGITS) else
            "at_risk" if at_least(progress, PATH_AT_RISK, RATIO_DIGITS) else "off_track")
    move = (N_("：反向变动"), {}, "") if progress < 0 else (N_("：完成规划路径预期变动的 {share}"), {"share": share}, "")
    return Verdict(code, _why(here, move), **facts)

"""Progress towards the plan's targets through four lenses, with the plan's implied pace.

Lenses (each has its thresholds as named constants below; :func:`method_notes` describes them):

1. Completion vs time (中期评估, "时间过半、任务过半"): completion = (actual - base) /
   (target - base) against time progress = (year - base year) / (target year - base year).
2. Observed vs required growth (Eurostat SDG monitoring; Open SDG sdg-build):
   R = d * CAGR_obs / |CAGR_req|.
3. Extrapolated ratio (UN Statistics Division, SDG progress chart): the latest value carried
   at the observed CAGR to the target year; ratio = (projected - base) / (target - base).
4. Probability of meeting the target, from the calibrated predictive distribution of
   :func:`qzlib.forecast.fit` (needs at least three yearly values).

Met, on schedule and every ladder step are decided by :mod:`qzlib.rules` (one rule, at the
printed precision). Every indicator of the family is stated so that a larger number is
the achievement (a 降幅 decline indicator is a positive fall), so d = +1 unless the
target's comparator says lower is better.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from qzlib import rules
from qzlib.catalogue import natural_bounds
from qzlib.forecast import calibration
from qzlib.i18n import N_, T
from qzlib.plan.path import milestone_paces
from qzlib.plan.path import plan_path as _plan_path

# ---- comparators and limits -------------------------------------------------------

# ---- lens 1: completion vs time -----------------------------------------------------
# On schedule when completion >= time progress (no slack, as in 时间过半、任务过半);
# ahead when completion exceeds time progress by AHEAD_MARGIN or more (share of the gap).
AHEAD_MARGIN = 0.10
# ---- lens 2: observed vs required growth (Eurostat) -----------------------------------
R_ON_TRACK = 0.95            # R >= 0.95: on track
R_ACCELERATE = 0.60          # 0.60 <= R < 0.95: acceleration needed
R_LIMITED = 0.0              # 0 <= R < 0.60: limited progress; R < 0: moving away
# ---- lens 3: extrapolated ratio (UNSD) -----------------------------------------------
X_ON_TRACK = 0.95            # ratio >= 0.95: on track
X_ACCELERATE = 0.10          # 0.10 <= ratio < 0.95: acceleration needed; below: stagnation/regression
# ---- lens 4: probability (likelihood words as in the IPCC calibrated language) --------
P_LIKELY = 2 / 3             # P >= 2/3: likely to be met
P_UNLIKELY = 1 / 3           # P < 1/3: unlikely; in between: about as likely as not
MIN_POINTS_PROBABILITY = 3   # fewer yearly values: no forecast, no probability

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
FLOOR_MISSED = "未达到目标（目标低于基期值）"
COLOUR_HEX = {GREEN: "#2e8b57", AMBER: "#e0a100", RED: "#c0392b", GREY: "#9e9e9e"}
COLOUR_ZH = {GREEN: "绿", AMBER: "黄", RED: "红", GREY: "灰"}

def method_notes() -> str:
    """The lenses' method and thresholds in the language in use, read from the constants at call time."""
    rows = [
        T("| 辅助视角 | 计算方法 | 判定标准（阈值） | 来源 |"),
        "|---|---|---|---|",
        T("| ① 完成度与时间进度 | 完成度 =（实际值 − 起点值）/（目标值 − 起点值）；时间进度 =（评估年 − 起点年）/（目标年 − 起点年），"
          "即按直线（匀速）衡量 | 完成度 ≥ 时间进度 + {ahead}：超前（绿）；完成度 ≥ 时间进度：同步（绿）；完成度 < 时间进度：滞后（黄）；"
          "完成度 < 0：倒退（红） | 规划中期评估“时间过半、任务过半” |", ahead=f"{AHEAD_MARGIN:.0%}"),
        T("| ② 实际速度与所需速度之比 | R = d × 实际速度 / \\|所需速度\\|（d = +1，数值越大越好）；速度按指标的路径形态计："
          "年均增速（复合增长率）、每年增加量或每年变动的百分点；所需速度为起点至目标的匀速 | 已达到目标：已达成（绿）；"
          "R ≥ {on}：进度正常（绿）；{acc} ≤ R < {on}：需加快（黄）；0 ≤ R < {acc}：进展有限（红）；R < 0：背离目标（红）。"
          "按增速计时起点值与最新值须同号、非零；占比类指标以 100% 为上限 | 欧盟统计局 SDG 监测方法（Open SDG sdg-build 实现） |",
          on=R_ON_TRACK, acc=R_ACCELERATE),
        T("| ③ 按实际速度外推 | 以最新值按实际速度（同一路径形态）推算至目标年；比值 =（推算值 − 起点值）/（目标值 − 起点值） | "
          "比值 ≥ {on}：可如期实现（绿）；{acc} ≤ 比值 < {on}：需加快（黄）；比值 < {acc}：停滞或倒退（红） | 联合国统计司 SDG 进展图 |",
          on=X_ON_TRACK, acc=X_ACCELERATE),
        T("| ④ 达标概率 | 由校准后的趋势预测分布（至少 {n} 个年度值）计算目标年达到目标的概率；已达到的目标不再计算概率 | "
          "P ≥ 2/3：可能达成（绿）；1/3 ≤ P < 2/3：难以判断（黄）；P < 1/3：不太可能（红） | OECD“距目标距离”后期版本；"
          "可能性措辞参照 IPCC |", n=MIN_POINTS_PROBABILITY),
    ]
    rest = T("比较符：“≥”“=”及未注明者按“达到或超过目标”判断；“>”按“超过目标”；“≈”（左右）在目标值 ±{tol} 以内即视为达到。"
             "降幅类指标以降幅数值本身为成绩（越大越好）。所有比较均按简报所印位数进行（数值两位小数，数量类取整；比值两位小数；百分比取整）。"
             "规划隐含路径按各指标声明的路径形态在基期值与各目标值之间推算（非统计数据），用于显示规划本身的节奏："
             "例如某百分比指标基期 2.7、三年后目标 3.0、再过两年目标 3.4，即前三年每年 +0.10 个百分点、后两年每年 +0.20 个百分点，任务后移。"
             "无观测值时只报告所需速度和规划路径，不做趋势判断。"
             "目标年已有观测值时，四个视角均按该年实际值判定“已达到/未达到目标”；目标年之后的数据不用于该目标。"
             "目标值低于起点值（“不低于”型底线）而最新值未达到时，视角①③标为“未达到目标”（红）。"
             "最近 {window} 个年度值完全没有变化时无法估计波动，视角④不作概率判断。",
             tol=f"{rules.APPROX_TOLERANCE:.0%}", window=calibration.SCALE_WINDOW)
    return "\n".join(rows) + "\n\n" + rest


# ---- the four lenses --------------------------------------------------------------------

def lens_completion(base_year, base, target_year, target, year_obs, value, comparator="≥", d=1,
                    digits=rules.VALUE_DIGITS) -> dict:
    """Lens 1: completion against time progress (a straight line from the start to the target)."""
    time_p = (year_obs - base_year) / (target_year - base_year)
    if rules.is_met(value, target, comparator, d, digits):
        return dict(time_progress=time_p, completion=_safe_ratio(value - base, target - base),
                    l1_label=N_("已完成"), l1_colour=GREEN)
    if target == base:
        return dict(time_progress=time_p, completion=float("nan"), l1_label=N_("目标等于基期值，不适用"),
                    l1_colour=GREY)
    if (target - base) * d < 0:       # a floor the baseline already cleared, now missed
        return dict(time_progress=time_p, completion=float("nan"), l1_label=FLOOR_MISSED, l1_colour=RED)
    comp = (value - base) / (target - base)
    lab, col = rules.ladder(comp, [(time_p + AHEAD_MARGIN, N_("超前"), GREEN), (time_p, N_("同步"), GREEN), (0, N_("滞后"), AMBER)],
                            (N_("倒退"), RED), rules.SHARE_DIGITS)
    return dict(time_progress=time_p, completion=comp, l1_label=lab, l1_colour=col)


def lens_growth(base_year, base, target_year, target, year_obs, value, comparator="≥", d=1,
                limit=None, shape="growth", digits=rules.VALUE_DIGITS) -> dict:
    """Lens 2: R = d * observed pace / |required pace| (Eurostat), paces in the indicator's
    shape: compound growth for levels and ratios, yearly additions or points otherwise."""
    out = dict(cagr_obs=float("nan"), cagr_req=float("nan"), r_growth=float("nan"))
    if rules.is_met(value, target, comparator, d, digits):
        out.update(l2_label=N_("已达成"), l2_colour=GREEN)
        return out
    if year_obs <= base_year:
        out.update(l2_label=N_("仅有起点值，无法计算实际速度"), l2_colour=GREY)
        return out
    if not rules.is_linear(shape) and (base == 0 or value == 0 or (base > 0) != (value > 0)
                                       or (base > 0) != (target > 0)):
        out.update(l2_label=N_("起点值、最新值或目标值为零或符号不同，增速不可比"), l2_colour=GREY)
        return out
    if limit is not None and target > limit:
        out.update(l2_label=T("目标超过自然上限 {limit}", limit=f"{limit:g}"), l2_colour=GREY)
        return out
    g_obs = rules.per_year(base, base_year, value, year_obs, shape)
    g_req = rules.per_year(base, base_year, target, target_year, shape)
    out.update(cagr_obs=g_obs, cagr_req=g_req)
    if g_req == 0 or np.isnan(g_req):
        out.update(l2_label=N_("目标等于起点值，不适用"), l2_colour=GREY)
        return out
    r = d * g_obs / abs(g_req)
    out["r_growth"] = r
    out["l2_label"], out["l2_colour"] = rules.ladder(
        r, [(R_ON_TRACK, N_("进度正常"), GREEN), (R_ACCELERATE, N_("需加快"), AMBER), (R_LIMITED, N_("进展有限"), RED)],
        (N_("背离目标"), RED), rules.RATIO_DIGITS)
    return out


def lens_extrapolate(base_year, base, target_year, target, year_obs, value, comparator="≥", d=1,
                     limit=None, shape="growth", digits=rules.VALUE_DIGITS) -> dict:
    """Lens 3: the latest value carried at the observed pace (in the indicator's shape) to the
    target year (UNSD)."""
    out = dict(projected=float("nan"), ratio_extrap=float("nan"))
    if rules.is_met(value, target, comparator, d, digits):
        out.update(l3_label=N_("已达成"), l3_colour=GREEN)
        return out
    g = rules.per_year(base, base_year, value, year_obs, shape)
    if np.isnan(g) or target == base:
        out.update(l3_label=N_("无法外推（仅起点值、零值或符号不同）"), l3_colour=GREY)
        return out
    proj = float(rules.advance(value, g, target_year - year_obs, shape))
    if limit is not None:
        proj = min(proj, limit)
    ratio = (proj - base) / (target - base)
    out.update(projected=proj, ratio_extrap=ratio)
    if (target - base) * d < 0:       # a floor below the baseline: the ratio says nothing
        out.update(ratio_extrap=float("nan"))
        out["l3_label"], out["l3_colour"] = ((N_("可如期实现"), GREEN) if rules.is_met(proj, target, comparator, d, digits)
                                             else (FLOOR_MISSED, RED))
        return out
    graded = float("inf") if rules.is_met(proj, target, comparator, d, digits) else ratio
    out["l3_label"], out["l3_colour"] = rules.ladder(
        graded, [(X_ON_TRACK, N_("可如期实现"), GREEN), (X_ACCELERATE, N_("需加快"), AMBER)], (N_("停滞或倒退"), RED),
        rules.RATIO_DIGITS)
    return out


def lens_probability(history: pd.Series, target_year, target, comparator="≥", d=1, limit=None,
                     lower=None) -> dict:
    """Lens 4: probability of meeting the target from the calibrated forecast."""
    from qzlib.forecast.trend import fit

    out = dict(prob=float("nan"), forecast_method="", forecast_mean=float("nan"))
    h = pd.Series(history).dropna()
    why = no_forecast_reason(h)
    if why:
        out.update(l4_label=T("{why}，不做概率判断", why=why), l4_colour=GREY)
        return out
    fc = fit(h, horizon_to=int(target_year), upper=limit, lower=lower)
    if not fc.ok or int(target_year) not in fc.path.index:
        out.update(l4_label=T("无法预测：{reason}", reason=fc.reason), l4_colour=GREY)
        return out
    thr = rules.threshold(target, comparator, d)
    p = fc.prob_at_least(int(target_year), thr) if d > 0 else fc.cdf(int(target_year), thr)
    out.update(prob=p, forecast_method=fc.method, forecast_mean=float(fc.path.loc[int(target_year), "mean"]))
    out["l4_label"], out["l4_colour"] = rules.ladder(
        p, [(P_LIKELY, N_("可能达成"), GREEN), (P_UNLIKELY, N_("难以判断"), AMBER)], (N_("不太可能"), RED), rules.SHARE_DIGITS)
    return out


def no_forecast_reason(history: pd.Series) -> str:
    """Why a history gets no trend forecast ('' when it gets one).

    The one rule for lens ④ and for every fan chart of the region's own series: at least
    MIN_POINTS_PROBABILITY yearly values, and some change among the last SCALE_WINDOW of
    them (interval widths follow those changes: none, no spread).
    """
    h = pd.Series(history).dropna()
    if len(h) < MIN_POINTS_PROBABILITY:
        return T("观测值少于 {n} 个", n=MIN_POINTS_PROBABILITY)
    if np.ptp(h.to_numpy(float)[-calibration.SCALE_WINDOW:]) == 0:
        return T("最近 {n} 个年度值没有变化，无法估计波动", n=calibration.SCALE_WINDOW)
    return ""


def with_baseline(observed: pd.Series, base_year: int | None, base_value: float | None,
                  up_to: int | None = None) -> pd.Series:
    """The region's history of one indicator: its observations plus the plan's baseline
    figure when the observations do not hold that year (a published figure), up to ``up_to``."""
    hist = pd.Series(observed, dtype=float).copy()
    if base_year is not None and base_value is not None and not pd.isna(base_value) \
            and int(base_year) not in hist.index:
        hist.loc[int(base_year)] = float(base_value)
    hist = hist.sort_index()
    return hist if up_to is None else hist[hist.index <= up_to]


def _safe_ratio(a, b):
    return float(a / b) if b not in (0, 0.0) and not np.isnan(b) else float("nan")


def assess(base_year: int | None, base_value: float | None, target_year: int, target_value: float | None,
           observations: pd.Series | None = None, year: int | None = None, *, comparator: str = "≥",
           qualifier: str = "exact", kind: str = "level", higher_is_better: bool = True,
           shape: str | None = None) -> dict:
    """Assess one indicator against one target through all four lenses.

    ``observations`` is a Series of observed values by year (the baseline year may be in
    it); only years up to ``year`` AND up to ``target_year`` are used: a target is judged on
    the path to its own year, and once its year is observed, on that year's value alone
    (met or missed). Without a baseline in the plan, the first figure starts the lenses.
    A target already met gets no pace still needed and no probability. Returns a flat dict
    of numbers, Chinese labels and colour keys (green/amber/red/grey), plus a plain ``note``.
    (The verdict itself is :func:`qzlib.rules.judge`; these lenses support it.)
    """
    d = 1 if higher_is_better else -1
    shape = shape or rules.default_shape(kind)
    digits = rules.value_digits(kind)
    lower, limit = natural_bounds(kind)
    obs = pd.Series(dtype=float) if observations is None else pd.to_numeric(pd.Series(observations),
                                                                            errors="coerce").dropna()
    obs.index = [int(i) for i in obs.index]
    obs = obs[~obs.index.duplicated(keep="last")].sort_index()
    if year is not None:
        obs = obs[obs.index <= year]
    beyond = obs[obs.index > target_year]            # after the target year: not this target's path
    obs = obs[obs.index <= target_year]
    row = dict(target_year=target_year, target_value=target_value, base_year=base_year, base_value=base_value,
               comparator=comparator or "≥", qualifier=qualifier, latest_year=np.nan, latest_value=np.nan,
               n_obs=int(len(obs)), shape=shape)
    blank = {f"l{i}_label": "" for i in range(1, 5)} | {f"l{i}_colour": GREY for i in range(1, 5)}
    row.update(blank)
    if len(obs):
        row.update(latest_year=int(obs.index[-1]), latest_value=float(obs.iloc[-1]))
    if qualifier == "qualitative" or target_value is None or pd.isna(target_value):
        msg = N_("定性目标，无量化目标值，不作评估") if qualifier == "qualitative" else N_("目标值缺失，不作评估")
        row.update({f"l{i}_label": msg for i in range(1, 5)}, note=msg)
        return row
    comparator = comparator or "≥"
    if limit is not None and target_value > limit:
        msg = T("目标值 {target} 超过自然上限 {limit}，请核对", target=f"{target_value:g}", limit=f"{limit:g}")
        row.update({f"l{i}_label": msg for i in range(1, 5)}, note=msg)
        return row
    if base_value is None or pd.isna(base_value):     # no baseline: the first own figure starts the lenses
        if obs.empty:
            msg = N_("规划未给基期值，尚无观测值")
            row.update({f"l{i}_label": msg for i in range(1, 5)}, note=msg)
            return row
        base_year, base_value = int(obs.index[0]), float(obs.iloc[0])
        row.update(base_year=base_year, base_value=base_value)
    # The baseline is a published figure: use it as a point of the history when the
    # observations do not already hold that year.
    hist = with_baseline(obs, base_year, base_value, up_to=target_year)
    later = hist[hist.index > base_year]
    if later.empty:
        msg = N_("只有起点值、尚无后续观测值：只报告所需速度和规划路径，不做趋势判断")
        row.update({f"l{i}_label": msg for i in range(1, 5)}, note=msg, latest_year=base_year,
                   latest_value=float(base_value))
        row.update(_required(base_year, base_value, target_year, target_value, shape, comparator, d, digits))
        return row
    ly, lv = int(later.index[-1]), float(later.iloc[-1])
    row.update(latest_year=ly, latest_value=lv, note="")
    row.update(lens_completion(base_year, base_value, target_year, target_value, ly, lv, comparator, d, digits))
    if ly == target_year:
        return _verdict(row, ly, lv, target_value, comparator, d, digits)
    row.update(lens_growth(base_year, base_value, target_year, target_value, ly, lv, comparator, d, limit, shape,
                           digits))
    row.update(lens_extrapolate(base_year, base_value, target_year, target_value, ly, lv, comparator, d, limit,
                                shape, digits))
    if rules.is_met(lv, target_value, comparator, d, digits):
        row.update(l4_label=N_("已达成"), l4_colour=GREEN, note=T("{year} 年已达到目标", year=ly))
    else:
        row.update(lens_probability(hist, target_year, target_value, comparator, d, limit, lower))
    row.update(_required(ly, lv, target_year, target_value, shape, comparator, d, digits))
    row["note"] = "；".join(x for x in (row["note"], _beyond_note(beyond, target_year, ly)) if x)
    return row


def _beyond_note(beyond: pd.Series, target_year: int, latest_year: int) -> str:
    """Say that observations after the target year were set aside ('' if there are none)."""
    if beyond.empty:
        return ""
    return T("目标年 {target_year} 无观测值，按 {latest_year} 年及以前的数据判断（{first} 年起的数据不用于此目标）",
             target_year=target_year, latest_year=latest_year, first=int(beyond.index[0]))


def _verdict(row: dict, year: int, value: float, target: float, comparator: str, d: int, digits: int) -> dict:
    """The target year is observed: every lens gives that value's verdict (met or missed);
    no pace and no forecast."""
    met = rules.is_met(value, target, comparator, d, digits)
    lab, col = (N_("目标年实际值已达到目标"), GREEN) if met else (N_("目标年实际值未达到目标"), RED)
    row.update({f"l{i}_label": lab for i in range(1, 5)} | {f"l{i}_colour": col for i in range(1, 5)})
    said = T("{year} 年实际值 {value}，已达到目标 {target}") if met else T("{year} 年实际值 {value}，未达到目标 {target}")
    row["note"] = said.format(year=year, value=rules.plain(value, digits), target=rules.plain(target, digits))
    return row


def _required(y0, v0, target_year, target, shape, comparator, d, digits) -> dict:
    """Pace still needed from (y0, v0) to the target, in the indicator's shape; none once met."""
    if rules.is_met(v0, target, comparator, d, digits):
        return dict(required_pts_per_year=np.nan, required_cagr=np.nan, required_pace=np.nan)
    p, g = rules.pace(v0, y0, target, target_year)
    return dict(required_pts_per_year=p, required_cagr=g, required_pace=rules.per_year(v0, y0, target, target_year,
                                                                                       shape))


# ---- plan table helpers -------------------------------------------------------------------

def plan_path(points: pd.DataFrame, code: str) -> pd.Series:
    """The plan's implied yearly path between its milestones (NOT data); see qzlib.plan.path."""
    return _plan_path(points, code)


def segment_paces(points: pd.DataFrame, code: str) -> pd.DataFrame:
    """Pace the plan implies inside each milestone segment: points/yr and CAGR."""
    rows = [dict(code=code, from_year=m["from_year"], to_year=m["to_year"], from_value=m["from_value"],
                 to_value=m["to_value"], pts_per_year=m["points_per_year"], cagr=m["cagr"])
            for m in milestone_paces(points, code)]
    return pd.DataFrame(rows, columns=["code", "from_year", "to_year", "from_value", "to_value",
                                       "pts_per_year", "cagr"])


def observed_series(observations: pd.DataFrame, code: str, region: str) -> pd.Series:
    """Selected observed values of one indicator for one region (the plan's, see
    qzlib.plan.meta), by year."""
    if observations is None or observations.empty:
        return pd.Series(dtype=float)
    o = observations
    mask = (o["region"] == region) & (o["indicator"] == code)
    if "selected" in o.columns:
        mask &= o["selected"].fillna(False).astype(bool)
    s = o.loc[mask, ["year", "value"]].dropna()
    s = s.drop_duplicates("year", keep="last").set_index("year")["value"].astype(float).sort_index()
    s.index = s.index.astype(int)
    return s


def progress_table(points: pd.DataFrame, observations: pd.DataFrame, year: int, region: str) -> pd.DataFrame:
    """One row per indicator x target year with every lens, the paces and the plan path.

    ``points``: the long plan table (code, number, name_zh, name_en, unit, kind, shape, year,
    role, value, raw, qualifier, comparator); ``observations``: region, indicator, year, value,
    selected. Only observations of ``region`` (the plan's own place) up to ``year`` count.
    The verdict that decides is not here: :func:`qzlib.forecast.verdicts.verdict_table` joins
    these lenses to :func:`qzlib.rules.judge`.
    """
    from qzlib.plan.path import shape as shape_of

    rows = []
    for code, p in points.groupby("code", sort=False):
        p = p.sort_values("year")
        info = p.iloc[0]
        base = p[p["role"] == "baseline"]
        by = int(base["year"].iloc[0]) if len(base) else None
        bv = float(base["value"].iloc[0]) if len(base) and pd.notna(base["value"].iloc[0]) else None
        obs = observed_series(observations, code, region)
        path = plan_path(points, code)
        shape = shape_of(points, code)
        segs = segment_paces(points, code).set_index("to_year") if bv is not None or len(p) > 1 else None
        for _, t in p[p["role"] == "target"].iterrows():
            comparator = t.get("comparator", "≥") or "≥"
            r = assess(by, bv, int(t["year"]), None if pd.isna(t["value"]) else float(t["value"]), obs, year,
                       comparator=comparator, qualifier=t.get("qualifier", "exact"), kind=info["kind"],
                       higher_is_better=rules.direction(comparator) > 0, shape=shape)
            seg = segs.loc[int(t["year"])] if segs is not None and int(t["year"]) in segs.index else None
            r.update(
                code=code, number=info.get("number"), name_zh=info.get("name_zh"), name_en=info.get("name_en"),
                unit=info.get("unit"), kind=info["kind"], target_raw=t.get("raw"),
                segment_from_year=None if seg is None else int(seg["from_year"]),
                segment_pts_per_year=np.nan if seg is None else seg["pts_per_year"],
                segment_cagr=np.nan if seg is None else seg["cagr"],
                plan_path_value=float(path.get(year, np.nan)) if len(path) else np.nan,
            )
            for k in ("required_pts_per_year", "required_cagr", "required_pace"):
                r.setdefault(k, np.nan)
            rows.append(r)
    out = pd.DataFrame(rows)
    for c in PROGRESS_COLUMNS:
        if c not in out.columns:
            out[c] = np.nan
    return out[PROGRESS_COLUMNS].reset_index(drop=True)


PROGRESS_COLUMNS = ["code", "number", "name_zh", "name_en", "unit", "kind", "shape", "target_year", "target_value",
                    "target_raw", "comparator", "qualifier", "base_year", "base_value", "latest_year", "latest_value",
                    "n_obs", "time_progress", "completion", "l1_label", "l1_colour",
                    "cagr_obs", "cagr_req", "r_growth", "l2_label", "l2_colour",
                    "projected", "ratio_extrap", "l3_label", "l3_colour",
                    "prob", "forecast_method", "forecast_mean", "l4_label", "l4_colour",
                    "segment_from_year", "segment_pts_per_year", "segment_cagr",
                    "required_pts_per_year", "required_cagr", "required_pace", "plan_path_value", "note"]
LENS_NAMES_ZH = {"l1": N_("视角①（完成度与时间进度，按直线）"), "l2": N_("视角②（实际与所需速度之比，按基期至目标的匀速）"),
                 "l3": N_("视角③（按实际速度外推）"), "l4": N_("视角④（趋势模型的达标概率）")}


def fan_charts(points: pd.DataFrame, observations: pd.DataFrame, region: str, codes=None,
               horizon_to: int | None = None) -> dict:
    """Fan chart per indicator where a trend can be fitted: {code: Figure}.

    The history is the region's selected observations plus the plan's baseline figure;
    the plan path (dashed) and the numeric targets are marked.
    """
    import matplotlib.pyplot as plt

    from qzlib.forecast.trend import fit

    figs = {}
    for code in codes or points["code"].drop_duplicates().tolist():
        p = points[points["code"] == code]
        if p.empty:
            continue
        info = p.iloc[0]
        base = p[(p["role"] == "baseline") & p["value"].notna()]
        hist = with_baseline(observed_series(observations, code, region),
                             int(base["year"].iloc[0]) if len(base) else None,
                             float(base["value"].iloc[0]) if len(base) else None)
        lower, upper = natural_bounds(info["kind"])
        last = horizon_to or int(p["year"].max())
        fc = fit(hist, horizon_to=last, upper=upper, lower=lower)
        if not fc.ok:
            continue
        tg = p[(p["role"] == "target") & p["value"].notna()].set_index("year")["value"]
        fig = fc.plot(plan_path=plan_path(points, code), targets=tg,
                      title=f"{info.get('name_zh', code)}（{info.get('unit', '')}）")
        plt.close(fig)
        figs[code] = fig
    return figs

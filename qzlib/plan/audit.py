"""Where the plan's body and its annexes say the same thing differently.

Two passes, both matching by text similarity (difflib), never by hand-made pairs:

1. Body targets ↔ 附件1 indicators. A body target is paired with the indicator whose
   catalogue code its subject matches (qzlib.catalogue.match_code), or — for names the
   catalogue does not know — with the most similar uncoded indicator name. The pair is
   compared on number (same target year), unit and name; for cumulative indicators
   (累计) a yearly rate (每年 N) is multiplied out over the milestones and a plan-period
   total is compared with the increase the table implies.
2. Body paragraphs ↔ 附件2/附件3 rows. Each annex row is paired with the body paragraph
   that covers most of its text; clause by clause, numbers, units and wording are compared.

Numbers are compared as quantities (:func:`qzlib.numbers.same_quantity`): the register keeps
the plan's own units and reads the ones a subject implies (亩均税收达到28万元 is 28 万元/亩,
每万人口…6.5件 is 6.5 件/万人), so a number written in other words is no unit difference.

Findings: ``number_differs``, ``unit_differs``, ``wording_differs``, ``cumulative_vs_rate``,
``approx_vs_exact`` (the same number, approximate in one place — 30%左右 — and exact in the
other: status ``ambiguous``, since whether slightly less meets the target is left open) and
``same_document`` (one document cited by its 《title》 in one place and by its number,
浙政发〔2023〕4号, in the other, in the same spot of the same clause, the number's year one of
the title's: status ``consistent``, no wording difference). Checks that add up (cumulative
totals, one document cited two ways) are listed with status ``consistent`` so a reader sees
what was checked; every other finding has status ``differs`` or ``ambiguous``.

Each finding is said twice from the same facts: ``detail`` (English, for the terminal and
the tests) and ``detail_zh`` (plain Chinese for the brief). ``body_excerpt`` and
``annex_excerpt`` cut the quotes to about :data:`EXCERPT_WIDTH` characters around the part
that differs, at clause boundaries where possible, so the brief's table fits an A4 page.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

import pandas as pd

from qzlib.catalogue import by_code, match_code
from qzlib.numbers import fold, same_quantity, to_base_unit
from qzlib.plan.targets import _strip_subject, find_targets
from qzlib.text import split_outside_brackets, top_level_positions

COLUMNS = ["finding_id", "kind", "subject", "body_quote", "body_location", "annex_quote", "annex_location",
           "detail", "status", "detail_zh", "body_excerpt", "annex_excerpt"]
EXCERPT_WIDTH = 60  # characters of an excerpt, ellipses included
ELLIPSIS = "…"
_CUT_AFTER = "，、；。：,;:"
_CLAUSE_END = "，；。"  # a clause of a body paragraph or an annex cell, for matching the two
NAME_MATCH = 0.6  # similarity needed to pair a body subject with an uncoded indicator name
CLAUSE_MATCH = 0.5  # similarity needed to call two clauses the same statement
_PUNCT = re.compile(r"[，。；、：,.;:\s“”\"《》（）()]")
_TITLE = re.compile(r"《[^《》]+》")
_DOC_NUMBER = re.compile(r"〔((?:19|20)\d\d)〕\d+号")  # the issuer's characters stand in front
_ISSUER = 6  # at most this many characters name the issuer of a document number (浙政发, 衢政办发)
_CONTEXT = 2  # characters on each side of a citation that must agree for two citations to stand in one spot


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


_NUMERAL = set("零一二两三四五六七八九十百千万亿0123456789")


def _bare_name(name: str) -> str:
    """Name without what does not change its meaning: quotes, 的, 累计, a leading verb,
    及 in 及以上, a trailing 数量."""
    bare = re.sub(r"[“”\"\s的]|^累计", "", name).replace("及以上", "以上")
    bare = re.sub(r"数量$", "", bare)
    return _strip_subject(bare) or bare


def diff_spans(body: str, annex: str, gap: int = 4) -> list[tuple[int, int, int, int]]:
    """(i1, i2, j1, j2) for every span where ``body[i1:i2]`` became ``annex[j1:j2]`` (near spans merged)."""
    sm = SequenceMatcher(None, body, annex, autojunk=False)
    spans: list[list[int]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if spans and i1 - spans[-1][1] < gap and j1 - spans[-1][3] < gap:
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    return [tuple(s) for s in spans]


def diff_text(body: str, annex: str, gap: int = 4) -> str:
    """'正文「经费」→附件「费用」; …' for every span that differs (near spans merged)."""
    return "; ".join(f"正文「{body[i1:i2]}」→附件「{annex[j1:j2]}」"
                     for i1, i2, j1, j2 in diff_spans(body, annex, gap))


def diff_text_zh(body: str, annex: str, gap: int = 4) -> str:
    """The spans of :func:`diff_spans` as a Chinese clause: 正文“经费”，附件作“费用”；…

    A shared stretch no longer than the differing text on either side of it is said as part of
    one replacement (a title and a document number that share only their year read as one
    change, not as two fragments)."""
    merged: list[list[int]] = []
    for span in diff_spans(body, annex, gap):
        if merged:
            prev = merged[-1]
            shared = span[0] - prev[1]
            if shared <= _longest(prev) and shared <= _longest(span):
                prev[1], prev[3] = span[1], span[3]
                continue
        merged.append(list(span))
    parts = []
    for i1, i2, j1, j2 in merged:
        b, a = body[i1:i2], annex[j1:j2]
        if b and a:
            parts.append(f"正文{_q(b)}，附件作{_q(a)}")
        elif b:
            parts.append(f"正文有{_q(b)}，附件没有")
        else:
            parts.append(f"附件有{_q(a)}，正文没有")
    return "；".join(parts)


def _longest(span) -> int:
    return max(span[1] - span[0], span[3] - span[2])


def _q(text: str) -> str:
    """Quote for Chinese prose; a text already in “” stays as it is, 「」 when it holds “” inside."""
    if re.fullmatch("“[^“”]*”", text):
        return text
    return f"「{text}」" if re.search("[“”]", text) else f"“{text}”"


def _with_unit(raw: str, unit: str) -> str:
    """An annex cell with its column's unit: 28 → 28万元/亩; 1/3左右 → 1/3左右（%）."""
    if unit and unit not in raw:
        return f"{raw}{unit}" if re.fullmatch(r"\d+(?:\.\d+)?", raw) else f"{raw}（{unit}）"
    return raw


def _loc_zh(location: str) -> str:
    """'正文 二（三）8' → '正文二（三）8': Chinese prose has no spaces."""
    return location.replace(" ", "")


def _num_zh(v: float) -> str:
    return _num(v).replace("-", "−")


def _delta_zh(v: float) -> str:
    return ("＋" if v >= 0 else "−") + _num(abs(v))


def _span_of(text: str, *needles: str) -> tuple[int, int]:
    """Smallest span holding the first needle and, nearest to it, each other needle found in ``text``.

    Positions are looked up in the folded text (same length), so full-width digits match."""
    t = fold(text)
    found = [fold(n) for n in needles if n and fold(n) in t]
    if not found:
        return 0, 0
    anchor = found[0]
    best = None
    for m in re.finditer(re.escape(anchor), t):
        lo, hi = m.start(), m.end()
        for other in found[1:]:
            starts = [o.start() for o in re.finditer(re.escape(other), t)]
            s0 = min(starts, key=lambda s: min(abs(s - lo), abs(s + len(other) - hi)))
            lo, hi = min(lo, s0), max(hi, s0 + len(other))
        if best is None or hi - lo < best[1] - best[0]:
            best = (lo, hi)
    return best


def excerpt(text: str, start: int, end: int, width: int = EXCERPT_WIDTH) -> str:
    """At most ``width`` characters of ``text`` (ellipses included) around ``text[start:end]``.

    Whole text when it fits. Otherwise whole clauses around the focus are kept, added on the
    side that keeps the focus nearest the middle, and … marks each cut; a focus clause too
    long for that is cut by characters, centred on the focus."""
    if len(text) <= width:
        return text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    end = max(end, start)
    cuts = sorted({0, len(text)} | {i + 1 for i in top_level_positions(text, _CUT_AFTER)})

    def size(lo: int, hi: int) -> int:
        return len(_trim(text, lo, hi)) + (lo > 0) + (hi < len(text))

    lo = max(c for c in cuts if c <= start)
    hi = min(c for c in cuts if c >= end and c > lo)
    if size(lo, hi) > width:
        keep = width - 2  # room for two ellipses
        lo = start if end - start > keep else (start + end) // 2 - keep // 2
        lo = max(0, min(lo, len(text) - keep))
        hi = lo + keep
        if lo == 0:
            hi = width - 1  # one ellipsis only
        elif hi == len(text):
            lo = len(text) - (width - 1)
        return _wrap(text, lo, hi, trim=False)
    while True:
        options = []
        left = max((c for c in cuts if c < lo), default=None)
        right = min((c for c in cuts if c > hi), default=None)
        # grow on the side that keeps the focus nearest the middle
        if left is not None and size(left, hi) <= width:
            options.append((abs((start - left) - (hi - end)), left, hi))
        if right is not None and size(lo, right) <= width:
            options.append((abs((start - lo) - (right - end)), lo, right))
        if not options:
            return _wrap(text, lo, hi)
        _, lo, hi = min(options)


def _trim(text: str, lo: int, hi: int) -> str:
    """The piece, without a clause mark left dangling before a cut."""
    piece = text[lo:hi]
    return piece.rstrip("，、；：,;:") if hi < len(text) else piece


def _wrap(text: str, lo: int, hi: int, trim: bool = True) -> str:
    piece = _trim(text, lo, hi) if trim else text[lo:hi]
    return (ELLIPSIS if lo > 0 else "") + piece + (ELLIPSIS if hi < len(text) else "")


def _differs_in_numerals(a: str, b: str) -> bool:
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return any(set(a[i1:i2] + b[j1:j2]) & _NUMERAL for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")


def _num(v: float) -> str:
    return f"{v:g}"


def _indicator_for(subject: str, indicators: pd.DataFrame) -> dict | None:
    code = match_code(subject)
    if code:
        hit = indicators[indicators["code"] == code]
        return hit.iloc[0].to_dict() if len(hit) else _by_name(subject, indicators[indicators["code"] == ""])
    return _by_name(subject, indicators[indicators["code"] == ""])


def _by_name(subject: str, pool: pd.DataFrame) -> dict | None:
    best, score = None, 0.0
    for rec in pool.to_dict("records"):
        a, b = _bare_name(subject), _bare_name(rec["name_zh"])
        r = _ratio(a, b)
        if r > score and not _differs_in_numerals(a, b):  # 千亿元企业 is not 百亿元企业
            best, score = rec, r
    return best if score >= NAME_MATCH else None


def _is_cumulative(rec: dict) -> bool:
    cat = by_code()
    return "累计" in rec["name_zh"] or bool(rec["code"] and cat[rec["code"]].cumulative)


def _annex1_quote(rec: dict, years: list[int]) -> str:
    cells = "，".join(f"{y}年 {rec[f'raw_{y}']}" for y in years)
    return f"{rec['name_zh']}（{rec['unit']}）：{cells}"


def audit(targets: pd.DataFrame, indicators: pd.DataFrame, paragraphs, annex_rows, annex1_label="附件1"):
    """All findings as a DataFrame with :data:`COLUMNS`."""
    findings: list[dict] = []
    findings += _body_vs_indicators(targets, indicators, annex1_label)
    findings += _body_vs_rows(paragraphs, annex_rows)
    for f in findings:
        f["body_excerpt"] = excerpt(f["body_quote"], *f.pop("body_focus"))
        f["annex_excerpt"] = excerpt(f["annex_quote"], *f.pop("annex_focus"))
    out = pd.DataFrame(findings, columns=COLUMNS[1:])
    out.insert(0, "finding_id", [f"A{i:02d}" for i in range(1, len(out) + 1)])
    return out


def _body_vs_indicators(targets: pd.DataFrame, indicators: pd.DataFrame, label: str) -> list[dict]:
    years = sorted(int(c[6:]) for c in indicators.columns if c.startswith("value_"))
    base_year = int(indicators["baseline_year"].iloc[0]) if len(indicators) else None
    out: list[dict] = []
    seen_names: set[tuple[str, int]] = set()
    body = targets[targets["source"] == "body"]
    for t in body.to_dict("records"):
        rec = _indicator_for(t["subject"], indicators)
        if rec is None:
            continue
        loc = f"{label} 第{rec['number']}行"
        common = {"subject": rec["name_zh"], "body_quote": t["sentence"], "body_location": t["location"],
                  "body_focus": _span_of(t["sentence"], t["raw"], t["subject"])}
        bloc, aloc = _loc_zh(t["location"]), _loc_zh(loc)
        period = t["period"]
        year = int(period[3:]) if period.startswith("by_") and int(period[3:]) in years else None
        # name: one finding per (subject wording, indicator)
        a, b = _bare_name(t["subject"]), _bare_name(rec["name_zh"])
        if a not in b and b not in a and (t["subject"], rec["number"]) not in seen_names:
            seen_names.add((t["subject"], rec["number"]))
            out.append({**common, "kind": "wording_differs", "annex_quote": rec["name_zh"], "annex_location": loc,
                        "detail": f"indicator named differently: {diff_text(a, b)}", "status": "differs",
                        "detail_zh": f"{bloc}称{_q(t['subject'])}，{aloc}指标名为{_q(rec['name_zh'])}："
                                     f"{diff_text_zh(a, b)}，指标名称不一致。",
                        "body_focus": _span_of(t["sentence"], t["subject"]),
                        "annex_focus": (0, len(rec["name_zh"]))})
        if year is not None:
            av = rec[f"value_{year}"]
            raw = rec[f"raw_{year}"]
            quote = f"{rec['name_zh']}（{rec['unit']}）{year}年：{raw}"
            annex = {"annex_quote": quote, "annex_location": f"{loc} {year}年",
                     "annex_focus": _span_of(quote, f"{year}年")}
            annex_zh = f"{aloc}{_q(rec['name_zh'])}{year}年目标为{_with_unit(raw, rec['unit'])}"
            same_unit, same_number = same_quantity(t["value"], t["unit"], av if pd.notna(av) else 0.0, rec["unit"])
            if not same_unit:
                out.append({**common, **annex, "kind": "unit_differs", "status": "differs",
                            "detail": f"body states {t['raw']} (unit {t['unit']}); annex column unit is {rec['unit']}",
                            "detail_zh": f"{bloc}写{_q(t['raw'])}，{annex_zh}，单位表述不一致。"})
            elif pd.notna(av) and not same_number:
                out.append({**common, **annex, "kind": "number_differs", "status": "differs",
                            "detail": f"body {t['raw']} vs annex {raw} ({rec['unit']})",
                            "detail_zh": f"{bloc}写{_q(t['raw'])}，{annex_zh}，数值不一致。"})
            elif pd.notna(av) and (t["comparator"] == "≈") != (rec[f"qualifier_{year}"] == "approx"):
                out.append({**common, **annex, **_approx_vs_exact(
                    t["comparator"] == "≈", (t["raw"], _q(t["raw"]), bloc), (f"{raw} ({rec['unit']})", annex_zh),
                    f"{_num_zh(av)}{rec['unit']}")})
        if _is_cumulative(rec) and base_year is not None:
            out += _cumulative(t, rec, years, base_year, loc, common)
    return out


def _approx_vs_exact(body_approx: bool, body: tuple[str, str, str], annex: tuple[str, str], amount: str) -> dict:
    """The finding for one number said as approximate (左右) in one place and exact in the other.

    ``body`` is (raw, quoted raw, Chinese location), ``annex`` (raw, Chinese phrase), ``amount``
    the number with its unit in Chinese prose."""
    (b_raw, b_quoted, bloc), (a_raw, annex_zh) = body, annex
    said = ("approximate", "exact") if body_approx else ("exact", "approximate")
    said_zh = ("约数", "确数") if body_approx else ("确数", "约数")
    return {"kind": "approx_vs_exact", "status": "ambiguous",
            "detail": f"body {b_raw} is {said[0]}, annex {a_raw} is {said[1]}: whether slightly less than "
                      f"the number meets the target is left open",
            "detail_zh": f"{bloc}写{b_quoted}（{said_zh[0]}），{annex_zh}（{said_zh[1]}）："
                         f"略低于{amount}是否算达到，两处说法不一。"}


def _in_unit(value: float, unit: str, target_unit: str) -> float | None:
    """``value`` written in ``unit``, said in ``target_unit`` (None when they measure different things)."""
    (v, u), (f, tu) = to_base_unit(value, unit), to_base_unit(1.0, target_unit)
    return v / f if u == tu else None


def _cumulative(t: dict, rec: dict, years: list[int], base_year: int, loc: str, common: dict) -> list[dict]:
    stated = _in_unit(t["value"], t["unit"], rec["unit"])
    if stated is None:  # another unit: said as a unit difference, no sum to check
        return []
    quote = _annex1_quote(rec, years)
    common = {**common, "annex_focus": (0, len(quote))}
    bloc, aloc, unit = _loc_zh(t["location"]), _loc_zh(loc), rec["unit"]
    values = [(y, rec[f"value_{y}"]) for y in years if pd.notna(rec[f"value_{y}"])]
    if len(values) < 2:
        return []
    if t["period"] == "per_year":
        rate, checks, checks_zh, ok = stated, [], [], True
        for k, ((y0, v0), (y1, v1)) in enumerate(zip(values, values[1:])):
            implied = rate * (y1 - y0)
            good = abs((v1 - v0) - implied) < 1e-9
            ok &= good
            checks.append(f"{y0}→{y1}: {_num(rate)}/yr × {y1 - y0} = {_num(implied)} vs annex "
                          f"{_num(v0)}→{_num(v1)} (+{_num(v1 - v0)}) {'✓' if good else '✗'}")
            checks_zh.append(f"{y0}—{y1}年{_num_zh(rate)}{unit}×{y1 - y0}年＝{_num_zh(implied)}{unit}，"
                             f"与{aloc + '的' if k == 0 else ''}{_num_zh(v0)}→{_num_zh(v1)}"
                             f"（{_delta_zh(v1 - v0)}）{'一致' if good else '不一致'}")
        verdict = "年度目标与附件累计数相符" if ok else "年度目标与附件累计数不符"
        return [{**common, "kind": "cumulative_vs_rate", "annex_quote": quote, "annex_location": loc,
                 "detail": "; ".join(checks), "status": "consistent" if ok else "differs",
                 "detail_zh": f"{bloc}为每年{t['subject']}{t['raw']}：{'；'.join(checks_zh)}，{verdict}。"}]
    if t["period"] in ("plan_period", "cumulative", f"by_{values[-1][0]}"):
        (_, first), (last_year, last) = values[0], values[-1]
        gain = last - first
        total = stated
        first_year = values[0][0]
        if abs(total - gain) < 1e-9:
            status, why = "consistent", f"stated total {_num(total)} = annex increase {_num(first)}→{_num(last)}"
            why_zh = (f"{bloc}写{t['subject']}{t['raw']}，等于{aloc}{first_year}—{last_year}年的增量"
                      f"（{_num_zh(first)}→{_num_zh(last)}，{_delta_zh(gain)}），一致。")
        elif abs(total - last) < 1e-9:
            status = "ambiguous"
            why = (f"stated {t['raw']} equals the annex's {last_year} stock ({_num(last)}), which includes the "
                   f"{base_year} base of {_num(first)}: only {_num(gain)} would be new; read as new additions, "
                   f"{t['raw']} would put the {last_year} stock at {_num(first + total)}")
            why_zh = (f"{bloc}写{t['subject']}{t['raw']}，恰等于{aloc}的{last_year}年累计数{_num_zh(last)}{unit}"
                      f"（含{base_year}年基数{_num_zh(first)}{unit}，新增仅{_num_zh(gain)}{unit}）；"
                      f"若理解为新增，则{last_year}年将为{_num_zh(first + total)}{unit}，口径有歧义。")
        else:
            status = "differs"
            why = (f"stated {t['raw']} matches neither the annex increase ({_num(gain)}) nor the "
                   f"{last_year} stock ({_num(last)})")
            why_zh = (f"{bloc}写{t['subject']}{t['raw']}，既不等于{aloc}的增量（{_delta_zh(gain)}），"
                      f"也不等于{last_year}年累计数{_num_zh(last)}{unit}，数值不一致。")
        return [{**common, "kind": "cumulative_vs_rate", "annex_quote": quote, "annex_location": loc,
                 "detail": why, "status": status, "detail_zh": why_zh}]
    return []


def _coverage(a: str, b: str) -> float:
    """Share of ``a``'s characters found, in order, in ``b``."""
    if not a:
        return 0.0
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in sm.get_matching_blocks()) / len(a)


def _norm(text: str) -> str:
    return _PUNCT.sub("", fold(text))


def _mask_numbers(text: str) -> str:
    return re.sub(r"\d+(?:\.\d+)?", "#", fold(text))


def _body_vs_rows(paragraphs, annex_rows) -> list[dict]:
    out: list[dict] = []
    body = [p for p in paragraphs if p.section]
    for label, df in annex_rows:
        for rec in df.to_dict("records"):
            content = rec["content"]
            para = max(body, key=lambda p: _coverage(_norm(content), _norm(p.text)))
            if _coverage(_norm(content), _norm(para.text)) < CLAUSE_MATCH:
                continue
            body_clauses = split_outside_brackets(re.sub(r"^\d+[．.]", "", para.text), _CLAUSE_END)
            aloc = f"{label} 第{rec['number']}行"
            for clause in split_outside_brackets(content, _CLAUSE_END):
                if any(_norm(clause) == _norm(b) for b in body_clauses):
                    continue
                best = max(body_clauses, key=lambda b: _ratio(_norm(clause), _norm(b)))
                score = _ratio(_norm(clause), _norm(best))
                common = {"body_quote": best, "body_location": para.location, "annex_quote": clause,
                          "annex_location": aloc, "status": "differs"}
                if score < CLAUSE_MATCH:
                    out.append({**common, "kind": "wording_differs", "subject": rec["heading"],
                                "detail": f"clause in {aloc} has no close counterpart in {para.location} "
                                          f"(nearest body clause quoted): 「{clause}」",
                                "detail_zh": f"{_loc_zh(aloc)}的{_q(clause)}在{_loc_zh(para.location)}中"
                                             f"没有相近的表述（最接近的是{_q(best)}）。",
                                "body_focus": (0, len(best)), "annex_focus": (0, len(clause))})
                    continue
                out += _compare_clause(best, clause, rec["heading"], common)
    return out


def _compare_clause(body: str, annex: str, heading: str, common: dict) -> list[dict]:
    out = []
    bt, at = find_targets(body), find_targets(annex)
    bloc, aloc = _loc_zh(common["body_location"]), _loc_zh(common["annex_location"])
    for b, a in zip(bt, at):
        subject = b.subject or heading
        focus = {"body_focus": _span_of(body, b.raw, b.subject), "annex_focus": _span_of(annex, a.raw, a.subject)}
        same_unit, same_number = same_quantity(b.value, b.unit, a.value, a.unit)
        if not same_unit:
            out.append({**common, **focus, "kind": "unit_differs", "subject": subject,
                        "detail": f"body {b.raw} ({b.unit}) vs annex {a.raw} ({a.unit})",
                        "detail_zh": f"{bloc}为{subject}{b.raw}，{aloc}为{a.raw}，单位不一致。"})
        elif not same_number:
            out.append({**common, **focus, "kind": "number_differs", "subject": subject,
                        "detail": f"{subject}: body {b.raw} vs annex {a.raw}",
                        "detail_zh": f"{bloc}为{subject}{b.raw}，{aloc}为{a.raw}，数值不一致。"})
        elif (b.comparator == "≈") != (a.comparator == "≈"):
            out.append({**common, **focus, "subject": subject, **_approx_vs_exact(
                b.comparator == "≈", (b.raw, f"{subject}{b.raw}", bloc), (a.raw, f"{aloc}为{a.raw}"),
                f"{_num_zh(b.value)}{b.unit}")})
    if len(bt) != len(at):
        listed = [("、".join(f.raw for f in found) or "无") for found in (bt, at)]
        out.append({**common, "kind": "number_differs", "subject": heading,
                    "detail": f"body states {len(bt)} number(s) ({', '.join(f.raw for f in bt)}), annex "
                              f"{len(at)} ({', '.join(f.raw for f in at)})",
                    "detail_zh": f"{bloc}列出{len(bt)}个数字（{listed[0]}），{aloc}列出{len(at)}个"
                                 f"（{listed[1]}），数字个数不一致。",
                    "body_focus": _span_of(body, *(f.raw for f in bt[len(at):])),
                    "annex_focus": _span_of(annex, *(f.raw for f in at[len(bt):]))})
    pairs = cited_as_one(body, annex)
    out += [{**common, **_same_document(body, annex, p, bloc, aloc), "subject": heading} for p in pairs]
    same = body
    for (b0, b1), (a0, a1) in reversed(pairs):  # the body as if it cited the annex's way
        same = same[:b0] + annex[a0:a1] + same[b1:]
    mb, ma = _mask_numbers(_norm(same)), _mask_numbers(_norm(annex))
    if mb != ma:  # compared as if cited one way: a document cited two ways is not a wording difference
        spans = diff_spans(same, annex)
        out.append({**common, "kind": "wording_differs", "subject": heading,
                    "detail": diff_text(same, annex),
                    "detail_zh": f"对照{bloc}与{aloc}：{diff_text_zh(same, annex)}，表述不一致。",
                    "body_focus": (_as_written(spans[0][0], pairs, annex), _as_written(spans[-1][1], pairs, annex))
                    if spans else (0, 0),
                    "annex_focus": (spans[0][2], spans[-1][3]) if spans else (0, 0)})
    return out


def _as_written(pos: int, pairs, annex: str) -> int:
    """A position in the body with its citations replaced by the annex's (:func:`cited_as_one`),
    as a position in the body as written (inside a replaced citation: its start)."""
    shift = 0
    for (b0, b1), (a0, a1) in pairs:
        if pos < b0 + shift:
            break
        if pos < b0 + shift + (a1 - a0):
            return b0
        shift += (a1 - a0) - (b1 - b0)
    return pos - shift


def _titles(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TITLE.finditer(text)]


def _numbers(text: str, before: str) -> list[tuple[int, int]]:
    """Spans of document numbers (浙政发〔2023〕4号) in ``text`` whose issuer (the Chinese
    characters in front of 〔year〕, at most :data:`_ISSUER` of them) starts where ``before``
    (the text in front of the other side's citation) ends."""
    out = []
    for m in _DOC_NUMBER.finditer(text):
        for k in range(1, _ISSUER + 1):
            s = m.start() - k
            if s < 0 or not "\u4e00" <= text[s] <= "\u9fff":
                break
            if text[max(0, s - _CONTEXT):s] == before:
                out.append((s, m.end()))
                break
    return out


def _year_fits(title: str, number: str) -> bool:
    """The number's year is one the title states (or the title states none)."""
    years = re.findall(r"(?:19|20)\d\d", fold(title))
    return not years or _DOC_NUMBER.search(number).group(1) in years


def cited_as_one(body: str, annex: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(body span, annex span) for each document the body cites by its 《title》 and the annex by
    its number (浙政发〔2023〕4号), or the other way round, in the same spot: the same
    :data:`_CONTEXT` characters on either side, and the number's year one the title states.

    >>> body, annex = "按《甲方案（2023—2027年）》文件执行", "按浙政发〔2023〕4号文件执行"
    >>> [(body[b:e], annex[i:j]) for (b, e), (i, j) in cited_as_one(body, annex)]
    [('《甲方案（2023—2027年）》', '浙政发〔2023〕4号')]
    >>> cited_as_one(body, "按浙政发〔2021〕4号文件执行")  # another year: not shown to be one document
    []
    """
    pairs, used = [], set()
    for side, other, flip in ((body, annex, False), (annex, body, True)):
        for t0, t1 in _titles(side):
            if side[t0:t1] in other:
                continue
            before, after = side[max(0, t0 - _CONTEXT):t0], side[t1:t1 + _CONTEXT]
            for n0, n1 in _numbers(other, before):
                if (n0, flip) in used or other[n0:n1] in side or other[n1:n1 + _CONTEXT] != after \
                        or not _year_fits(side[t0:t1], other[n0:n1]):
                    continue
                used.add((n0, flip))
                pairs.append(((n0, n1), (t0, t1)) if flip else ((t0, t1), (n0, n1)))
                break
    return sorted(pairs)


def _same_document(body: str, annex: str, spans, bloc: str, aloc: str) -> dict:
    """The finding for one document cited by title in the body and by number in the annex (or the reverse)."""
    (b0, b1), (a0, a1) = spans
    cited, by_number = body[b0:b1], annex[a0:a1]
    by_title = bool(_TITLE.fullmatch(cited))
    year = _DOC_NUMBER.search(by_number if by_title else cited).group(1)
    way = ("标题", "文号") if by_title else ("文号", "标题")
    return {"kind": "same_document", "status": "consistent",
            "detail": f"the body cites {cited}, the annex {by_number} in the same spot of the clause: one document "
                      f"cited by {'title' if by_title else 'number'} and by {'number' if by_title else 'title'} "
                      f"(the number's year {year} fits the title)",
            "detail_zh": f"{bloc}以{way[0]}引用{cited}，{aloc}在同一句的同一位置以{way[1]}引用{by_number}："
                         f"文号年份{year}年与标题相符，是同一文件。",
            "body_focus": (b0, b1), "annex_focus": (a0, a1)}


def summary_lines(findings: pd.DataFrame) -> list[str]:
    """Counts by kind and status, then one line per finding."""
    if findings.empty:
        return ["audit: no findings"]
    counts = findings.groupby(["kind", "status"]).size()
    lines = ["audit: " + ", ".join(f"{k} {s} {n}" for (k, s), n in counts.items())]
    for f in findings.to_dict("records"):
        lines.append(f"  {f['finding_id']} {f['kind']:<18} [{f['status']}] {f['body_location'] or '—'} ↔ "
                     f"{f['annex_location']}: {f['detail']}")
    return lines

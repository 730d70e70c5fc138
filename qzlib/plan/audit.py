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

Findings: ``number_differs``, ``unit_differs``, ``wording_differs``, ``cumulative_vs_rate``.
Cumulative checks that add up are listed too (status ``consistent``) so a reader sees
what was checked; every other finding has status ``differs`` or ``ambiguous``.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

import pandas as pd

from qzlib.catalogue import by_code, match_code
from qzlib.numbers import fold, to_base_unit
from qzlib.plan.targets import _strip_subject, find_targets

COLUMNS = ["finding_id", "kind", "subject", "body_quote", "body_location", "annex_quote", "annex_location",
           "detail", "status"]
NAME_MATCH = 0.6  # similarity needed to pair a body subject with an uncoded indicator name
CLAUSE_MATCH = 0.5  # similarity needed to call two clauses the same statement
_PUNCT = re.compile(r"[，。；、：,.;:\s“”\"《》（）()]")


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


_NUMERAL = set("零一二两三四五六七八九十百千万亿0123456789")


def _bare_name(name: str) -> str:
    """Name without what does not change its meaning: quotes, 的, 累计, a leading verb,
    及 in 及以上, a trailing 数量."""
    bare = re.sub(r"[“”\"\s的]|^累计", "", name).replace("及以上", "以上")
    bare = re.sub(r"数量$", "", bare)
    return _strip_subject(bare) or bare


def diff_text(body: str, annex: str, gap: int = 4) -> str:
    """'正文「经费」→附件「费用」; …' for every span that differs (near spans merged)."""
    sm = SequenceMatcher(None, body, annex, autojunk=False)
    spans: list[list[int]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if spans and i1 - spans[-1][1] < gap and j1 - spans[-1][3] < gap:
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    return "; ".join(f"正文「{body[i1:i2]}」→附件「{annex[j1:j2]}」" for i1, i2, j1, j2 in spans)


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
        common = {"subject": rec["name_zh"], "body_quote": t["sentence"], "body_location": t["location"]}
        period = t["period"]
        year = int(period[3:]) if period.startswith("by_") and int(period[3:]) in years else None
        # name: one finding per (subject wording, indicator)
        a, b = _bare_name(t["subject"]), _bare_name(rec["name_zh"])
        if a not in b and b not in a and (t["subject"], rec["number"]) not in seen_names:
            seen_names.add((t["subject"], rec["number"]))
            out.append({**common, "kind": "wording_differs", "annex_quote": rec["name_zh"], "annex_location": loc,
                        "detail": f"indicator named differently: {diff_text(a, b)}", "status": "differs"})
        _, annex_unit = (None, rec["unit"]) if rec["unit"] == "%" else to_base_unit(1.0, rec["unit"])
        if year is not None:
            av = rec[f"value_{year}"]
            quote = f"{rec['name_zh']}（{rec['unit']}）{year}年：{rec[f'raw_{year}']}"
            yloc = f"{loc} {year}年"
            if t["unit"] != annex_unit:
                out.append({**common, "kind": "unit_differs", "annex_quote": quote, "annex_location": yloc,
                            "detail": f"body states {t['raw']} (unit {t['unit']}); annex column unit is "
                                      f"{rec['unit']} (base unit {annex_unit})", "status": "differs"})
            if pd.notna(av):
                annex_base = av if rec["unit"] == "%" else to_base_unit(av, rec["unit"])[0]
                if abs(annex_base - t["value"]) > 1e-9 * max(1.0, abs(annex_base)):
                    out.append({**common, "kind": "number_differs", "annex_quote": quote, "annex_location": yloc,
                                "detail": f"body {t['raw']} vs annex {rec[f'raw_{year}']} ({rec['unit']})",
                                "status": "differs"})
        if _is_cumulative(rec) and base_year is not None:
            out += _cumulative(t, rec, years, base_year, loc, common)
    return out


def _cumulative(t: dict, rec: dict, years: list[int], base_year: int, loc: str, common: dict) -> list[dict]:
    quote = _annex1_quote(rec, years)
    values = [(y, rec[f"value_{y}"]) for y in years if pd.notna(rec[f"value_{y}"])]
    if len(values) < 2:
        return []
    if t["period"] == "per_year":
        rate, checks, ok = t["value"], [], True
        for (y0, v0), (y1, v1) in zip(values, values[1:]):
            implied = rate * (y1 - y0)
            good = abs((v1 - v0) - implied) < 1e-9
            ok &= good
            checks.append(f"{y0}→{y1}: {_num(rate)}/yr × {y1 - y0} = {_num(implied)} vs annex "
                          f"{_num(v0)}→{_num(v1)} (+{_num(v1 - v0)}) {'✓' if good else '✗'}")
        return [{**common, "kind": "cumulative_vs_rate", "annex_quote": quote, "annex_location": loc,
                 "detail": "; ".join(checks), "status": "consistent" if ok else "differs"}]
    if t["period"] in ("plan_period", "cumulative", f"by_{values[-1][0]}"):
        (_, first), (last_year, last) = values[0], values[-1]
        gain = last - first
        total = t["value"]
        if abs(total - gain) < 1e-9:
            status, why = "consistent", f"stated total {_num(total)} = annex increase {_num(first)}→{_num(last)}"
        elif abs(total - last) < 1e-9:
            status = "ambiguous"
            why = (f"stated {t['raw']} equals the annex's {last_year} stock ({_num(last)}), which includes the "
                   f"{base_year} base of {_num(first)}: only {_num(gain)} would be new; read as new additions, "
                   f"{t['raw']} would put the {last_year} stock at {_num(first + total)}")
        else:
            status = "differs"
            why = (f"stated {t['raw']} matches neither the annex increase ({_num(gain)}) nor the "
                   f"{last_year} stock ({_num(last)})")
        return [{**common, "kind": "cumulative_vs_rate", "annex_quote": quote, "annex_location": loc,
                 "detail": why, "status": status}]
    return []


def _clauses(text: str) -> list[str]:
    """Split at top-level ，；。 (not inside brackets or quotes)."""
    out, cur, depth = [], "", 0
    for ch in text:
        if ch in "（(“《":
            depth += 1
        elif ch in "）)”》":
            depth = max(0, depth - 1)
        if ch in "，；。" and depth == 0:
            if cur.strip():
                out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


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
            body_clauses = _clauses(re.sub(r"^\d+[．.]", "", para.text))
            aloc = f"{label} 第{rec['number']}行"
            for clause in _clauses(content):
                if any(_norm(clause) == _norm(b) for b in body_clauses):
                    continue
                best = max(body_clauses, key=lambda b: _ratio(_norm(clause), _norm(b)))
                score = _ratio(_norm(clause), _norm(best))
                common = {"body_quote": best, "body_location": para.location, "annex_quote": clause,
                          "annex_location": aloc, "status": "differs"}
                if score < CLAUSE_MATCH:
                    out.append({**common, "kind": "wording_differs", "subject": rec["heading"],
                                "detail": f"clause in {aloc} has no close counterpart in {para.location} "
                                          f"(nearest body clause quoted): 「{clause}」"})
                    continue
                out += _compare_clause(best, clause, rec["heading"], common)
    return out


def _compare_clause(body: str, annex: str, heading: str, common: dict) -> list[dict]:
    out = []
    bt, at = find_targets(body), find_targets(annex)
    for b, a in zip(bt, at):
        subject = b.subject or heading
        if b.unit != a.unit:
            out.append({**common, "kind": "unit_differs", "subject": subject,
                        "detail": f"body {b.raw} ({b.unit}) vs annex {a.raw} ({a.unit})"})
        elif abs(b.value - a.value) > 1e-9 * max(1.0, abs(b.value)):
            out.append({**common, "kind": "number_differs", "subject": subject,
                        "detail": f"{subject}: body {b.raw} vs annex {a.raw}"})
    if len(bt) != len(at):
        out.append({**common, "kind": "number_differs", "subject": heading,
                    "detail": f"body states {len(bt)} number(s) ({', '.join(f.raw for f in bt)}), annex "
                              f"{len(at)} ({', '.join(f.raw for f in at)})"})
    mb, ma = _mask_numbers(_norm(body)), _mask_numbers(_norm(annex))
    if mb != ma:
        out.append({**common, "kind": "wording_differs", "subject": heading,
                    "detail": diff_text(body, annex)})
    return out


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
